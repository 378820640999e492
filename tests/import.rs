//! Import is all or nothing: one bad feature rejects the whole file with a report per
//! feature, and the store is left exactly as it was. Run on both backends.

#![allow(
    clippy::panic,
    reason = "the shared cases fail their test by panicking"
)]

mod common;

use gridlink::import::{self, GridProperties, ImportError};
use gridlink::store::{GridFilter, Store};
use std::path::Path;

const NO_PROGRESS: import::Progress<'static> = &|_, _| {};

async fn grid_count(store: &dyn Store) -> usize {
    store
        .grids(GridFilter::default())
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

async fn imports_a_good_file_whole(store: &dyn Store) {
    import::import_dataset(store, Path::new("geodata/taihua"))
        .await
        .expect("demo dataset");
    let before = grid_count(store).await;
    let text = collection(&[feature("320282102290", SQUARE)]);
    let stored = import::import_grids(store, &text, 2, &GridProperties::default(), NO_PROGRESS)
        .await
        .expect("a valid file imports");
    assert_eq!(stored.len(), 1);
    assert!(stored[0].parent_id.is_some());
    assert_eq!(grid_count(store).await, before + 1);
}

macro_rules! on_both_stores {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $case() {
                let t = super::common::sqlite_store().await;
                super::$case(t.store.as_ref()).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $case() {
                let t = super::common::postgres_store().await;
                super::$case(t.store.as_ref()).await;
            })*
        }
    };
}

on_both_stores!(
    rejects_a_file_with_one_bad_feature_and_stores_nothing,
    rejects_grids_whose_parent_or_code_does_not_fit,
    imports_a_good_file_whole,
);
