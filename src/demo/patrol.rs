//! Demo patrols: the demo town's workers on duty and on shift walk about the grids they
//! answer for and report positions as their phones would, through the same path as
//! `POST /api/workers/{id}/positions`, so that video linkage finds someone to call when no
//! phone is in the field. Started only by `serve --simulate-patrols`.

use super::rng::SplitMix64;
use crate::domain::{Fix, GridId, LonLat, WorkerId};
use crate::linkage::Linkage;
use crate::spatial::{GridIndex, SpatialIndex};
use chrono::Utc;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// How often every walking worker reports.
const REPORT_EVERY: Duration = Duration::from_secs(10);
/// Walking speed on patrol, metres per second.
const WALK_M_S: f64 = 1.3;
/// Speed on the way to a camera after accepting a call (an electric scooter).
const RIDE_M_S: f64 = 5.0;
/// How often to try a random point of a grid before giving up on it this tick.
const TRIES: usize = 32;

/// Walks the patrols until the task is dropped.
pub async fn walk(index: Arc<SpatialIndex>, linkage: Arc<Linkage>) {
    let mut rng = SplitMix64::new(super::regions::SEED, 11);
    let mut targets: HashMap<WorkerId, LonLat> = HashMap::new();
    let mut ticks = tokio::time::interval(REPORT_EVERY);
    loop {
        ticks.tick().await;
        let now = Utc::now();
        let (grids, roster) = (index.grids(), index.roster());
        let rule = linkage.availability(now);
        // Each worker walks the first grid they are assigned to.
        let mut homes: HashMap<WorkerId, GridId> = HashMap::new();
        for (grid, member) in roster.assignments() {
            homes
                .entry(member.id)
                .and_modify(|g| *g = (*g).min(grid))
                .or_insert(grid);
        }
        let mut reports = Vec::new();
        for (worker, grid) in homes {
            let Some(tracked) = index.worker(worker) else {
                continue;
            };
            if !tracked.on_duty || !tracked.shifts.iter().any(|s| s.covers(rule.now)) {
                continue;
            }
            let here = tracked
                .fix
                .map(|(p, _)| p)
                .or_else(|| point_in(&grids, grid, &mut rng));
            let Some(here) = here else {
                continue;
            };
            // A worker who accepted a call heads for the camera; the others stroll.
            let (target, speed) = match linkage.destination(worker) {
                Some(camera) => (camera, RIDE_M_S),
                None => match targets.get(&worker) {
                    Some(&t) if t.distance_m(here) > 1.0 => (t, WALK_M_S),
                    _ => match point_in(&grids, grid, &mut rng) {
                        Some(t) => (*targets.entry(worker).insert_entry(t).get(), WALK_M_S),
                        None => continue,
                    },
                },
            };
            if let Some(next) = step(here, target, speed * REPORT_EVERY.as_secs_f64()) {
                reports.push((worker, next));
            }
        }
        for (worker, position) in reports {
            let fix = Fix {
                position,
                accuracy_m: 8.0,
                at: now,
            };
            if let Err(error) = linkage.record_position(worker, &fix, now).await {
                tracing::debug!(%error, worker, "a demo patrol report was refused");
            }
        }
    }
}

/// A random point of `grid`, by rejection from its bounding box.
fn point_in(grids: &GridIndex, grid: GridId, rng: &mut SplitMix64) -> Option<LonLat> {
    let indexed = grids.get(grid)?;
    let bbox = indexed.bbox()?;
    (0..TRIES).find_map(|_| {
        let lon = rng.range(bbox.min().x, bbox.max().x);
        let lat = rng.range(bbox.min().y, bbox.max().y);
        let found = grids.locate(geo::Coord { x: lon, y: lat })?;
        grids
            .is_within(found, grid)
            .then(|| LonLat::new(lon, lat).ok())
            .flatten()
    })
}

/// `metres` from `from` towards `to`, or `to` when it is nearer.
fn step(from: LonLat, to: LonLat, metres: f64) -> Option<LonLat> {
    let distance = from.distance_m(to);
    if distance <= metres {
        return Some(to);
    }
    let share = metres / distance;
    LonLat::new(
        from.lon() + (to.lon() - from.lon()) * share,
        from.lat() + (to.lat() - from.lat()) * share,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_covers_the_given_distance_towards_the_target_and_stops_there() {
        let (from, to) = (
            LonLat::new(119.65, 31.17).unwrap(),
            LonLat::new(119.66, 31.17).unwrap(),
        );
        let next = step(from, to, 13.0).unwrap();
        assert!(
            (from.distance_m(next) - 13.0).abs() < 0.1,
            "{}",
            from.distance_m(next)
        );
        assert_eq!(step(next, to, 10_000.0), Some(to));
    }
}
