//! The demo town as the planning tests see it through the API: its grids by level, the
//! vertices neighbours share, and a move of one shared vertex in every grid that has it.
//!
//! What a move should do is worked out here with `geo` on the boundaries the API gave
//! (which grid holds a point before and after, how much area changes hands), never taken
//! from the service's own answers.

use crate::common::router::get;
use axum::Router;
use axum::http::StatusCode;
use geo::{Contains, MultiPolygon, Point, Validation};
use serde_json::{Value, json};
use std::collections::HashMap;

/// A coordinate pair.
pub type Vertex = [f64; 2];

/// Metres per degree of latitude, near enough for moves of metres.
pub const METRES_PER_DEGREE: f64 = 111_320.0;

/// A grid as `GET /api/grids` lists it.
#[derive(Debug, Clone)]
pub struct Grid {
    pub id: i64,
    pub code: String,
    pub level: i64,
    pub parent_id: Option<i64>,
    pub version: i64,
    pub households: i64,
    pub geometry: Value,
}

impl Grid {
    fn from_feature(feature: &Value) -> Self {
        let p = &feature["properties"];
        Self {
            id: p["id"].as_i64().expect("id"),
            code: p["code"].as_str().expect("code").to_owned(),
            level: p["level"].as_i64().expect("level"),
            parent_id: p["parent_id"].as_i64(),
            version: p["version"]
                .as_i64()
                .expect("every grid feature has a version"),
            households: p["households"].as_i64().expect("households"),
            geometry: feature["geometry"].clone(),
        }
    }

    /// The boundary as `geo` reads it.
    pub fn shape(&self) -> MultiPolygon<f64> {
        shape(&self.geometry)
    }

    /// An edit of this grid, made from its version, giving it `geometry`.
    pub fn edit(&self, geometry: Value) -> Value {
        let mut edit = json!({ "id": self.id, "version": self.version });
        edit["geometry"] = geometry;
        edit
    }

    /// An edit retiring this grid.
    pub fn retire(&self) -> Value {
        json!({ "id": self.id, "version": self.version, "geometry": null })
    }
}

/// A GeoJSON (Multi)Polygon as `geo` reads it.
pub fn shape(geometry: &Value) -> MultiPolygon<f64> {
    let parsed: geojson::Geometry = serde_json::from_value(geometry.clone()).expect("GeoJSON");
    match geo::Geometry::<f64>::try_from(parsed).expect("a geometry") {
        geo::Geometry::MultiPolygon(m) => m,
        geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
        other => panic!("not polygonal: {other:?}"),
    }
}

/// The grids of `level`, as listed now.
pub async fn grids(app: &Router, level: i64) -> Vec<Grid> {
    let (status, body) = get(app, &format!("/api/grids?level={level}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    features(&body).iter().map(Grid::from_feature).collect()
}

/// The features of a FeatureCollection.
pub fn features(collection: &Value) -> &[Value] {
    collection["features"].as_array().map_or(&[], Vec::as_slice)
}

/// Every position of a GeoJSON geometry, closing ones included.
fn positions(value: &Value, out: &mut Vec<Vertex>) {
    let Some(items) = value.as_array() else {
        return;
    };
    if let [Value::Number(x), Value::Number(y), ..] = items.as_slice() {
        out.push([x.as_f64().expect("x"), y.as_f64().expect("y")]);
        return;
    }
    for item in items {
        positions(item, out);
    }
}

/// `geometry` with every position equal to `from`, bit for bit, put at `to`.
pub fn moved(geometry: &Value, from: Vertex, to: Vertex) -> Value {
    fn walk(value: &Value, from: Vertex, to: Vertex) -> Value {
        let Some(items) = value.as_array() else {
            return value.clone();
        };
        if let [Value::Number(x), Value::Number(y)] = items.as_slice() {
            let here = [x.as_f64().expect("x"), y.as_f64().expect("y")];
            let same =
                here[0].to_bits() == from[0].to_bits() && here[1].to_bits() == from[1].to_bits();
            return if same { json!(to) } else { value.clone() };
        }
        Value::Array(items.iter().map(|i| walk(i, from, to)).collect())
    }
    let mut out = geometry.clone();
    out["coordinates"] = walk(&geometry["coordinates"], from, to);
    out
}

fn key(v: Vertex) -> [u64; 2] {
    [v[0].to_bits(), v[1].to_bits()]
}

/// How far to move a shared vertex, across the boundary.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    /// About this many metres.
    Metres(f64),
    /// So that about this many square metres change hands.
    SweptArea(f64),
}

/// One shared vertex moved: where it was and goes, the grids having it (two per level,
/// coarsest first), and a point that changes grid at every one of those levels.
#[derive(Debug, Clone)]
pub struct VertexMove {
    pub from: Vertex,
    pub to: Vertex,
    pub grids: Vec<Grid>,
    /// Midway between the old and the new place of the vertex.
    pub point: Vertex,
    /// The area that changes hands, in m², by the planar estimate of the test.
    pub swept_m2: f64,
}

impl VertexMove {
    /// `grid`'s boundary with the vertex moved.
    pub fn moved(&self, grid: &Grid) -> Value {
        moved(&grid.geometry, self.from, self.to)
    }

    /// Edits moving the vertex in every grid that has it.
    pub fn edits(&self) -> Vec<Value> {
        self.grids.iter().map(|g| g.edit(self.moved(g))).collect()
    }

    /// Edits moving the vertex only in the grids of `level`.
    pub fn edits_at(&self, level: i64) -> Vec<Value> {
        self.grids
            .iter()
            .filter(|g| g.level == level)
            .map(|g| g.edit(self.moved(g)))
            .collect()
    }

    /// The grid of `level` holding the point before the move.
    pub fn losing(&self, level: i64) -> &Grid {
        let p = Point::from(self.point);
        self.grids
            .iter()
            .find(|g| g.level == level && g.shape().contains(&p))
            .expect("one grid of the level holds the point")
    }

    /// The grid of `level` holding the point after the move.
    pub fn gaining(&self, level: i64) -> &Grid {
        let p = Point::from(self.point);
        self.grids
            .iter()
            .find(|g| g.level == level && shape(&self.moved(g)).contains(&p))
            .expect("one grid of the level holds the point after the move")
    }
}

/// The demo town's grids, by level.
pub struct Town {
    pub levels: HashMap<i64, Vec<Grid>>,
}

impl Town {
    pub async fn load(app: &Router) -> Self {
        let mut levels = HashMap::new();
        for level in 1..=4 {
            levels.insert(level, grids(app, level).await);
        }
        Self { levels }
    }

    pub fn level(&self, level: i64) -> &[Grid] {
        &self.levels[&level]
    }

    /// The grids of `level` having each vertex.
    fn owners(&self, level: i64) -> HashMap<[u64; 2], Vec<&Grid>> {
        let mut owners: HashMap<[u64; 2], Vec<&Grid>> = HashMap::new();
        for grid in self.level(level) {
            let mut seen = Vec::new();
            positions(&grid.geometry["coordinates"], &mut seen);
            seen.sort_by_key(|&v| key(v));
            seen.dedup_by_key(|v| key(*v));
            for v in seen {
                owners.entry(key(v)).or_default().push(grid);
            }
        }
        owners
    }

    /// Vertices on a boundary between two siblings of level `top`, each shared by
    /// exactly two grids of every level from `top` to 4 (the pair of each level inside
    /// the pair above) and by no grid of level `top - 1`; with those grids, coarsest first.
    pub fn shared_vertices(&self, top: i64) -> Vec<(Vertex, Vec<Grid>)> {
        let above = self.owners(top - 1);
        let by_level: Vec<_> = (top..=4).map(|l| self.owners(l)).collect();
        let mut found = Vec::new();
        let mut candidates: Vec<_> = by_level[0].iter().collect();
        candidates.sort_by_key(|(k, _)| **k);
        for (k, pair) in candidates {
            if above.contains_key(k) || pair.len() != 2 || pair[0].parent_id != pair[1].parent_id {
                continue;
            }
            let mut grids: Vec<Grid> = pair.iter().map(|g| (*g).clone()).collect();
            let mut parents = [pair[0].id, pair[1].id];
            let mut fits = true;
            for owners in &by_level[1..] {
                let Some(lower) = owners.get(k).filter(|o| o.len() == 2) else {
                    fits = false;
                    break;
                };
                let mut lower_parents = [lower[0].parent_id, lower[1].parent_id];
                lower_parents.sort_unstable();
                let mut expected = parents.map(Some);
                expected.sort_unstable();
                if lower_parents != expected {
                    fits = false;
                    break;
                }
                parents = [lower[0].id, lower[1].id];
                grids.extend(lower.iter().map(|g| (*g).clone()));
            }
            if fits {
                found.push(([f64::from_bits(k[0]), f64::from_bits(k[1])], grids));
            }
        }
        found
    }

    /// The first shared vertex of `top` (see [`Town::shared_vertices`]) whose moves by
    /// `step`, to each side `signs` names, keep every boundary valid, move the midpoint
    /// from one grid to the other at every level, and leave the micro-grids' households
    /// well inside 50-100 (so that no level rule warns); one move per sign.
    pub fn vertex_moves<const N: usize>(
        &self,
        top: i64,
        step: Step,
        signs: [f64; N],
    ) -> [VertexMove; N] {
        for (from, grids) in self.shared_vertices(top) {
            let households_fit = grids
                .iter()
                .filter(|g| g.level == 4)
                .all(|g| (55..=95).contains(&g.households));
            let finest = grids.last().expect("a micro-grid");
            let Some((prev, next)) = neighbours(&finest.geometry, from).filter(|_| households_fit)
            else {
                continue;
            };
            let chord = [next[0] - prev[0], next[1] - prev[1]];
            let length = chord[0].hypot(chord[1]);
            let normal = [-chord[1] / length, chord[0] / length];
            let scale = METRES_PER_DEGREE * METRES_PER_DEGREE * from[1].to_radians().cos();
            let degrees = match step {
                Step::Metres(m) => m / METRES_PER_DEGREE,
                Step::SweptArea(m2) => 2.0 * m2 / (length * scale),
            };
            let moves = signs.map(|sign| {
                let to = [
                    from[0] + sign * degrees * normal[0],
                    from[1] + sign * degrees * normal[1],
                ];
                VertexMove {
                    from,
                    to,
                    grids: grids.clone(),
                    point: [f64::midpoint(from[0], to[0]), f64::midpoint(from[1], to[1])],
                    swept_m2: length * degrees / 2.0 * scale,
                }
            });
            if moves.iter().all(VertexMove::fits) {
                return moves;
            }
        }
        panic!("no shared vertex of level {top} fits a move of {step:?}");
    }
}

impl VertexMove {
    fn fits(&self) -> bool {
        let p = Point::from(self.point);
        let valid = self.grids.iter().all(|g| shape(&self.moved(g)).is_valid());
        let levels: Vec<i64> = self.grids.iter().map(|g| g.level).collect();
        valid
            && levels.iter().all(|&level| {
                let pair: Vec<&Grid> = self.grids.iter().filter(|g| g.level == level).collect();
                let before: Vec<bool> = pair.iter().map(|g| g.shape().contains(&p)).collect();
                let after: Vec<bool> = pair
                    .iter()
                    .map(|g| shape(&self.moved(g)).contains(&p))
                    .collect();
                before.iter().filter(|b| **b).count() == 1
                    && after.iter().filter(|b| **b).count() == 1
                    && before != after
            })
    }
}

/// The vertices before and after `v` on the first ring of `geometry` that has it.
fn neighbours(geometry: &Value, v: Vertex) -> Option<(Vertex, Vertex)> {
    let mut rings = Vec::new();
    collect_rings(geometry, &mut rings);
    for ring in rings {
        let open = &ring[..ring.len() - 1];
        let n = open.len();
        if let Some(i) = open.iter().position(|&c| key(c) == key(v)) {
            return Some((open[(i + n - 1) % n], open[(i + 1) % n]));
        }
    }
    None
}

fn collect_rings(geometry: &Value, out: &mut Vec<Vec<Vertex>>) {
    let polygons: Vec<&Value> = match geometry["type"].as_str() {
        Some("Polygon") => vec![&geometry["coordinates"]],
        Some("MultiPolygon") => geometry["coordinates"]
            .as_array()
            .map(|ps| ps.iter().collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    for polygon in polygons {
        for ring in polygon.as_array().into_iter().flatten() {
            let mut coords = Vec::new();
            positions(ring, &mut coords);
            out.push(coords);
        }
    }
}
