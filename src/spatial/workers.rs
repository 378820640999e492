//! Nearest on-duty workers by geodesic distance.
//!
//! Positions live in an R-tree of 3-D points on the unit sphere: the straight-line
//! (chord) distance between two such points grows with their great-circle distance, so the
//! tree yields workers in spherical-distance order anywhere on Earth, from a town to a
//! province. The ranking itself uses the geodesic on the WGS84 ellipsoid, which differs
//! from the spherical distance by under 0.6 %; the search stops only once no worker
//! further along the sphere could still be among the k nearest on the ellipsoid.

use crate::domain::{LonLat, WorkerId};
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
    /// Geodesic distance on WGS84, in metres.
    pub distance_m: f64,
}

/// On-duty workers with a known position, kept in step with an id map.
#[derive(Default)]
pub struct WorkerIndex {
    tree: RTree<Located>,
    positions: HashMap<WorkerId, LonLat>,
}

impl WorkerIndex {
    /// An index of the given `(worker, on duty, last position)` triples.
    #[must_use]
    pub fn new(workers: impl IntoIterator<Item = (WorkerId, bool, Option<LonLat>)>) -> Self {
        let positions: HashMap<WorkerId, LonLat> = workers
            .into_iter()
            .filter_map(|(id, on_duty, position)| Some((id, position.filter(|_| on_duty)?)))
            .collect();
        let tree = RTree::bulk_load(
            positions
                .iter()
                .map(|(&id, &p)| Located::new(unit_vector(p), id))
                .collect(),
        );
        Self { tree, positions }
    }

    /// Records a worker's state: only an on-duty worker with a position can be found.
    pub fn update(&mut self, id: WorkerId, on_duty: bool, position: Option<LonLat>) {
        if let Some(old) = self.positions.remove(&id) {
            self.tree.remove(&Located::new(unit_vector(old), id));
        }
        if let (true, Some(p)) = (on_duty, position) {
            self.positions.insert(id, p);
            self.tree.insert(Located::new(unit_vector(p), id));
        }
    }

    /// How many workers can be found.
    #[must_use]
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// Whether no worker can be found.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// The `k` on-duty workers nearest to `p`, nearest first; ties go to the lower id.
    #[must_use]
    pub fn nearest(&self, p: LonLat, k: usize) -> Vec<Nearby> {
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
            let Some(&position) = self.positions.get(&located.data) else {
                continue;
            };
            let candidate = Nearby {
                worker_id: located.data,
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

    #[expect(
        clippy::unnecessary_wraps,
        reason = "positions are optional in the index"
    )]
    fn at(lon: f64, lat: f64) -> Option<LonLat> {
        Some(LonLat::new(lon, lat).unwrap())
    }

    #[test]
    fn nearest_ranks_on_duty_workers_by_geodesic_distance() {
        let index = WorkerIndex::new([
            (1, true, at(119.650, 31.170)),
            (2, true, at(119.660, 31.170)),
            (3, false, at(119.6501, 31.1701)),
            (4, true, None),
            (5, true, at(119.640, 31.180)),
        ]);
        let near = index.nearest(LonLat::new(119.651, 31.170).unwrap(), 2);
        let ids: Vec<WorkerId> = near.iter().map(|n| n.worker_id).collect();
        assert_eq!(
            ids,
            vec![1, 2],
            "off-duty 3 and position-less 4 are never offered"
        );
        // 0.001° of longitude at 31.17° N is about 95.3 m.
        assert!(
            (near[0].distance_m - 95.3).abs() < 0.5,
            "{}",
            near[0].distance_m
        );
    }

    #[test]
    fn updates_move_workers_and_take_them_off_duty() {
        let mut index = WorkerIndex::new([(1, true, at(119.0, 31.0)), (2, true, at(119.1, 31.0))]);
        index.update(2, true, at(119.0001, 31.0));
        index.update(1, false, at(119.0, 31.0));
        let near = index.nearest(LonLat::new(119.0, 31.0).unwrap(), 5);
        assert_eq!(
            near.iter().map(|n| n.worker_id).collect::<Vec<_>>(),
            vec![2]
        );
        assert_eq!(index.len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn nearest_equals_a_brute_force_geodesic_ranking(
            workers in proptest::collection::vec((118.0..122.0f64, 30.0..35.0f64, proptest::bool::weighted(0.8)), 0..200),
            (lon, lat) in (118.0..122.0f64, 30.0..35.0f64),
            k in 1usize..12,
        ) {
            let entries: Vec<(WorkerId, bool, Option<LonLat>)> = workers
                .iter()
                .enumerate()
                .map(|(i, &(x, y, on))| (i as WorkerId, on, at(x, y)))
                .collect();
            let index = WorkerIndex::new(entries.clone());
            let origin = LonLat::new(lon, lat).unwrap();
            let mut expected: Vec<(f64, WorkerId)> = entries
                .iter()
                .filter(|e| e.1)
                .map(|&(id, _, p)| (Geodesic.distance(Point::from(origin), Point::from(p.unwrap())), id))
                .collect();
            expected.sort_by(|a, b| a.partial_cmp(b).unwrap());
            expected.truncate(k);
            let got: Vec<(f64, WorkerId)> =
                index.nearest(origin, k).iter().map(|n| (n.distance_m, n.worker_id)).collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }
}
