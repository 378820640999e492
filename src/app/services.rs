//! Every service built from the configuration, once, at start-up: the incident desk, video
//! linkage and the planner, and the state the HTTP API holds them in. The services
//! themselves never read the configuration; they are handed plain settings.

use crate::accounts::Accounts;
use crate::config::ServeConfig;
use crate::http::{AppState, Basemap, Limits};
use crate::incidents::{Desk, DeskSettings, FileError, read_calendar, read_categories};
use crate::linkage::{Linkage, LinkageSettings};
use crate::media::PhotoLimits;
use crate::mirrors::Mirrors;
use crate::planning::{HouseholdRule, Planner, Rules};
use crate::store::Store;
use chrono::TimeDelta;
use std::sync::Arc;
use std::time::Duration;

/// How many nearest workers an alert offers.
const ALERT_CANDIDATES: usize = 5;

/// The API's state over `store`, `mirrors` and `accounts`: every service, as `config` sets it. Fails
/// when the category or calendar file cannot be read.
pub fn state(
    store: &Arc<dyn Store>,
    mirrors: &Mirrors,
    accounts: Arc<Accounts>,
    config: &ServeConfig,
) -> Result<AppState, FileError> {
    let desk = Arc::new(desk(store, mirrors, config)?);
    let linkage = Linkage::new(
        Arc::clone(store),
        Arc::clone(&mirrors.index),
        Arc::clone(&desk),
        linkage_settings(config),
    );
    let planner = Planner::new(Arc::clone(store), mirrors.clone(), planning_rules(config));
    Ok(AppState {
        store: Arc::clone(store),
        mirrors: mirrors.clone(),
        limits: Limits {
            max_batch_points: config.max_batch_points,
            photo: PhotoLimits {
                max_bytes: config.photo_max_bytes,
                ..PhotoLimits::default()
            },
        },
        basemap: config.basemap_url.as_ref().map(|url| {
            Arc::new(Basemap {
                url: url.clone(),
                attribution: config.basemap_attribution.clone(),
            })
        }),
        desk,
        linkage: Arc::new(linkage),
        planner: Arc::new(planner),
        accounts,
    })
}

/// The incident desk: its category and calendar files and deadline settings.
fn desk(
    store: &Arc<dyn Store>,
    mirrors: &Mirrors,
    config: &ServeConfig,
) -> Result<Desk, FileError> {
    Ok(Desk::new(
        Arc::clone(store),
        Arc::clone(&mirrors.index),
        read_categories(&config.categories)?,
        read_calendar(&config.calendar)?,
        DeskSettings {
            yellow_fraction: config.yellow_fraction,
            duplicate_radius_m: config.duplicate_radius_m,
            duplicate_window: TimeDelta::hours(i64::from(config.duplicate_window_hours)),
        },
        Arc::clone(&mirrors.incidents),
    ))
}

/// The settings of video linkage.
fn linkage_settings(config: &ServeConfig) -> LinkageSettings {
    LinkageSettings {
        call_timeout: Duration::from_secs(config.call_timeout_secs),
        freshness: TimeDelta::minutes(i64::from(config.position_fresh_minutes)),
        speed_m_s: config.travel_speed_kmh / 3.6,
        on_scene_radius_m: config.on_scene_radius_m,
        candidates: ALERT_CANDIDATES,
        alert_category: config.alert_category.clone(),
        track_retention: TimeDelta::days(i64::from(config.track_retention_days)),
    }
}

/// The planner's checks.
fn planning_rules(config: &ServeConfig) -> Rules {
    let (min, max) = config.micro_grid_households;
    Rules {
        sliver_m2: config.sliver_area_m2,
        // The level is set to the finest one stored when a change set is checked.
        households: Some(HouseholdRule { level: 0, min, max }),
        ..Rules::default()
    }
}
