//! Nearest available workers by geodesic distance.
//!
//! Positions live in an R-tree of 3-D points on the unit sphere: the straight-line
//! (chord) distance between two such points grows with their great-circle distance, so the
//! tree yields workers in spherical-distance order anywhere on Earth, from a town to a
//! province. The ranking itself uses the geodesic on the WGS84 ellipsoid, which differs
//! from the spherical distance by under 0.6 %; the search stops only once no worker
//! further along the sphere could still be among the k nearest on the ellipsoid.
//!
//! A worker is **available** when on duty (on the roster, not on leave), on one of their
//! shifts, and their last position is fresh. Positions move in place as phones report
//! them; who is on duty and their shifts change only when the workers are reloaded.

use crate::domain::{LonLat, Shift, Worker, WorkerId};
use chrono::{DateTime, TimeDelta, Utc};
use geo::{Distance, Geodesic, Point};
use rstar::{RTree, primitives::GeomWithData};
use serde::Serialize;
use std::collections::HashMap;

type Located = GeomWithData<[f64; 3], WorkerId>;

/// Mean Earth radius in metres (IUGG), for turning chord lengths into sphere distances.
const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// Bound on |geodesic − spherical| / spherical on WGS84 (about 0.56 %), rounded up.
const SPHERE_ERROR: f64 = 0.01;

/// A worker near a point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Nearby {
    /// The worker.
    pub worker_id: WorkerId,
    /// Where they last were.
    pub position: LonLat,
    /// Geodesic distance on WGS84, in metres.
    pub distance_m: f64,
}

/// What the index knows of a worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracked {
    /// On the duty roster (not on leave).
    pub on_duty: bool,
    /// Weekly shifts.
    pub shifts: Vec<Shift>,
    /// Last known position and when the phone took it.
    pub fix: Option<(LonLat, DateTime<Utc>)>,
}

/// Why a worker cannot be called now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    /// Not on the duty roster.
    #[error("is off duty")]
    OffDuty,
    /// None of their shifts covers now.
    #[error("is not on shift now")]
    OffShift,
    /// Their phone never reported a position.
    #[error("has no known position")]
    NoPosition,
    /// Their last position is too old to trust.
    #[error("last reported a position at {0}, too long ago")]
    Stale(DateTime<Utc>),
}

/// The rule of availability at one instant: on duty, on shift, and a position no older
/// than `freshness`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Availability {
    /// The instant judged.
    pub now: DateTime<Utc>,
    /// How old a position may be.
    pub freshness: TimeDelta,
}

impl Availability {
    /// Whether `worker` is available, and why not.
    pub fn check(&self, worker: &Tracked) -> Result<(), Unavailable> {
        self.check_parts(worker.on_duty, &worker.shifts, worker.fix)
    }

    /// The same, from the parts of a worker as stored.
    pub fn check_parts(
        &self,
        on_duty: bool,
        shifts: &[Shift],
        fix: Option<(LonLat, DateTime<Utc>)>,
    ) -> Result<(), Unavailable> {
        if !on_duty {
            return Err(Unavailable::OffDuty);
        }
        if !shifts.iter().any(|s| s.covers(self.now)) {
            return Err(Unavailable::OffShift);
        }
        let (_, at) = fix.ok_or(Unavailable::NoPosition)?;
        if self.now - at > self.freshness {
            return Err(Unavailable::Stale(at));
        }
        Ok(())
    }
}

/// Workers with their duty, shifts and last positions; the on-duty ones with a position
/// are also in an R-tree, kept in step with the map.
#[derive(Default)]
pub struct WorkerIndex {
    tree: RTree<Located>,
    workers: HashMap<WorkerId, Tracked>,
}

impl WorkerIndex {
    /// An index of these workers as stored.
    #[must_use]
    pub fn new<'a>(workers: impl IntoIterator<Item = &'a Worker>) -> Self {
        let workers: HashMap<WorkerId, Tracked> = workers
            .into_iter()
            .map(|w| {
                let fix = w.position.zip(w.position_at);
                let tracked = Tracked {
                    on_duty: w.on_duty,
                    shifts: w.shifts.clone(),
                    fix,
                };
                (w.id, tracked)
            })
            .collect();
        let tree = RTree::bulk_load(
            workers
                .iter()
                .filter(|(_, w)| w.on_duty)
                .filter_map(|(&id, w)| Some(Located::new(unit_vector(w.fix?.0), id)))
                .collect(),
        );
        Self { tree, workers }
    }

    /// Moves a worker to a position their phone took at `at`, unless the index already
    /// has a later one; answers whether it moved them. Unknown workers are ignored.
    pub fn move_worker(&mut self, id: WorkerId, position: LonLat, at: DateTime<Utc>) -> bool {
        let Some(worker) = self.workers.get_mut(&id) else {
            return false;
        };
        let old = match worker.fix {
            Some((_, known)) if known >= at => return false,
            old => old,
        };
        worker.fix = Some((position, at));
        if worker.on_duty {
            if let Some((was, _)) = old {
                self.tree.remove(&Located::new(unit_vector(was), id));
            }
            self.tree.insert(Located::new(unit_vector(position), id));
        }
        true
    }

    /// Replaces a worker's shifts; unknown workers are ignored.
    pub fn set_shifts(&mut self, id: WorkerId, shifts: &[Shift]) {
        if let Some(worker) = self.workers.get_mut(&id) {
            worker.shifts = shifts.to_vec();
        }
    }

    /// What the index knows of a worker.
    #[must_use]
    pub fn get(&self, id: WorkerId) -> Option<&Tracked> {
        self.workers.get(&id)
    }

    /// How many on-duty workers have a position.
    #[must_use]
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// Whether no on-duty worker has a position.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// The `k` on-duty workers nearest to `p` that `keep` accepts, nearest first; ties go
    /// to the lower id.
    #[must_use]
    pub fn nearest(
        &self,
        p: LonLat,
        k: usize,
        mut keep: impl FnMut(WorkerId, &Tracked) -> bool,
    ) -> Vec<Nearby> {
        let origin = Point::from(p);
        let mut best: Vec<Nearby> = Vec::with_capacity(k + 1);
        if k == 0 {
            return best;
        }
        for (located, chord_2) in self
            .tree
            .nearest_neighbor_iter_with_distance_2(&unit_vector(p))
        {
            let sphere_m = chord_to_metres(chord_2.sqrt());
            if best.len() == k && sphere_m * (1.0 - SPHERE_ERROR) > best[k - 1].distance_m {
                break;
            }
            let id = located.data;
            let Some(worker) = self.workers.get(&id).filter(|w| keep(id, w)) else {
                continue;
            };
            let Some((position, _)) = worker.fix else {
                continue;
            };
            let candidate = Nearby {
                worker_id: id,
                position,
                distance_m: Geodesic.distance(origin, Point::from(position)),
            };
            let at = best.partition_point(|b| {
                (b.distance_m, b.worker_id) <= (candidate.distance_m, candidate.worker_id)
            });
            if at < k {
                best.insert(at, candidate);
                best.truncate(k);
            }
        }
        best
    }
}

fn unit_vector(p: LonLat) -> [f64; 3] {
    let (lon, lat) = (p.lon().to_radians(), p.lat().to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

fn chord_to_metres(chord: f64) -> f64 {
    2.0 * (chord / 2.0).clamp(-1.0, 1.0).asin() * EARTH_RADIUS_M
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ShiftSpec, WorkerRole};

    fn now() -> DateTime<Utc> {
        "2026-12-01T02:00:00Z".parse().unwrap()
    }

    fn all_day() -> Shift {
        Shift::try_from(&ShiftSpec {
            weekdays: (1..=7).collect(),
            from: "00:00".into(),
            to: "00:00".into(),
        })
        .unwrap()
    }

    fn worker(id: WorkerId, on_duty: bool, at: Option<(f64, f64)>, age_s: i64) -> Worker {
        Worker {
            id,
            name: format!("w{id}"),
            role: WorkerRole::Liaison,
            department: None,
            phone: String::new(),
            grid_ids: Vec::new(),
            on_duty,
            position: at.map(|(lon, lat)| LonLat::new(lon, lat).unwrap()),
            position_at: at.map(|_| now() - TimeDelta::seconds(age_s)),
            shifts: vec![all_day()],
        }
    }

    fn available() -> Availability {
        Availability {
            now: now(),
            freshness: TimeDelta::minutes(10),
        }
    }

    fn ids(near: &[Nearby]) -> Vec<WorkerId> {
        near.iter().map(|n| n.worker_id).collect()
    }

    #[test]
    fn nearest_offers_only_available_workers_ranked_by_geodesic_distance() {
        let mut off_shift = worker(6, true, Some((119.6502, 31.17)), 0);
        off_shift.shifts.clear();
        let workers = [
            worker(1, true, Some((119.650, 31.170)), 30),
            worker(2, true, Some((119.660, 31.170)), 30),
            worker(3, false, Some((119.6501, 31.1701)), 30),
            worker(4, true, None, 0),
            worker(5, true, Some((119.6505, 31.170)), 11 * 60),
            off_shift,
        ];
        let index = WorkerIndex::new(&workers);
        let rule = available();
        let near = index.nearest(LonLat::new(119.651, 31.170).unwrap(), 2, |_, w| {
            rule.check(w).is_ok()
        });
        assert_eq!(
            ids(&near),
            vec![1, 2],
            "off-duty 3, position-less 4, stale 5 and off-shift 6 are never offered"
        );
        // 0.001° of longitude at 31.17° N is about 95.3 m.
        assert!(
            (near[0].distance_m - 95.3).abs() < 0.5,
            "{}",
            near[0].distance_m
        );
        assert_eq!(
            rule.check(index.get(5).unwrap()),
            Err(Unavailable::Stale(now() - TimeDelta::minutes(11)))
        );
        assert_eq!(
            rule.check(index.get(6).unwrap()),
            Err(Unavailable::OffShift)
        );
    }

    #[test]
    fn moves_apply_only_when_newer_and_keep_the_tree_in_step() {
        let mut index = WorkerIndex::new(&[
            worker(1, true, Some((119.0, 31.0)), 60),
            worker(2, true, Some((119.1, 31.0)), 60),
        ]);
        assert!(index.move_worker(2, LonLat::new(119.0001, 31.0).unwrap(), now()));
        assert!(
            !index.move_worker(
                1,
                LonLat::new(120.0, 31.0).unwrap(),
                now() - TimeDelta::hours(1)
            ),
            "an older report does not move a worker"
        );
        assert!(
            !index.move_worker(9, LonLat::new(119.0, 31.0).unwrap(), now()),
            "unknown"
        );
        let near = index.nearest(LonLat::new(119.0001, 31.0).unwrap(), 5, |_, _| true);
        assert_eq!(ids(&near), vec![2, 1]);
        assert_eq!(
            index.len(),
            2,
            "a move replaces the worker's point in the tree"
        );
    }

    proptest::proptest! {
        #[test]
        fn nearest_equals_a_brute_force_ranking_of_available_workers(
            workers in proptest::collection::vec(
                (118.0..122.0f64, 30.0..35.0f64, proptest::bool::weighted(0.8), 0i64..1200, proptest::bool::weighted(0.9)),
                0..200,
            ),
            (lon, lat) in (118.0..122.0f64, 30.0..35.0f64),
            k in 1usize..12,
        ) {
            let workers: Vec<Worker> = workers
                .iter()
                .enumerate()
                .map(|(i, &(x, y, on, age, shift))| {
                    let mut w = worker(i as WorkerId, on, Some((x, y)), age);
                    if !shift {
                        w.shifts.clear();
                    }
                    w
                })
                .collect();
            let index = WorkerIndex::new(&workers);
            let rule = available();
            let origin = LonLat::new(lon, lat).unwrap();
            let mut expected: Vec<(f64, WorkerId)> = workers
                .iter()
                .filter(|w| w.on_duty && !w.shifts.is_empty())
                .filter(|w| now() - w.position_at.unwrap() <= TimeDelta::minutes(10))
                .map(|w| (origin.distance_m(w.position.unwrap()), w.id))
                .collect();
            expected.sort_by(|a, b| a.partial_cmp(b).unwrap());
            expected.truncate(k);
            let got: Vec<(f64, WorkerId)> = index
                .nearest(origin, k, |_, w| rule.check(w).is_ok())
                .iter()
                .map(|n| (n.distance_m, n.worker_id))
                .collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }
}
