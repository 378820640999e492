//! Counts, households, cameras, workers and the shape of the files.

use super::{FILES, Grid, features, level, metres_to_ring};
use crate::demo::render;
use geo::{Contains, Point};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn the_town_has_the_documented_counts() {
    let counts: Vec<usize> = (1..=4).map(|n| level(n).len()).collect();
    assert_eq!(counts, [1, 8, 25, 91]);
    assert_eq!(features("cameras.geojson").len(), 472);
    let mut roles: BTreeMap<String, usize> = BTreeMap::new();
    for w in features("workers.geojson") {
        *roles
            .entry(w["properties"]["role"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let expected = [
        ("department_staff", 67),
        ("full_time", 25),
        ("grid_chief", 9),
        ("liaison", 91),
        ("volunteer", 273),
    ];
    assert_eq!(
        roles,
        expected.iter().map(|&(r, n)| (r.to_owned(), n)).collect()
    );
}

#[test]
fn households_are_50_to_100_per_micro_grid_and_sum_up_the_hierarchy() {
    for m in level(4) {
        assert!(
            (50..=100).contains(&m.households),
            "{} has {} households",
            m.code,
            m.households
        );
    }
    for n in 1..=4 {
        for g in level(n) {
            let ratio = g.residents as f64 / g.households as f64;
            assert!(
                (2.5..=3.3).contains(&ratio),
                "{}: {ratio} residents per household",
                g.code
            );
        }
    }
    for n in 1..=3 {
        let children = level(n + 1);
        for g in level(n) {
            let kids = children
                .iter()
                .filter(|c| c.parent.as_deref() == Some(&g.code));
            let (h, r) = kids.fold((0, 0), |(h, r), c| (h + c.households, r + c.residents));
            assert_eq!(
                (g.households, g.residents),
                (h, r),
                "{} does not sum its children",
                g.code
            );
        }
    }
}

#[test]
fn rendering_twice_gives_the_same_bytes() {
    assert_eq!(render(), render());
}

#[test]
fn every_camera_is_strictly_inside_exactly_one_micro_grid_away_from_its_edges() {
    let micros = level(4);
    let mut per_micro: BTreeMap<&str, usize> = BTreeMap::new();
    let mut codes = BTreeSet::new();
    for f in features("cameras.geojson") {
        let c = &f["geometry"]["coordinates"];
        let p = Point::new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        let inside: Vec<&Grid> = micros.iter().filter(|m| m.shape.contains(&p)).collect();
        assert_eq!(
            inside.len(),
            1,
            "camera at {p:?} is in {} micro-grids",
            inside.len()
        );
        let d = metres_to_ring(p, inside[0].shape.0[0].exterior());
        assert!(d >= 5.0, "camera at {p:?} is {d:.1} m from a grid edge");
        *per_micro.entry(&inside[0].code).or_default() += 1;
        let code = f["properties"]["code"].as_str().unwrap().to_owned();
        assert!(
            code.len() == 20 && code.starts_with("32028210001320"),
            "{code}"
        );
        assert!(codes.insert(code));
    }
    assert_eq!(per_micro.len(), 91, "some micro-grid has no camera");
}

#[test]
fn every_worker_answers_for_existing_grids() {
    let known: BTreeSet<String> = (1..=4).flat_map(level).map(|g| g.code).collect();
    let mut departments = BTreeSet::new();
    let mut staffed_grids = BTreeSet::new();
    for w in features("workers.geojson") {
        let p = &w["properties"];
        let grids = p["grid_codes"].as_array().unwrap();
        assert!(!grids.is_empty());
        for g in grids {
            assert!(known.contains(g.as_str().unwrap()), "unknown grid {g}");
        }
        assert_eq!(w["geometry"].is_null(), p["position_at"].is_null());
        assert_eq!(p["phone"].as_str().unwrap().len(), 11);
        if p["role"] == "department_staff" {
            departments.insert(p["department"].as_str().unwrap().to_owned());
            staffed_grids.insert(grids[0].as_str().unwrap().to_owned());
        } else {
            assert!(p["department"].is_null());
        }
    }
    assert_eq!(departments.len(), 13);
    assert_eq!(staffed_grids.len(), 25);
}

#[test]
fn files_are_feature_collections_with_one_feature_per_line() {
    assert_eq!(FILES.len(), 7);
    for (name, text) in FILES.iter().filter(|(n, _)| n.ends_with(".geojson")) {
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(v["type"], "FeatureCollection");
        assert!(
            v["note"].as_str().unwrap().contains("gridlink demo"),
            "{name}"
        );
        assert!(v["name"].is_string(), "{name}");
        let n = v["features"].as_array().unwrap().len();
        assert_eq!(
            text.lines().count(),
            n + 2,
            "{name} should have one feature per line"
        );
        assert!(text.ends_with("\n]}\n"));
    }
    let schema = [
        (
            "level1-town.geojson",
            "code,households,name,parent_code,residents",
        ),
        (
            "level4-micro-grids.geojson",
            "code,households,name,parent_code,residents",
        ),
        ("cameras.geojson", "code,kind,name,status,stream_url"),
        (
            "workers.geojson",
            "department,grid_codes,name,on_duty,phone,position_at,role,shifts",
        ),
    ];
    for (file, keys) in schema {
        for f in features(file) {
            let mut got: Vec<&str> = f["properties"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            got.sort_unstable();
            assert_eq!(got.join(","), keys, "properties in {file}");
        }
    }
}
