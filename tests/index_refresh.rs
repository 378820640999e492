//! The running service's index follows data committed by others: `gridlink import` run
//! beside it, or another replica on the same database. Each case starts the service on a
//! real socket, writes through a second connection of its own, and polls the API until
//! the write shows (or a deadline passes), on SQLite and on PostGIS.

#![allow(
    clippy::panic,
    reason = "helpers outside #[test] functions fail the test on purpose"
)]

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use common::{new_grid, square, taihua_levels};
use gridlink::app::Application;
use gridlink::config::ServeConfig;
use gridlink::domain::{LonLat, NewWorker, WorkerId, WorkerRole};
use gridlink::store::Store;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

const TOWN: &str = "320282102";

/// A point in the town square that the tests import.
const LOCATE: &str = "/api/locate?lon=119.65&lat=31.17";

/// How often the service under test looks for changes.
const REFRESH_MS: u64 = 50;

/// How long a change may take to show before the test fails: a hundred refresh periods.
const PATIENCE: Duration = Duration::from_secs(5);

/// The service under test, and a second connection to its database: the other writer.
struct Service {
    addr: SocketAddr,
    client: reqwest::Client,
    other: Arc<dyn Store>,
}

/// The header of a token of an account with every role on every grid.
async fn signed_in(store: &Arc<dyn Store>) -> reqwest::header::HeaderMap {
    let accounts = gridlink::accounts::Accounts::load(Arc::clone(store))
        .await
        .expect("roles");
    let grants = accounts
        .roles()
        .iter()
        .map(|r| (r.name.clone(), None))
        .collect();
    let now = chrono::Utc::now();
    let account = gridlink::accounts::NewAccount {
        username: "tester".into(),
        display_name: String::new(),
        password: common::router::TEST_PASSWORD.into(),
        worker_id: None,
        department: None,
        grants,
    };
    let user = accounts.create_user(account, now).await.expect("account");
    let (token, _) = accounts
        .create_token(user.id, "tests", 1, now)
        .await
        .expect("token");
    let mut headers = reqwest::header::HeaderMap::new();
    let value = format!("Bearer {token}").parse().expect("header");
    headers.insert(reqwest::header::AUTHORIZATION, value);
    headers
}

impl Service {
    /// Starts the service on an empty database at `url` and opens the other writer.
    async fn start(url: &str) -> Self {
        let config = ServeConfig {
            index_refresh_ms: REFRESH_MS,
            ..ServeConfig::for_tests(url)
        };
        let app = Application::build(&config).await.expect("service starts");
        let addr = app.local_addr().expect("bound");
        tokio::spawn(app.run_until_stopped());
        let other = gridlink::store::connect(url)
            .await
            .expect("a second connection");
        let client = reqwest::Client::builder()
            .default_headers(signed_in(&other).await)
            .build()
            .expect("client");
        Self {
            addr,
            client,
            other,
        }
    }

    /// Imports a town square through the other writer, and waits for the service to
    /// locate a point in it, naming the import `what` if it does not.
    async fn import_town_and_locate_it(&self, what: &str) {
        self.other
            .put_levels(&taihua_levels())
            .await
            .expect("levels");
        let town = new_grid(TOWN, "太华镇", square(119.6, 31.1, 0.2));
        self.other.insert_grids(&[town]).await.expect("the town");
        self.eventually(LOCATE, what, |answer| answer["chain"][0]["code"] == TOWN)
            .await;
    }

    async fn get(&self, path: &str) -> Value {
        let response = self
            .client
            .get(format!("http://{}{path}", self.addr))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("JSON")
    }

    /// GETs `path` until `shows` accepts the answer; fails naming `what` and the last
    /// answer once [`PATIENCE`] has passed.
    async fn eventually(&self, path: &str, what: &str, shows: impl Fn(&Value) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let answer = self.get(path).await;
            if shows(&answer) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{what} did not show in GET {path} within {PATIENCE:?}; last answer: {answer}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

fn lonlat(lon: f64, lat: f64) -> LonLat {
    LonLat::new(lon, lat).expect("a valid point")
}

/// `seconds` after five minutes ago: recent enough for a worker to be available.
fn at(seconds: i64) -> DateTime<Utc> {
    Utc::now() - TimeDelta::minutes(5) + TimeDelta::seconds(seconds)
}

fn nearest(p: LonLat) -> String {
    format!("/api/workers/nearest?lon={}&lat={}&k=1", p.lon(), p.lat())
}

/// Whether the nearest worker in a `GET /api/workers/nearest` answer is `id`, right there.
fn nearest_is(answer: &Value, id: WorkerId) -> bool {
    let first = &answer["workers"][0];
    first["id"] == id && first["distance_m"] == 0.0
}

/// Grids imported and a worker stored and moved by the other writer all reach the index.
async fn the_index_follows_grids_and_workers_written_elsewhere(url: &str) {
    let service = Service::start(url).await;
    let empty = service.get(LOCATE).await;
    assert_eq!(empty["chain"], serde_json::json!([]), "empty at first");

    service
        .import_town_and_locate_it("the town imported elsewhere")
        .await;

    let start = lonlat(119.65, 31.17);
    let worker = NewWorker {
        name: "李明".to_owned(),
        role: WorkerRole::FullTime,
        department: None,
        phone: "13800000000".to_owned(),
        grid_codes: vec![gridlink::domain::GridCode::parse(TOWN).expect("code")],
        on_duty: true,
        position: Some(start),
        position_at: Some(at(0)),
        shifts: vec![common::all_day()],
    };
    let id = service
        .other
        .insert_workers(&[worker])
        .await
        .expect("worker")[0]
        .id;
    let what = "the worker stored elsewhere";
    service
        .eventually(&nearest(start), what, |a| nearest_is(a, id))
        .await;

    let there = lonlat(119.75, 31.25);
    let fix = gridlink::domain::Fix {
        position: there,
        accuracy_m: 5.0,
        at: at(60),
    };
    service
        .other
        .record_position(id, &fix, Utc::now())
        .await
        .expect("moved");
    let what = "the worker moved elsewhere";
    service
        .eventually(&nearest(there), what, |a| nearest_is(a, id))
        .await;
}

#[tokio::test]
async fn sqlite_index_follows_grids_and_workers_written_by_another_connection() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("data/gridlink.db").display());
    the_index_follows_grids_and_workers_written_elsewhere(&url).await;
}

#[tokio::test]
async fn postgis_index_follows_grids_and_workers_written_by_another_connection() {
    let url = common::postgres_schema_url().await;
    the_index_follows_grids_and_workers_written_elsewhere(&url).await;
}

/// A refresh that fails (here, the versions table is briefly gone) is tried again at the
/// next tick: the task lives on and later writes still show.
#[tokio::test]
async fn a_failed_refresh_is_tried_again_at_the_next_tick() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("data/gridlink.db").display());
    let service = Service::start(&url).await;
    let raw = sqlx::SqlitePool::connect(&url)
        .await
        .expect("a raw connection");
    let rename = |from: &str, to: &str| format!("ALTER TABLE {from} RENAME TO {to}");

    sqlx::query(&rename("data_versions", "parked"))
        .execute(&raw)
        .await
        .expect("park the versions");
    // Long enough for several refreshes to fail; the test does not depend on how many.
    tokio::time::sleep(Duration::from_millis(4 * REFRESH_MS)).await;
    sqlx::query(&rename("parked", "data_versions"))
        .execute(&raw)
        .await
        .expect("restore the versions");

    service
        .import_town_and_locate_it("the town imported after the failures")
        .await;
}
