//! Import is all or nothing: one bad feature rejects the whole file with a report per
//! feature, and the store is left exactly as it was. Run on both backends.

#![allow(
    clippy::panic,
    reason = "the shared cases fail their test by panicking"
)]

#[macro_use]
mod common;

use gridlink::domain::GridScope;
use gridlink::import::{self, DatasetCounts, FeatureProblem, GridProperties, ImportError};
use gridlink::store::{GridFilter, Store};
use serde_json::Value;
use std::path::Path;

const NO_PROGRESS: import::Progress<'static> = &|_, _| {};

async fn grid_count(store: &dyn Store) -> usize {
    store
        .grids(&GridScope::All, GridFilter::default())
        .await
        .expect("grids")
        .len()
}

fn feature(code: &str, ring: &str) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"code":"{code}","name":"{code}","parent_code":"320282102"}},
            "geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}"#
    )
}

fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

const SQUARE: &str = "[[119.60,31.10],[119.61,31.10],[119.61,31.11],[119.60,31.11],[119.60,31.10]]";
const BOW_TIE: &str =
    "[[119.60,31.10],[119.62,31.12],[119.62,31.10],[119.60,31.12],[119.60,31.10]]";

async fn rejects_a_file_with_one_bad_feature_and_stores_nothing(store: &dyn Store) {
    import::import_dataset(store, Path::new("geodata/taihua"))
        .await
        .expect("demo dataset");
    let before = grid_count(store).await;
    let text = collection(&[
        feature("320282102290", SQUARE),
        feature("320282102291", BOW_TIE),
        feature("320282102290", SQUARE),
        feature("3202821022", SQUARE),
    ]);

    let result =
        import::import_grids(store, &text, 2, &GridProperties::default(), NO_PROGRESS).await;

    let Err(ImportError::Features(problems)) = result else {
        panic!("expected a per-feature rejection, got {result:?}");
    };
    let indices: Vec<usize> = problems.iter().map(|p| p.feature).collect();
    assert_eq!(indices, vec![1, 2, 3], "{problems:#?}");
    assert!(
        problems[0].reason.contains("self-intersection"),
        "{}",
        problems[0].reason
    );
    let [lon, lat] = problems[0].location.expect("the crossing's location");
    assert!(
        (lon - 119.61).abs() < 1e-9 && (lat - 31.11).abs() < 1e-9,
        "{lon},{lat}"
    );
    assert!(
        problems[1].reason.contains("already used"),
        "{}",
        problems[1].reason
    );
    let shown = serde_json::to_value(&problems[0]).expect("serializable");
    assert!(shown.get("file").is_none(), "one file names none: {shown}");
    assert_eq!(
        grid_count(store).await,
        before,
        "nothing of the file was stored"
    );
}

async fn rejects_grids_whose_parent_or_code_does_not_fit(store: &dyn Store) {
    import::import_dataset(store, Path::new("geodata/taihua"))
        .await
        .expect("demo dataset");
    let before = grid_count(store).await;
    let orphan = feature("320282199001", SQUARE).replace("\"320282102\"", "\"320282199\"");
    let stranger = feature("320282103001", SQUARE);
    let taken = feature("320282102203", SQUARE);
    let text = collection(&[orphan, stranger, taken]);

    let result =
        import::import_grids(store, &text, 2, &GridProperties::default(), NO_PROGRESS).await;

    let Err(ImportError::Features(problems)) = result else {
        panic!("expected a per-feature rejection, got {result:?}");
    };
    let reasons: Vec<&str> = problems.iter().map(|p| p.reason.as_str()).collect();
    assert!(reasons[0].contains("does not exist"), "{reasons:?}");
    assert!(reasons[1].contains("followed by 3 digits"), "{reasons:?}");
    assert!(reasons[2].contains("already used"), "{reasons:?}");
    assert_eq!(grid_count(store).await, before);
}

/// A town square over the SQUARE's area, with no villages yet.
async fn empty_town(store: &dyn Store) {
    store
        .put_levels(&common::taihua_levels())
        .await
        .expect("levels");
    let town = common::new_grid("320282102", "town", common::square(119.60, 31.10, 0.01));
    store.insert_grids(&[town]).await.expect("town");
}

fn half(code: &str, west: f64) -> String {
    let east = west + 0.005;
    feature(
        code,
        &format!("[[{west},31.10],[{east},31.10],[{east},31.11],[{west},31.11],[{west},31.10]]"),
    )
}

async fn imports_a_good_file_whole(store: &dyn Store) {
    empty_town(store).await;
    let text = collection(&[half("320282102200", 119.60), half("320282102201", 119.605)]);
    let stored = import::import_grids(store, &text, 2, &GridProperties::default(), NO_PROGRESS)
        .await
        .expect("two villages that tile their town import");
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|g| g.parent_id.is_some()));
    assert_eq!(grid_count(store).await, 3);
}

async fn rejects_grids_that_overlap_a_sibling_or_leave_their_parent(store: &dyn Store) {
    empty_town(store).await;
    let first = collection(&[half("320282102200", 119.60)]);
    import::import_grids(store, &first, 2, &GridProperties::default(), NO_PROGRESS)
        .await
        .expect("the western half fits");
    let text = collection(&[
        half("320282102201", 119.604), // overlaps the stored western half by 0.001°
        half("320282102202", 119.609), // hangs 0.004° out of the town to the east
    ]);

    let result =
        import::import_grids(store, &text, 2, &GridProperties::default(), NO_PROGRESS).await;

    let Err(ImportError::Features(problems)) = result else {
        panic!("expected a per-feature rejection, got {result:?}");
    };
    let found: Vec<(usize, bool)> = problems
        .iter()
        .map(|p| (p.feature, p.location.is_some()))
        .collect();
    assert_eq!(found, vec![(0, true), (1, true)], "{problems:#?}");
    assert!(
        problems[0]
            .reason
            .starts_with("overlap: 320282102200 / 320282102201"),
        "{}",
        problems[0].reason
    );
    assert!(
        problems[1]
            .reason
            .starts_with("outside parent: 320282102202"),
        "{}",
        problems[1].reason
    );
    assert_eq!(grid_count(store).await, 2, "nothing of the file was stored");
}

/// A change to the features of one file.
type Corruption<'a> = (&'a str, &'a dyn Fn(&mut Vec<Value>));

/// A copy of the demo dataset in a temporary directory, with `corrupt` applied to the
/// features of the named files.
fn demo_copy(corrupt: &[Corruption<'_>]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir("geodata/taihua").expect("demo dataset") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("a file name").to_owned();
        std::fs::copy(&path, dir.path().join(name)).expect("copy");
    }
    for (name, change) in corrupt {
        let path = dir.path().join(name);
        let text = std::fs::read_to_string(&path).expect("read");
        let mut collection: Value = serde_json::from_str(&text).expect("JSON");
        let Some(Value::Array(features)) = collection.get_mut("features") else {
            panic!("{name} has no features");
        };
        change(features);
        std::fs::write(&path, collection.to_string()).expect("write");
    }
    dir
}

async fn assert_store_is_empty(store: &dyn Store) {
    assert_eq!(store.levels().await.expect("levels"), [], "no levels");
    assert_eq!(grid_count(store).await, 0, "no grids");
    assert_eq!(
        store.cameras(&GridScope::All, None).await.expect("cameras"),
        [],
        "no cameras"
    );
    assert_eq!(
        store.workers(&GridScope::All).await.expect("workers"),
        [],
        "no workers"
    );
}

fn problems_in<'a>(problems: &'a [FeatureProblem], file: &str) -> Vec<&'a FeatureProblem> {
    problems
        .iter()
        .filter(|p| p.file.as_deref() == Some(file))
        .collect()
}

async fn the_demo_dataset_imports_whole_with_its_counts(store: &dyn Store) {
    let counts = import::import_dataset(store, Path::new("geodata/taihua"))
        .await
        .expect("demo dataset");

    let expected = DatasetCounts {
        levels: 4,
        grids: 125,
        cameras: 472,
        workers: 465,
    };
    assert_eq!(counts, expected);
    assert_eq!(grid_count(store).await, 125);
    assert_eq!(
        store.workers(&GridScope::All).await.expect("workers").len(),
        465
    );
}

async fn a_dataset_with_bad_features_in_two_files_names_each_and_stores_nothing(store: &dyn Store) {
    let bow_tie: Value = serde_json::from_str(&format!(
        r#"{{"type":"Polygon","coordinates":[{BOW_TIE}]}}"#
    ))
    .expect("bow-tie");
    let dir = demo_copy(&[
        ("level4-micro-grids.geojson", &|features| {
            features[3]["geometry"] = bow_tie.clone();
        }),
        ("workers.geojson", &|features| {
            features[1]["properties"]["grid_codes"] = serde_json::json!(["320282102299"]);
        }),
    ]);

    let result = import::import_dataset(store, dir.path()).await;

    let Err(ImportError::Features(problems)) = result else {
        panic!("expected a per-feature rejection, got {result:?}");
    };
    assert_eq!(problems.len(), 2, "{problems:#?}");
    let grids = problems_in(&problems, "level4-micro-grids.geojson");
    assert_eq!(grids.len(), 1, "{problems:#?}");
    assert_eq!(grids[0].feature, 3);
    assert!(grids[0].reason.contains("self-intersection"), "{grids:?}");
    let workers = problems_in(&problems, "workers.geojson");
    assert_eq!(workers.len(), 1, "{problems:#?}");
    assert_eq!(workers[0].feature, 1);
    assert!(workers[0].reason.contains("320282102299"), "{workers:?}");
    let shown = serde_json::to_value(workers[0]).expect("serializable");
    assert_eq!(shown["file"], "workers.geojson");
    assert_store_is_empty(store).await;
}

async fn a_dataset_whose_grid_lacks_its_parent_in_the_file_above_stores_nothing(store: &dyn Store) {
    let dir = demo_copy(&[("level3-grids.geojson", &|features| {
        features[0]["properties"]["parent_code"] = serde_json::json!("320282102209");
        features[0]["properties"]["code"] = serde_json::json!("320282102209001");
    })]);

    let result = import::import_dataset(store, dir.path()).await;

    let Err(ImportError::Features(problems)) = result else {
        panic!("expected a per-feature rejection, got {result:?}");
    };
    let missing = problems_in(&problems, "level3-grids.geojson");
    assert_eq!(missing.len(), 1, "{problems:#?}");
    assert!(
        missing[0].reason.contains("320282102209 does not exist"),
        "{missing:?}"
    );
    assert_store_is_empty(store).await;
}

async fn importing_the_demo_dataset_twice_refuses_the_second_and_keeps_the_first(
    store: &dyn Store,
) {
    import::import_dataset(store, Path::new("geodata/taihua"))
        .await
        .expect("demo dataset");

    let again = import::import_dataset(store, Path::new("geodata/taihua")).await;

    let Err(ImportError::Features(problems)) = again else {
        panic!("expected a per-feature rejection, got {again:?}");
    };
    let town = problems_in(&problems, "level1-town.geojson");
    assert!(town[0].reason.contains("already used"), "{town:?}");
    assert_eq!(problems_in(&problems, "cameras.geojson").len(), 472);
    assert_eq!(grid_count(store).await, 125);
    assert_eq!(
        store
            .cameras(&GridScope::All, None)
            .await
            .expect("cameras")
            .len(),
        472
    );
    assert_eq!(
        store.workers(&GridScope::All).await.expect("workers").len(),
        465
    );
}

on_both_stores!(
    rejects_grids_that_overlap_a_sibling_or_leave_their_parent,
    rejects_a_file_with_one_bad_feature_and_stores_nothing,
    rejects_grids_whose_parent_or_code_does_not_fit,
    imports_a_good_file_whole,
    the_demo_dataset_imports_whole_with_its_counts,
    a_dataset_with_bad_features_in_two_files_names_each_and_stores_nothing,
    a_dataset_whose_grid_lacks_its_parent_in_the_file_above_stores_nothing,
    importing_the_demo_dataset_twice_refuses_the_second_and_keeps_the_first,
);
