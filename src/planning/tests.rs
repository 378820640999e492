//! The checks and the impact rules on small hand-made families, one fault at a time.

use super::checks::{HouseholdRule, Rules, check};
use super::world::{World, estimate_people};
use crate::domain::{Grid, GridCode, GridEdit, GridId, PlannedGrid, ProblemKind, Severity};
use geo::{BoundingRect, Geometry, LineString, MultiPolygon, Polygon};

/// About 95 m east–west and 111 m north–south at this latitude.
const D: f64 = 0.001;

fn ring(points: &[(f64, f64)]) -> MultiPolygon<f64> {
    let coords: Vec<(f64, f64)> = points
        .iter()
        .map(|&(x, y)| (119.0 + x * D, 31.0 + y * D))
        .collect();
    MultiPolygon::new(vec![Polygon::new(LineString::from(coords), vec![])])
}

fn grid(id: GridId, code: &str, parent: Option<GridId>, geometry: MultiPolygon<f64>) -> Grid {
    let code = GridCode::parse(code).expect("test code");
    Grid {
        id,
        level: code.depth() as i32 + 1,
        code,
        name: format!("grid {id}"),
        parent_id: parent,
        geometry,
        households: 80,
        residents: 240,
        version: 1,
    }
}

/// A parent 2×1 cut into a west and an east half along x = 1, the cut having a middle
/// vertex at (1, 0.5) that both halves share.
fn family() -> Vec<Grid> {
    vec![
        grid(
            1,
            "320282102",
            None,
            ring(&[(0.0, 0.0), (2.0, 0.0), (2.0, 1.0), (0.0, 1.0)]),
        ),
        grid(2, "320282102001", Some(1), halves(1.0).0),
        grid(3, "320282102002", Some(1), halves(1.0).1),
    ]
}

/// The two halves with the shared middle vertex at (x, 0.5).
fn halves(x: f64) -> (MultiPolygon<f64>, MultiPolygon<f64>) {
    (
        ring(&[(0.0, 0.0), (1.0, 0.0), (x, 0.5), (1.0, 1.0), (0.0, 1.0)]),
        ring(&[(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0), (x, 0.5)]),
    )
}

fn planned(stored: &Grid, geometry: Option<MultiPolygon<f64>>) -> PlannedGrid {
    PlannedGrid {
        id: Some(stored.id),
        base_version: stored.version,
        code: stored.code.clone(),
        name: stored.name.clone(),
        level: stored.level,
        parent_id: stored.parent_id,
        geometry,
        households: stored.households,
        residents: stored.residents,
    }
}

fn world(before: Vec<Grid>, planned: Vec<PlannedGrid>) -> World {
    let bbox = before
        .iter()
        .map(|g| g.geometry.bounding_rect().expect("non-empty"))
        .reduce(|a, b| {
            geo::Rect::new(
                (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
                (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
            )
        })
        .expect("grids");
    World {
        before,
        planned,
        bbox,
    }
}

fn kinds(world: &World) -> Vec<ProblemKind> {
    check(world, &Rules::default())
        .iter()
        .map(|p| p.kind)
        .collect()
}

#[test]
fn moving_a_shared_vertex_in_both_neighbours_is_clean() {
    let grids = family();
    let (west, east) = halves(1.3);
    let w = world(
        grids.clone(),
        vec![
            planned(&grids[1], Some(west)),
            planned(&grids[2], Some(east)),
        ],
    );
    assert_eq!(kinds(&w), vec![]);
}

#[test]
fn moving_it_in_one_neighbour_only_is_an_overlap_and_moving_it_back_a_gap() {
    let grids = family();
    let into_east = world(grids.clone(), vec![planned(&grids[1], Some(halves(1.3).0))]);
    assert_eq!(kinds(&into_east), vec![ProblemKind::Overlap]);
    let away_from_east = world(grids.clone(), vec![planned(&grids[1], Some(halves(0.7).0))]);
    assert_eq!(kinds(&away_from_east), vec![ProblemKind::Gap]);
}

#[test]
fn a_tiny_miss_is_a_sliver_and_float_noise_is_nothing() {
    let grids = family();
    let moved_by = |off: f64| {
        let west = planned(&grids[1], Some(halves(1.0 - off).0));
        check(&world(grids.clone(), vec![west]), &Rules::default())
    };
    // 1e-4 of D, a centimetre: half a square metre, a strip half a centimetre wide.
    let problems = moved_by(1e-4);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].kind, ProblemKind::Sliver);
    assert!(
        problems[0].area_m2 > 0.1 && problems[0].area_m2 < 20.0,
        "{problems:?}"
    );
    // A tenth of a millimetre: what overlay arithmetic leaves, not a gap anyone drew.
    assert_eq!(moved_by(1e-6), vec![]);
}

#[test]
fn a_grid_reaching_past_its_parent_is_outside_parent() {
    let grids = family();
    let west = ring(&[(-0.2, 0.0), (1.0, 0.0), (1.0, 0.5), (1.0, 1.0), (-0.2, 1.0)]);
    let w = world(grids.clone(), vec![planned(&grids[1], Some(west))]);
    assert_eq!(kinds(&w), vec![ProblemKind::OutsideParent]);
}

#[test]
fn a_self_intersecting_boundary_is_invalid_at_the_crossing() {
    let grids = family();
    let bow_tie = ring(&[(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)]);
    let w = world(grids.clone(), vec![planned(&grids[1], Some(bow_tie))]);
    let problems = check(&w, &Rules::default());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].kind, ProblemKind::Invalid);
    let Some(Geometry::Point(at)) = &problems[0].geometry else {
        panic!("the crossing is a point: {:?}", problems[0].geometry);
    };
    assert!((at.x() - (119.0 + 0.5 * D)).abs() < 1e-9 && (at.y() - (31.0 + 0.5 * D)).abs() < 1e-9);
}

#[test]
fn retiring_a_grid_with_grids_under_it_is_a_reference_problem() {
    let grids = family();
    let w = world(grids.clone(), vec![planned(&grids[0], None)]);
    assert!(
        kinds(&w).contains(&ProblemKind::Reference),
        "{:?}",
        kinds(&w)
    );
}

#[test]
fn households_outside_the_level_rule_are_a_warning_only() {
    let grids = family();
    let mut west = planned(&grids[1], Some(grids[1].geometry.clone()));
    west.households = 120;
    let w = world(grids.clone(), vec![west]);
    let rules = Rules {
        households: Some(HouseholdRule {
            level: 2,
            min: 50,
            max: 100,
        }),
        ..Rules::default()
    };
    let problems = check(&w, &rules);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].kind, ProblemKind::LevelRule);
    assert_eq!(problems[0].severity, Severity::Warning);
}

#[test]
fn households_follow_the_ground_that_changes_hands() {
    let grids = family();
    let (west, east) = halves(1.5);
    let edits: Vec<GridEdit> = [&west, &east]
        .iter()
        .map(|g| GridEdit {
            id: None,
            version: None,
            geometry: Some((*g).clone()),
            parent_id: None,
            name: None,
            households: None,
            residents: None,
        })
        .collect();
    let mut w = world(
        grids.clone(),
        vec![
            planned(&grids[1], Some(west)),
            planned(&grids[2], Some(east)),
        ],
    );
    let moved = estimate_people(&mut w, &edits);
    // The vertex moves half a unit into the east half: a triangle of a quarter of it.
    assert_eq!(moved, 20, "a quarter of the east half's 80 households");
    assert_eq!(w.planned[0].households, 100);
    assert_eq!(w.planned[1].households, 60);
    assert_eq!(
        w.planned.iter().map(|g| g.households).sum::<i64>(),
        160,
        "no household is lost or counted twice"
    );
}

#[test]
fn a_fault_the_stored_grids_already_had_is_not_the_change_sets() {
    // The stored west half pokes a hair into the east half: an overlap of its own.
    let mut grids = family();
    grids[1].geometry = halves(1.0 + 1e-4).0;
    let east = grids[2].clone();
    // Replacing the east half by a new grid of the same shape (a split does so) adds nothing.
    let mut successor = planned(&east, Some(east.geometry.clone()));
    successor.id = None;
    successor.base_version = 0;
    successor.code = GridCode::parse("320282102003").expect("code");
    let w = world(grids.clone(), vec![planned(&east, None), successor]);
    assert_eq!(kinds(&w), vec![], "the old overlap is not reported again");
    // Pushing further into the east half is.
    let w = world(grids.clone(), vec![planned(&grids[1], Some(halves(1.3).0))]);
    assert_eq!(kinds(&w), vec![ProblemKind::Overlap]);
}
