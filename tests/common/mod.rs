//! Fixtures shared by the integration tests: a fresh, migrated store of either backend.
//!
//! Each test gets its own store, so tests run in parallel and never see each other's rows:
//! a new SQLite file in a temporary directory, or a new schema in the PostgreSQL database
//! named by `GRIDLINK_TEST_DATABASE_URL` (`scripts/test.sh` creates one and sets it).
#![allow(
    dead_code,
    reason = "each test crate uses its own subset of the fixtures"
)]
#![allow(
    clippy::panic,
    reason = "a fixture that cannot be built must stop the test with its reason"
)]

pub mod router;

/// The password the tests give the demo accounts of a service they start.
pub const DEMO_PASSWORD: &str = "demo-password-1";

/// Logs in to the service at `addr` as demo account `username`; answers the cookie to send.
pub async fn log_in(addr: std::net::SocketAddr, username: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/api/session"))
        .json(&serde_json::json!({ "username": username, "password": DEMO_PASSWORD }))
        .send()
        .await
        .expect("log-in request");
    assert_eq!(response.status(), 200, "log-in as {username}");
    response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

/// Instantiates each `async fn(&dyn Store)` case as a `#[tokio::test]` on a fresh SQLite
/// store (module `sqlite`) and on a fresh PostGIS schema (module `postgres`).
#[allow(
    unused_macros,
    reason = "each test crate uses its own subset of the fixtures"
)]
macro_rules! on_both_stores {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $case() {
                let t = super::common::sqlite_store().await;
                super::$case(t.store.as_ref()).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $case() {
                let t = super::common::postgres_store().await;
                super::$case(t.store.as_ref()).await;
            })*
        }
    };
}

use gridlink::store::DataStore;
use gridlink::store::{PostgresStore, Store};
use sqlx::postgres::{PgConnectOptions, PgPool};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use tempfile::TempDir;

/// Names the variable holding the URL of the PostgreSQL test database.
pub const TEST_DATABASE_URL: &str = "GRIDLINK_TEST_DATABASE_URL";

const HOW_TO: &str = "run the tests with scripts/test.sh, which installs PostGIS \
    (apt-get install postgresql-15-postgis-3), starts PostgreSQL, creates a throw-away \
    database and sets GRIDLINK_TEST_DATABASE_URL";

/// A store for one test, with whatever must live as long as it does.
pub struct TestStore {
    /// The store under test.
    pub store: Arc<dyn Store>,
    /// Keeps the SQLite file's directory until the test ends.
    _dir: Option<TempDir>,
}

/// A migrated SQLite store in a new file, in a directory that does not exist yet
/// (`connect` must create it, as it does for the default `sqlite:data/gridlink.db`).
pub async fn sqlite_store() -> TestStore {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let url = format!("sqlite:{}", dir.path().join("data/gridlink.db").display());
    let store = gridlink::store::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("open {url}: {e}"));
    TestStore {
        store,
        _dir: Some(dir),
    }
}

/// The URL of a new, empty schema inside the database named by
/// `GRIDLINK_TEST_DATABASE_URL`, with `public` (PostGIS) on the search path: for code that
/// takes a URL, such as `Application::build`. Panics, never skips, when that database is
/// missing, unreachable or lacks PostGIS: a silently skipped backend is an untested backend.
///
/// The schemas are left behind: `scripts/test.sh` drops the whole database afterwards.
pub async fn postgres_schema_url() -> String {
    let url = std::env::var(TEST_DATABASE_URL)
        .unwrap_or_else(|_| panic!("{TEST_DATABASE_URL} is not set: {HOW_TO}"));
    let admin = PgPool::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test database {url}: {e}; {HOW_TO}"));
    let postgis: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')")
            .fetch_one(&admin)
            .await
            .unwrap_or_else(|e| panic!("query the test database {url}: {e}"));
    assert!(
        postgis,
        "the test database {url} lacks the postgis extension: {HOW_TO}"
    );

    let schema = unique_schema_name();
    // An identifier cannot be a bound parameter; this one is generated here, never input.
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .unwrap_or_else(|e| panic!("create schema {schema}: {e}"));
    admin.close().await;

    // `public` stays on the path so the PostGIS types and functions resolve.
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options%5Bsearch_path%5D={schema},public")
}

/// Connection options for a new, empty schema (see [`postgres_schema_url`]).
pub async fn postgres_schema() -> PgConnectOptions {
    let url = postgres_schema_url().await;
    PgConnectOptions::from_str(&url).unwrap_or_else(|e| panic!("parse {url}: {e}"))
}

/// A migrated PostgreSQL store in a schema of its own (see [`postgres_schema`]).
pub async fn postgres_store() -> TestStore {
    let options = postgres_schema().await;
    let schema = options.get_options().unwrap_or_default().to_owned();
    let store = PostgresStore::connect_with(options)
        .await
        .unwrap_or_else(|e| panic!("connect with {schema}: {e}"));
    store
        .migrate()
        .await
        .unwrap_or_else(|e| panic!("migrate schema {schema}: {e}"));
    TestStore {
        store: Arc::new(store),
        _dir: None,
    }
}

/// A schema name no other test, in this process or another, is using.
fn unique_schema_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "test_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Taihua's four levels (town, village, comprehensive grid, micro-grid).
pub fn taihua_levels() -> Vec<gridlink::domain::Level> {
    [
        (1, "镇", "town"),
        (2, "村/社区", "village"),
        (3, "综合网格", "comprehensive grid"),
        (4, "微网格", "micro-grid"),
    ]
    .into_iter()
    .map(|(level, zh, en)| gridlink::domain::Level {
        level,
        name_zh: zh.to_owned(),
        name_en: en.to_owned(),
    })
    .collect()
}

/// An axis-aligned square with its south-west corner at (`lon`, `lat`).
pub fn square(lon: f64, lat: f64, side: f64) -> geo::MultiPolygon<f64> {
    let ring = geo::LineString::from(vec![
        (lon, lat),
        (lon + side, lat),
        (lon + side, lat + side),
        (lon, lat + side),
    ]);
    geo::MultiPolygon::new(vec![geo::Polygon::new(ring, vec![])])
}

/// A new grid whose parent code is its own code less the last segment, at level
/// `depth + 1`, with a made-up household ledger.
pub fn new_grid(
    code: &str,
    name: &str,
    geometry: geo::MultiPolygon<f64>,
) -> gridlink::domain::NewGrid {
    let code = gridlink::domain::GridCode::parse(code).expect("a well-formed test code");
    gridlink::domain::NewGrid {
        level: code.depth() as i32 + 1,
        parent_code: code.parent(),
        name: name.to_owned(),
        geometry,
        households: 60 + code.depth() as i64,
        residents: 180 + code.depth() as i64,
        code,
    }
}

/// The next double up from a positive `x`: the kind of value decimal formats lose.
pub fn next_up(x: f64) -> f64 {
    f64::from_bits(x.to_bits() + 1)
}

/// Every coordinate's bits, so `-0.0` and `0.0` or neighbouring doubles never pass as equal.
pub fn bits(geometry: &geo::MultiPolygon<f64>) -> Vec<[u64; 2]> {
    let rings = geometry
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    rings
        .flat_map(geo::LineString::coords)
        .map(|c| [c.x.to_bits(), c.y.to_bits()])
        .collect()
}

/// A star-shaped (so always valid) ring of `n` vertices whose coordinates use the full
/// mantissa, from the demo's fixed-seed generator.
pub fn random_star(seed: u64, center: (f64, f64), radius: f64, n: usize) -> geo::Polygon<f64> {
    let mut draws = gridlink::demo::SplitMix64::new(seed, 0);
    let mut next = move || draws.unit();
    let ring: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let angle = (i as f64 + 0.1 + 0.8 * next()) * std::f64::consts::TAU / n as f64;
            let r = radius * (0.5 + 0.5 * next());
            (center.0 + r * angle.cos(), center.1 + r * angle.sin())
        })
        .collect();
    geo::Polygon::new(geo::LineString::from(ring), vec![])
}

/// A shift covering every hour of every day.
pub fn all_day() -> gridlink::domain::Shift {
    gridlink::domain::Shift::from_parts(0x7f, 0, 0).expect("a valid shift")
}
