//! Checks on the rendered demo town: exact topology ([`topology`]) and what the files
//! hold ([`contents`]). Most checks read the rendered files back, so they test what ships.

mod contents;
mod topology;

use super::regions::{Hierarchy, build};
use super::render;
use geo::{Coord, LineString, MultiPolygon, Point, Polygon};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The rendered files, once for all tests.
pub(super) static FILES: LazyLock<BTreeMap<&'static str, String>> =
    LazyLock::new(|| render().into_iter().collect());
/// The hierarchy as drawn, for checks on how it was numbered.
pub(super) static HIERARCHY: LazyLock<Hierarchy> = LazyLock::new(build);

/// A grid as read back from a level file.
pub(super) struct Grid {
    pub(super) code: String,
    pub(super) parent: Option<String>,
    pub(super) name: String,
    pub(super) shape: MultiPolygon<f64>,
    pub(super) households: i64,
    pub(super) residents: i64,
}

pub(super) fn features(file: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(&FILES[file]).unwrap();
    v["features"].as_array().unwrap().clone()
}

pub(super) fn level(n: usize) -> Vec<Grid> {
    let file = [
        "level1-town.geojson",
        "level2-villages.geojson",
        "level3-grids.geojson",
        "level4-micro-grids.geojson",
    ][n - 1];
    features(file)
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let polygons = f["geometry"]["coordinates"]
                .as_array()
                .unwrap()
                .iter()
                .map(|poly| {
                    let rings: Vec<LineString<f64>> = poly
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|ring| {
                            ring.as_array()
                                .unwrap()
                                .iter()
                                .map(|c| Coord {
                                    x: c[0].as_f64().unwrap(),
                                    y: c[1].as_f64().unwrap(),
                                })
                                .collect()
                        })
                        .collect();
                    Polygon::new(rings[0].clone(), rings[1..].to_vec())
                });
            Grid {
                code: p["code"].as_str().unwrap().to_owned(),
                parent: p["parent_code"].as_str().map(str::to_owned),
                name: p["name"].as_str().unwrap().to_owned(),
                shape: MultiPolygon(polygons.collect()),
                households: p["households"].as_i64().unwrap(),
                residents: p["residents"].as_i64().unwrap(),
            }
        })
        .collect()
}

pub(super) type Edge = ((u64, u64), (u64, u64));

pub(super) fn edges(shape: &MultiPolygon<f64>) -> Vec<Edge> {
    shape
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| {
            ring.lines().map(|l| {
                (
                    (l.start.x.to_bits(), l.start.y.to_bits()),
                    (l.end.x.to_bits(), l.end.y.to_bits()),
                )
            })
        })
        .collect()
}

/// Smallest distance in metres from a point to a ring's segments (local flat metres).
pub(super) fn metres_to_ring(p: Point<f64>, ring: &LineString<f64>) -> f64 {
    let (kx, ky) = (111_320.0 * p.y().to_radians().cos(), 110_950.0);
    let local = |c: Coord<f64>| ((c.x - p.x()) * kx, (c.y - p.y()) * ky);
    ring.lines()
        .map(|l| {
            let (from, to) = (local(l.start), local(l.end));
            let (dx, dy) = (to.0 - from.0, to.1 - from.1);
            let along = (-(from.0 * dx + from.1 * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
            (from.0 + along * dx).hypot(from.1 + along * dy)
        })
        .fold(f64::INFINITY, f64::min)
}
