//! Tests of camera fields parsed at the edge: heading, field of view, stream URL, records.

use super::*;

#[test]
fn headings_from_zero_up_to_but_not_including_360_pass() {
    for ok in [0.0, -0.0, 0.5, 90.0, 359.999] {
        let heading = Heading::new(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert_eq!(heading.degrees().to_bits(), (ok + 0.0).to_bits(), "{ok}");
    }
    for bad in [
        360.0,
        -0.1,
        720.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        assert!(Heading::new(bad).is_err(), "{bad} passed");
    }
}

#[test]
fn a_field_of_view_is_above_zero_and_at_most_360() {
    for ok in [0.001, 60.0, 360.0] {
        assert!(FieldOfView::new(ok).is_ok(), "{ok} refused");
    }
    for bad in [0.0, -0.0, -10.0, 360.001, f64::NAN, f64::INFINITY] {
        assert!(FieldOfView::new(bad).is_err(), "{bad} passed");
    }
}

#[test]
fn rtsp_and_hls_addresses_pass() {
    for ok in [
        "rtsp://10.0.0.1/C001",
        "rtsp://user:pass@cam.example:554/Streaming/Channels/101",
        "rtsps://cam.example/live",
        "RTSP://cam.example/live",
        "http://cdn.example/live/c1.m3u8",
        "https://cdn.example/live/c1.M3U8?token=abc&t=1",
    ] {
        let url = StreamUrl::parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert_eq!(url.as_str(), ok, "kept as given");
    }
}

#[test]
fn other_addresses_are_refused_with_the_reason() {
    let cases = [
        ("", "not a URL"),
        ("video.example/live", "not a URL"),
        ("rtsp://", "no host"),
        ("rtsp:/live", "no host"),
        ("rtsp://cam.example/a b", "spaces"),
        ("rtmp://cam.example/live", "scheme"),
        ("ftp://cam.example/c1.m3u8", "scheme"),
        ("https://cdn.example/live/c1.mp4", ".m3u8"),
        ("https://cdn.example/live?c1.m3u8", ".m3u8"),
        ("https://cdn.example/c1.m3u8#t=1", "fragment"),
    ];
    for (bad, reason) in cases {
        match StreamUrl::parse(bad) {
            Err(e @ CameraError::StreamUrl { .. }) => {
                assert!(e.to_string().contains(reason), "{bad:?}: {e}");
            }
            other => panic!("{bad:?}: expected a refusal, got {other:?}"),
        }
    }
    let long = format!("rtsp://cam.example/{}", "a".repeat(MAX_URL_LEN));
    assert!(StreamUrl::parse(&long).is_err(), "an over-long URL passed");
}

#[test]
fn every_demo_camera_has_a_stream_url_that_passes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/geodata/taihua/cameras.geojson"
    );
    let text = std::fs::read_to_string(path).expect("demo cameras");
    let demo: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let features = demo["features"].as_array().expect("features");
    assert_eq!(features.len(), 472);
    for f in features {
        let url = f["properties"]["stream_url"]
            .as_str()
            .expect("a stream_url");
        assert!(StreamUrl::parse(url).is_ok(), "{url}");
    }
}

fn record() -> CameraRecord {
    CameraRecord {
        code: " C001 ".into(),
        name: "桥头".into(),
        lon: 119.65,
        lat: 31.17,
        kind: "dome".into(),
        stream_url: "rtsp://10.0.0.1/C001".into(),
        status: None,
        heading_deg: Some(90.0),
        fov_deg: None,
    }
}

#[test]
fn a_record_becomes_a_new_camera_with_defaults_for_what_it_leaves_out() {
    let camera = NewCamera::try_from(record()).expect("a good record");
    assert_eq!(camera.code, "C001", "trimmed");
    assert_eq!(camera.status, CameraStatus::Online);
    assert_eq!(camera.kind, CameraKind::Dome);
    assert_eq!(camera.heading.map(Heading::degrees), Some(90.0));
    assert_eq!(camera.field_of_view, None);
}

#[test]
fn each_bad_field_of_a_record_is_named() {
    type Spoil = fn(&mut CameraRecord);
    let cases: Vec<(&str, Spoil)> = vec![
        ("code must not be empty", |r| r.code = "  ".into()),
        ("name must not be empty", |r| r.name = String::new()),
        ("lat 95 is out of range", |r| r.lat = 95.0),
        ("kind: \"drone\" is not one of", |r| r.kind = "drone".into()),
        ("status: \"broken\"", |r| r.status = Some("broken".into())),
        ("stream_url", |r| r.stream_url = "rtmp://x/y".into()),
        ("heading_deg 360", |r| r.heading_deg = Some(360.0)),
        ("fov_deg 0", |r| r.fov_deg = Some(0.0)),
    ];
    for (expected, spoil) in cases {
        let mut bad = record();
        spoil(&mut bad);
        let message = NewCamera::try_from(bad)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            message.contains(expected),
            "{message:?} should say {expected:?}"
        );
    }
}

#[test]
fn a_change_replaces_only_what_it_names_and_can_clear_the_heading() {
    let camera = Camera {
        id: 7,
        code: "C001".into(),
        name: "桥头".into(),
        location: LonLat::new(119.65, 31.17).unwrap(),
        kind: CameraKind::Dome,
        stream_url: "rtsp://10.0.0.1/C001".into(),
        status: CameraStatus::Online,
        heading: Some(Heading::new(90.0).unwrap()),
        field_of_view: Some(FieldOfView::new(60.0).unwrap()),
        retired_at: None,
    };
    let change = CameraChange {
        status: Some(CameraStatus::Fault),
        heading: Some(None),
        ..CameraChange::default()
    };
    let changed = camera.changed(&change);
    assert_eq!(changed.status, CameraStatus::Fault);
    assert_eq!(changed.heading, None, "cleared");
    assert_eq!(changed.field_of_view, camera.field_of_view, "left alone");
    assert_eq!(
        Camera {
            status: CameraStatus::Online,
            heading: camera.heading,
            ..changed
        },
        camera,
        "nothing else moved"
    );
    assert_eq!(camera.changed(&CameraChange::default()), camera);
}
