//! The hierarchy tiles the town exactly, every outline is valid, codes follow reading order.

use super::{Edge, Grid, HIERARCHY, edges, level, metres_to_ring};
use crate::demo::regions::{VILLAGES, bbox, interior_point, reading_key};
use geo::{Area, Contains, GeodesicArea, Point, Validation};
use std::collections::BTreeSet;

/// Children's directed edges cancel in pairs; what is left is exactly the parent's
/// outline; the areas add up; no directed edge is used twice (no overlap).
fn assert_partition(parent_level: usize) {
    let children = level(parent_level + 1);
    for parent in level(parent_level) {
        let kids: Vec<&Grid> = children
            .iter()
            .filter(|c| c.parent.as_deref() == Some(&parent.code))
            .collect();
        assert!(!kids.is_empty(), "{} has no children", parent.code);
        let mut left: BTreeSet<Edge> = BTreeSet::new();
        for kid in &kids {
            for e in edges(&kid.shape) {
                if !left.remove(&(e.1, e.0)) {
                    assert!(
                        left.insert(e),
                        "edge {e:?} used twice under {}",
                        parent.code
                    );
                }
            }
        }
        let outline: BTreeSet<Edge> = edges(&parent.shape).into_iter().collect();
        assert_eq!(
            left, outline,
            "children of {} do not tile it exactly",
            parent.code
        );
        let sum: f64 = kids.iter().map(|k| k.shape.unsigned_area()).sum();
        let area = parent.shape.unsigned_area();
        assert!(
            ((sum - area) / area).abs() < 1e-9,
            "areas of {}: {sum} vs {area}",
            parent.code
        );
    }
}

#[test]
fn villages_partition_the_town() {
    assert_partition(1);
}

#[test]
fn comprehensive_grids_partition_their_village() {
    assert_partition(2);
}

#[test]
fn micro_grids_partition_their_comprehensive_grid() {
    assert_partition(3);
}

#[test]
fn every_polygon_is_valid_single_and_counter_clockwise() {
    for n in 1..=4 {
        for g in level(n) {
            assert!(g.shape.is_valid(), "{} is not OGC-valid", g.code);
            assert_eq!(g.shape.0.len(), 1, "{} should be one polygon", g.code);
            let poly = &g.shape.0[0];
            assert!(poly.interiors().is_empty(), "{} has a hole", g.code);
            assert!(poly.exterior().is_closed(), "{} ring not closed", g.code);
            assert!(
                poly.signed_area() > 0.0,
                "{} exterior ring is not counter-clockwise",
                g.code
            );
            let vertices: BTreeSet<(u64, u64)> = poly
                .exterior()
                .0
                .iter()
                .map(|c| (c.x.to_bits(), c.y.to_bits()))
                .collect();
            assert_eq!(
                vertices.len() + 1,
                poly.exterior().0.len(),
                "{} ring touches itself",
                g.code
            );
        }
    }
}

#[test]
fn the_town_sits_in_its_box_and_holds_the_reference_point_well_inside() {
    let town = &level(1)[0];
    let ring = town.shape.0[0].exterior();
    assert!(
        ring.0
            .iter()
            .all(|c| (119.60..=119.76).contains(&c.x) && (31.08..=31.22).contains(&c.y))
    );
    let km2 = town.shape.geodesic_area_unsigned() / 1e6;
    assert!((100.0..=150.0).contains(&km2), "town area {km2} km²");
    let p = Point::new(119.65, 31.17);
    assert!(town.shape.contains(&p));
    assert!(
        metres_to_ring(p, ring) > 1000.0,
        "reference point too close to the town boundary"
    );
}

#[test]
fn codes_extend_their_parent_code_and_follow_reading_order() {
    let villages: Vec<(String, String)> = level(2).into_iter().map(|v| (v.code, v.name)).collect();
    // The real villages keep their real codes: `…200` to `…207` in the list's order.
    for (i, (code, name)) in villages.iter().enumerate() {
        assert_eq!(code, &format!("320282102{}", 200 + i));
        assert_eq!(name, VILLAGES[i]);
    }
    let h = &*HIERARCHY;
    for l in 0..3 {
        for parent in &h.levels[l] {
            let kids: Vec<_> = h.levels[l + 1]
                .iter()
                .filter(|k| k.grid.parent_code.as_ref() == Some(&parent.grid.code))
                .collect();
            let first = if l == 0 { 200 } else { 1 };
            for (i, k) in kids.iter().enumerate() {
                assert_eq!(k.grid.code.parent().as_ref(), Some(&parent.grid.code));
                assert_eq!(
                    k.grid.code.as_str()[parent.grid.code.as_str().len()..],
                    format!("{:03}", first + i)
                );
                let p = interior_point(&h.lattice, &k.cells);
                assert!(
                    k.grid.geometry.contains(&Point::from(p)),
                    "interior point of {} is outside it",
                    k.grid.code
                );
            }
            let keys: Vec<_> = kids
                .iter()
                .map(|k| {
                    reading_key(
                        bbox(&h.lattice, &parent.ring),
                        kids.len(),
                        interior_point(&h.lattice, &k.cells),
                    )
                })
                .collect();
            assert!(
                keys.windows(2).all(|w| w[0] < w[1]),
                "children of {} are not in reading order",
                parent.grid.code
            );
        }
    }
    for (n, suffix) in [(3, "网格"), (4, "微网格")] {
        for g in level(n) {
            assert!(
                g.name.starts_with(
                    &level(n - 1)
                        .iter()
                        .find(|p| Some(&p.code) == g.parent.as_ref())
                        .unwrap()
                        .name
                )
            );
            assert!(g.name.ends_with(suffix), "{}", g.name);
        }
    }
}
