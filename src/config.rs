//! Configuration: every option is a command-line flag with an environment twin, and every
//! one has a default, so `gridlink serve` works with no settings at all.

use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseConfig {
    /// Database URL: `sqlite:PATH` for the embedded store (created on first use), or
    /// `postgres://USER@HOST/DB` for PostgreSQL with PostGIS.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite:data/gridlink.db",
        global = true
    )]
    pub database_url: String,
}

/// Settings of the HTTP service.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Address and port to listen on.
    #[arg(long, env = "GRIDLINK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// The database.
    #[command(flatten)]
    pub database: DatabaseConfig,

    /// Dataset loaded into an empty database at start-up (the demo town by default).
    #[arg(long, env = "GRIDLINK_SEED_DIR", default_value = "geodata/taihua")]
    pub seed_dir: PathBuf,

    /// Start with an empty database instead of loading `--seed-dir`.
    #[arg(long, env = "GRIDLINK_NO_SEED")]
    pub no_seed: bool,

    /// The password of the demo accounts made when the seed dataset is loaded into an
    /// empty database; a random one, printed in the log, when not given.
    #[arg(long, env = "GRIDLINK_DEMO_PASSWORD", hide_env_values = true)]
    pub demo_password: Option<String>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "GRIDLINK_MAX_BODY_BYTES", default_value_t = 8 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Most points accepted by one batch `POST /api/locate`.
    #[arg(long, env = "GRIDLINK_MAX_BATCH_POINTS", default_value_t = 100_000)]
    pub max_batch_points: usize,

    /// Seconds a request may take before it is answered with 503.
    #[arg(long, env = "GRIDLINK_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// Milliseconds between checks for data committed by other processes or replicas (an
    /// import, another service on the same database); what changed is reloaded into the
    /// index, so a change shows within about this long.
    #[arg(
        long,
        env = "GRIDLINK_INDEX_REFRESH_MS",
        default_value_t = 1000,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub index_refresh_ms: u64,

    /// Memory for rendered map tiles, in MiB; the least used tiles go first.
    #[arg(long, env = "GRIDLINK_TILE_CACHE_MB", default_value_t = 256)]
    pub tile_cache_mb: u64,

    /// Directory of the web map, served at `/`.
    #[arg(long, env = "GRIDLINK_WEB_DIR", default_value = "web")]
    pub web_dir: PathBuf,

    /// An XYZ basemap for the web map, e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`
    /// or a Tianditu URL; none by default, as command centres often have no internet.
    #[arg(long, env = "GRIDLINK_BASEMAP_URL")]
    pub basemap_url: Option<String>,

    /// Attribution text shown for the basemap.
    #[arg(long, env = "GRIDLINK_BASEMAP_ATTRIBUTION", default_value = "")]
    pub basemap_attribution: String,

    /// Incident categories: the duty classes, their sub-categories and time limits.
    #[arg(
        long,
        env = "GRIDLINK_CATEGORIES",
        default_value = "geodata/categories.json"
    )]
    pub categories: PathBuf,

    /// Business calendar for deadlines: working hours, holidays and make-up working days.
    #[arg(
        long,
        env = "GRIDLINK_CALENDAR",
        default_value = "geodata/calendar.json"
    )]
    pub calendar: PathBuf,

    /// Share of an incident's allowed working time below which it is listed yellow.
    /// Applies to deadlines set from then on.
    #[arg(long, env = "GRIDLINK_YELLOW_FRACTION", default_value_t = 0.25,
          value_parser = fraction)]
    pub yellow_fraction: f64,

    /// Distance in metres within which an incident of the same category is offered as a
    /// likely duplicate.
    #[arg(long, env = "GRIDLINK_DUPLICATE_RADIUS_M", default_value_t = 50.0)]
    pub duplicate_radius_m: f64,

    /// Hours back that likely duplicates are looked for.
    #[arg(long, env = "GRIDLINK_DUPLICATE_WINDOW_HOURS", default_value_t = 72)]
    pub duplicate_window_hours: u32,

    /// Largest photo accepted, in bytes.
    #[arg(long, env = "GRIDLINK_PHOTO_MAX_BYTES", default_value_t = 10 * 1024 * 1024)]
    pub photo_max_bytes: usize,

    /// Seconds a call to a grid worker rings before it goes to the next candidate (at most
    /// an hour).
    #[arg(long, env = "GRIDLINK_CALL_TIMEOUT_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub call_timeout_secs: u64,

    /// Minutes a worker's last reported position stays fresh enough to call them.
    #[arg(long, env = "GRIDLINK_POSITION_FRESH_MINUTES", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub position_fresh_minutes: u32,

    /// Travel speed for estimated arrival times, in km/h (an electric scooter in town).
    #[arg(long, env = "GRIDLINK_TRAVEL_SPEED_KMH", default_value_t = 20.0,
          value_parser = positive)]
    pub travel_speed_kmh: f64,

    /// Metres from the camera within which a worker on the way is on scene.
    #[arg(long, env = "GRIDLINK_ON_SCENE_RADIUS_M", default_value_t = 50.0)]
    pub on_scene_radius_m: f64,

    /// The incident sub-category a camera alert is filed under unless it names one.
    #[arg(
        long,
        env = "GRIDLINK_ALERT_CATEGORY",
        default_value = "public_order_suspicious"
    )]
    pub alert_category: String,

    /// Days of patrol tracks kept; older track points are deleted every hour.
    #[arg(long, env = "GRIDLINK_TRACK_RETENTION_DAYS", default_value_t = 90,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub track_retention_days: u32,

    /// Demo only: the on-shift workers of the demo town walk their grids and report
    /// positions every few seconds, as their phones would, so that video linkage has
    /// someone to call without phones in the field.
    #[arg(long, env = "GRIDLINK_SIMULATE_PATROLS")]
    pub simulate_patrols: bool,

    /// Grid planning: gaps, overlaps and grid parts of at most this many m² are reported
    /// as slivers (usually a vertex that missed its neighbour's).
    #[arg(long, env = "GRIDLINK_SLIVER_AREA_M2", default_value_t = 20.0, value_parser = positive)]
    pub sliver_area_m2: f64,

    /// Grid planning: the households a grid of the finest level should hold, `MIN-MAX`;
    /// a change set leaving one outside gets a warning (not an error).
    #[arg(long, env = "GRIDLINK_MICRO_GRID_HOUSEHOLDS", default_value = "50-100",
          value_parser = household_range)]
    pub micro_grid_households: (i64, i64),
}

fn household_range(text: &str) -> Result<(i64, i64), String> {
    let (min, max) = text
        .split_once('-')
        .ok_or_else(|| format!("{text:?} is not MIN-MAX, e.g. 50-100"))?;
    let parse = |t: &str| t.trim().parse::<i64>().map_err(|e| format!("{t:?}: {e}"));
    let (min, max) = (parse(min)?, parse(max)?);
    if 0 <= min && min <= max {
        Ok((min, max))
    } else {
        Err(format!("{text:?}: need 0 <= MIN <= MAX"))
    }
}

/// A number above 0 (a speed, an area).
fn positive(text: &str) -> Result<f64, String> {
    number(text, |v| v.is_finite() && v > 0.0, "a number above 0")
}

/// A number from 0 to 1.
fn fraction(text: &str) -> Result<f64, String> {
    number(text, |v| (0.0..=1.0).contains(&v), "between 0 and 1")
}

/// `text` as a number that `accepts`, else an error saying what it `must_be`.
fn number(text: &str, accepts: fn(f64) -> bool, must_be: &str) -> Result<f64, String> {
    let value: f64 = text.parse().map_err(|e| format!("{text:?}: {e}"))?;
    if accepts(value) {
        Ok(value)
    } else {
        Err(format!("{value} is not {must_be}"))
    }
}

impl ServeConfig {
    /// The tile cache's bound in bytes.
    #[must_use]
    pub fn tile_cache_bytes(&self) -> u64 {
        self.tile_cache_mb.saturating_mul(1024 * 1024)
    }

    /// Settings for tests: an ephemeral port, the given database, no seed.
    #[must_use]
    pub fn for_tests(database_url: &str) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            database: DatabaseConfig {
                database_url: database_url.to_owned(),
            },
            seed_dir: PathBuf::from("geodata/taihua"),
            no_seed: true,
            demo_password: None,
            max_body_bytes: 8 * 1024 * 1024,
            max_batch_points: 100_000,
            request_timeout_secs: 30,
            index_refresh_ms: 1000,
            tile_cache_mb: 64,
            web_dir: PathBuf::from("web"),
            basemap_url: None,
            basemap_attribution: String::new(),
            categories: PathBuf::from("geodata/categories.json"),
            calendar: PathBuf::from("geodata/calendar.json"),
            yellow_fraction: 0.25,
            duplicate_radius_m: 50.0,
            duplicate_window_hours: 72,
            photo_max_bytes: 10 * 1024 * 1024,
            call_timeout_secs: 60,
            position_fresh_minutes: 10,
            travel_speed_kmh: 20.0,
            on_scene_radius_m: 50.0,
            alert_category: "public_order_suspicious".into(),
            track_retention_days: 90,
            simulate_patrols: false,
            sliver_area_m2: 20.0,
            micro_grid_households: (50, 100),
        }
    }
}
