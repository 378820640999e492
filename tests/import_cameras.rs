//! Cameras import from CSV or GeoJSON all or nothing, like grids: one bad row rejects the
//! file with a report of every bad row, and the store is left as it was. Run on both
//! backends.

#![allow(
    clippy::panic,
    reason = "the shared cases fail their test by panicking"
)]

#[macro_use]
mod common;

use gridlink::domain::GridScope;
use gridlink::domain::{CameraStatus, FieldOfView, Heading};
use gridlink::import::{self, FeatureProblem, ImportError};
use gridlink::store::Store;

const NO_PROGRESS: import::Progress<'static> = &|_, _| {};

const HEADER: &str = "code,name,lon,lat,kind,stream_url,status,heading_deg,fov_deg";

async fn camera_count(store: &dyn Store) -> usize {
    store
        .cameras(&GridScope::All, None)
        .await
        .expect("cameras")
        .len()
}

fn problems(result: Result<impl std::fmt::Debug, ImportError>) -> Vec<(usize, String)> {
    match result {
        Err(ImportError::Features(problems)) => problems
            .into_iter()
            .map(
                |FeatureProblem {
                     feature, reason, ..
                 }| (feature, reason),
            )
            .collect(),
        other => panic!("expected a per-row rejection, got {other:?}"),
    }
}

async fn a_good_csv_imports_every_row_with_its_optional_fields(store: &dyn Store) {
    let text = format!(
        "\u{feff}{HEADER}\n\
         C001,桥头, 119.65 ,31.17,dome,rtsp://10.0.0.1/C001,,90,60\n\
         C002,\"村口, 东\",119.66,31.17,bullet,https://cdn.example/c2.m3u8?t=1,fault,,\n"
    );

    let stored = import::import_cameras_csv(store, &text, NO_PROGRESS)
        .await
        .expect("a good file");

    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].heading, Heading::new(90.0).ok());
    assert_eq!(stored[0].field_of_view, FieldOfView::new(60.0).ok());
    assert_eq!(
        stored[0].status,
        CameraStatus::Online,
        "empty status: online"
    );
    assert_eq!(stored[1].name, "村口, 东", "quoted commas");
    assert_eq!((stored[1].heading, stored[1].field_of_view), (None, None));
    assert_eq!(stored[1].status, CameraStatus::Fault);
    assert_eq!(camera_count(store).await, 2);
}

async fn a_csv_with_bad_rows_stores_nothing_and_names_each_row(store: &dyn Store) {
    import::import_cameras_csv(
        store,
        &format!("{HEADER}\nC009,旧,119.6,31.1,dome,rtsp://h/9,,,\n"),
        NO_PROGRESS,
    )
    .await
    .expect("one stored camera");
    let text = format!(
        "{HEADER}\n\
         C001,桥头,119.65,31.17,dome,rtsp://10.0.0.1/C001,,,\n\
         C002,村口,119.65,95,dome,rtsp://10.0.0.1/C002,,,\n\
         C003,路口,119.65,31.17,drone,rtsp://10.0.0.1/C003,,,\n\
         C004,路口,119.65,31.17,dome,rtmp://10.0.0.1/C004,,,\n\
         C005,路口,119.65,31.17,dome,rtsp://10.0.0.1/C005,,360,\n\
         C006,路口,abc,31.17,dome,rtsp://10.0.0.1/C006,,,\n\
         C007,路口,119.65,31.17,dome\n\
         C001,又一个,119.65,31.17,dome,rtsp://10.0.0.1/C001b,,,\n\
         C009,同号,119.65,31.17,dome,rtsp://10.0.0.1/C009,,,\n"
    );

    let found = problems(import::import_cameras_csv(store, &text, NO_PROGRESS).await);

    let expected = [
        (1, "lat 95"),
        (2, "kind: \"drone\""),
        (3, "stream_url"),
        (4, "heading_deg 360"),
        (5, "lon: "),
        (6, "5 fields"),
        (7, "camera code C001 is already used"),
        (8, "camera code C009 is already used"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:?}");
    for ((row, reason), (want_row, mentions)) in found.iter().zip(expected) {
        assert_eq!(*row, want_row, "{reason}");
        assert!(
            reason.contains(mentions),
            "row {row}: {reason:?} should say {mentions:?}"
        );
    }
    assert_eq!(camera_count(store).await, 1, "nothing of the file stored");
}

async fn a_csv_with_another_header_is_refused_whole(store: &dyn Store) {
    let text = "code,name,lon,lat\nC001,桥头,119.65,31.17\n";

    let result = import::import_cameras_csv(store, text, NO_PROGRESS).await;

    match result {
        Err(ImportError::Format(message)) => assert!(message.contains(HEADER), "{message}"),
        other => panic!("expected a format error, got {other:?}"),
    }
}

async fn a_retired_cameras_code_is_taken(store: &dyn Store) {
    let first = format!("{HEADER}\nC001,桥头,119.65,31.17,dome,rtsp://h/1,,,\n");
    let stored = import::import_cameras_csv(store, &first, NO_PROGRESS)
        .await
        .expect("first import");
    store
        .retire_camera(stored[0].id, chrono::Utc::now())
        .await
        .expect("retired");

    let again = import::import_cameras_csv(store, &first, NO_PROGRESS).await;

    assert_eq!(
        problems(again),
        [(0, "camera code C001 is already used".to_owned())]
    );
}

async fn geojson_cameras_carry_heading_and_fov_and_need_a_stream_url(store: &dyn Store) {
    let feature = |code: &str, properties: &str| {
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[119.65,31.17]}},
                "properties":{{"code":"{code}","name":"桥头"{properties}}}}}"#
        )
    };
    let collection = |features: &[String]| {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    };
    let bad = collection(&[
        feature(
            "C001",
            r#","stream_url":"rtsp://h/1","heading_deg":12.5,"fov_deg":null"#,
        ),
        feature("C002", ""),
        feature("C003", r#","stream_url":"rtsp://h/3","fov_deg":"wide""#),
    ]);
    let found = problems(import::import_cameras(store, &bad, NO_PROGRESS).await);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].0 == 1 && found[0].1.contains("stream_url"),
        "{found:?}"
    );
    assert!(
        found[1].0 == 2 && found[1].1.contains("fov_deg"),
        "{found:?}"
    );
    assert_eq!(camera_count(store).await, 0);

    let good = collection(&[feature(
        "C001",
        r#","stream_url":"rtsp://h/1","heading_deg":12.5"#,
    )]);
    let stored = import::import_cameras(store, &good, NO_PROGRESS)
        .await
        .expect("a good file");
    assert_eq!(stored[0].heading, Heading::new(12.5).ok());
    assert_eq!(
        store
            .camera(&GridScope::All, stored[0].id)
            .await
            .expect("stored"),
        stored[0]
    );
}

on_both_stores!(
    a_good_csv_imports_every_row_with_its_optional_fields,
    a_csv_with_bad_rows_stores_nothing_and_names_each_row,
    a_csv_with_another_header_is_refused_whole,
    a_retired_cameras_code_is_taken,
    geojson_cameras_carry_heading_and_fov_and_need_a_stream_url,
);
