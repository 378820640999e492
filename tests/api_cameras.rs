//! The camera registry through the API on the demo town: register, edit, move, retire and
//! import, each answer carrying the chain the grid index gives now, and every kind of bad
//! input getting a 4xx with the JSON error shape.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::router::{ErrorCase, assert_errors, demo_router, get, post_json, send};
use serde_json::{Value, json};

fn request(method: Method, uri: &str, content_type: &str, body: String) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request")
}

async fn patch(app: &axum::Router, id: i64, body: &Value) -> (StatusCode, Value) {
    let uri = format!("/api/cameras/{id}");
    send(
        app,
        request(Method::PATCH, &uri, "application/json", body.to_string()),
    )
    .await
}

async fn delete(app: &axum::Router, id: i64) -> (StatusCode, Value) {
    let uri = format!("/api/cameras/{id}");
    send(
        app,
        request(Method::DELETE, &uri, "application/json", String::new()),
    )
    .await
}

async fn upload(app: &axum::Router, content_type: &str, body: &str) -> (StatusCode, Value) {
    let req = request(
        Method::POST,
        "/api/cameras/import",
        content_type,
        body.to_owned(),
    );
    send(app, req).await
}

async fn camera_count(app: &axum::Router) -> usize {
    let (_, all) = get(app, "/api/cameras").await;
    all["features"].as_array().expect("features").len()
}

fn new_camera() -> Value {
    json!({
        "code": "C900001", "name": "茂花村新桥", "lon": 119.65, "lat": 31.17,
        "kind": "dome", "stream_url": "https://cdn.example/live/c900001.m3u8?token=1",
        "heading_deg": 135.5
    })
}

/// Whether `GET /api/grids/{grid}/cameras` lists camera `id`.
async fn lists(app: &axum::Router, grid: &Value, id: i64) -> bool {
    let (_, own) = get(app, &format!("/api/grids/{grid}/cameras")).await;
    own["features"]
        .as_array()
        .expect("features")
        .iter()
        .any(|c| id_of(c) == id)
}

fn id_of(feature: &Value) -> i64 {
    feature["properties"]["id"].as_i64().expect("an id")
}

#[tokio::test]
async fn a_registered_camera_is_listed_with_its_chain_and_defaults() {
    let (app, _db) = demo_router().await;

    let (status, created) = post_json(&app, "/api/cameras", &new_camera()).await;

    assert_eq!(status, StatusCode::CREATED, "{created}");
    let p = &created["properties"];
    assert_eq!(p["status"], "online", "the default status");
    assert_eq!(
        (p["heading_deg"].clone(), p["fov_deg"].clone()),
        (json!(135.5), Value::Null)
    );
    assert!(p.get("retired_at").is_none(), "{p}");
    let (_, located) = get(&app, "/api/locate?lon=119.65&lat=31.17").await;
    assert_eq!(p["chain"], located["chain"], "the chain where it stands");
    let (_, fetched) = get(&app, &format!("/api/cameras/{}", id_of(&created))).await;
    assert_eq!(fetched, created);
    assert_eq!(camera_count(&app).await, 473);
}

#[tokio::test]
async fn moving_a_camera_across_a_grid_boundary_changes_its_chain() {
    let (app, _db) = demo_router().await;
    let (_, all) = get(&app, "/api/cameras").await;
    let cameras = all["features"].as_array().expect("features");
    let village = |c: &Value| c["properties"]["chain"][1]["id"].clone();
    let mover = &cameras[0];
    let elsewhere = (cameras.iter().find(|c| village(c) != village(mover))).expect("two villages");
    let [lon, lat] = [0, 1].map(|i| elsewhere["geometry"]["coordinates"][i].clone());

    let (status, answer) = patch(&app, id_of(mover), &json!({ "lon": lon, "lat": lat })).await;

    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["properties"]["chain"],
        elsewhere["properties"]["chain"]
    );
    assert_ne!(answer["properties"]["chain"], mover["properties"]["chain"]);
    assert_eq!(answer["geometry"], elsewhere["geometry"]);
    let (_, fetched) = get(&app, &format!("/api/cameras/{}", id_of(mover))).await;
    assert_eq!(
        fetched["properties"]["chain"],
        answer["properties"]["chain"]
    );
    assert!(
        lists(&app, &village(elsewhere), id_of(mover)).await,
        "the new village lists it"
    );
    assert!(
        !lists(&app, &village(mover), id_of(mover)).await,
        "the old village does not"
    );
}

#[tokio::test]
async fn an_edit_changes_only_what_it_names_and_null_clears_the_heading() {
    let (app, _db) = demo_router().await;
    let (_, created) = post_json(&app, "/api/cameras", &new_camera()).await;
    let id = id_of(&created);

    let edit =
        json!({ "name": "新桥（东）", "status": "fault", "heading_deg": null, "fov_deg": 90 });
    let (status, edited) = patch(&app, id, &edit).await;

    assert_eq!(status, StatusCode::OK, "{edited}");
    let mut expected = created.clone();
    let p = &mut expected["properties"];
    (p["name"], p["status"], p["heading_deg"], p["fov_deg"]) = (
        json!("新桥（东）"),
        json!("fault"),
        Value::Null,
        json!(90.0),
    );
    assert_eq!(edited, expected);
}

#[tokio::test]
async fn a_retired_camera_keeps_its_id_but_leaves_the_lists_and_cannot_change() {
    let (app, _db) = demo_router().await;
    let (_, all) = get(&app, "/api/cameras").await;
    let camera = all["features"][0].clone();
    let (id, village) = (
        id_of(&camera),
        camera["properties"]["chain"][1]["id"].clone(),
    );

    let (status, retired) = delete(&app, id).await;

    assert_eq!(status, StatusCode::OK, "{retired}");
    assert!(retired["properties"]["retired_at"].is_string(), "{retired}");
    assert_eq!(camera_count(&app).await, 471);
    assert!(
        !lists(&app, &village, id).await,
        "its village no longer lists it"
    );
    let (status, fetched) = get(&app, &format!("/api/cameras/{id}")).await;
    assert_eq!((status, fetched), (StatusCode::OK, retired));
    let (again, body) = delete(&app, id).await;
    assert_eq!(
        (again, body["error"]["code"].clone()),
        (StatusCode::CONFLICT, json!("conflict"))
    );
    let (edit, _) = patch(&app, id, &json!({ "name": "复用" })).await;
    assert_eq!(edit, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_upload_is_all_or_nothing_in_csv_and_geojson() {
    let (app, _db) = demo_router().await;
    let header = "code,name,lon,lat,kind,stream_url,status,heading_deg,fov_deg";
    let bad = format!(
        "{header}\nC1,甲,119.65,31.17,dome,rtsp://h/1,,,\nC2,乙,119.65,31.17,dome,rtsp://h/2,,400,\n"
    );

    let (status, body) = upload(&app, "text/csv", &bad).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "invalid_features");
    let features = body["error"]["features"].as_array().expect("features");
    assert_eq!(features.len(), 1, "{body}");
    assert_eq!(features[0]["feature"], 1);
    assert!(
        features[0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("heading_deg 400")
    );
    assert_eq!(camera_count(&app).await, 472, "nothing stored");

    let good = bad.replace(",400,", ",40,");
    let (status, body) = upload(&app, "text/csv; charset=utf-8", &good).await;
    assert_eq!(
        (status, body),
        (StatusCode::CREATED, json!({ "imported": 2 }))
    );
    let geojson = json!({ "type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": { "type": "Point", "coordinates": [119.65, 31.17] },
        "properties": { "code": "C3", "name": "丙", "stream_url": "rtsps://h/3", "fov_deg": 360 }
    }]});
    let (status, body) = upload(&app, "application/geo+json", &geojson.to_string()).await;
    assert_eq!(
        (status, body),
        (StatusCode::CREATED, json!({ "imported": 1 }))
    );
    assert_eq!(camera_count(&app).await, 475);
}

#[tokio::test]
#[expect(clippy::too_many_lines, reason = "one table of cases")]
async fn bad_camera_requests_get_a_4xx_that_names_the_problem() {
    let (app, _db) = demo_router().await;
    let with = |field: &str, value: Value| {
        let mut body = new_camera();
        body[field] = value;
        body.to_string()
    };
    let (_, taken) = get(&app, "/api/cameras").await;
    let taken_code = taken["features"][0]["properties"]["code"].clone();
    let post = |body: String| request(Method::POST, "/api/cameras", "application/json", body);
    let patch = |body: &str| {
        request(
            Method::PATCH,
            "/api/cameras/1",
            "application/json",
            body.into(),
        )
    };
    let cases: Vec<ErrorCase<'_>> = vec![
        (
            post(with("kind", json!("drone"))),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "kind",
        ),
        (
            post(with("stream_url", json!("rtmp://h/1"))),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "stream_url",
        ),
        (
            post(with("stream_url", json!("https://h/1.mp4"))),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            ".m3u8",
        ),
        (
            post(with("heading_deg", json!(360))),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "heading_deg 360",
        ),
        (
            post(with("fov_deg", json!(0))),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "fov_deg 0",
        ),
        (
            post(with("lat", json!(95))),
            StatusCode::BAD_REQUEST,
            "invalid_coordinate",
            "lat 95",
        ),
        (
            post(with("name", json!(" "))),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "name",
        ),
        (
            post(with("code", taken_code)),
            StatusCode::CONFLICT,
            "conflict",
            "already exists",
        ),
        (
            post(with("colour", json!("red"))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "colour",
        ),
        (
            post("{\"code\":".into()),
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "",
        ),
        (
            patch("{\"lon\":119.6}"),
            StatusCode::BAD_REQUEST,
            "invalid_coordinate",
            "lat",
        ),
        (
            patch("{\"code\":\"C1\"}"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "code",
        ),
        (
            patch("{\"status\":\"broken\"}"),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "status",
        ),
        (
            request(
                Method::PATCH,
                "/api/cameras/999999",
                "application/json",
                "{}".into(),
            ),
            StatusCode::NOT_FOUND,
            "not_found",
            "camera 999999",
        ),
        (
            request(
                Method::DELETE,
                "/api/cameras/999999",
                "application/json",
                String::new(),
            ),
            StatusCode::NOT_FOUND,
            "not_found",
            "camera 999999",
        ),
        (
            request(
                Method::POST,
                "/api/cameras/import",
                "text/plain",
                "x".into(),
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "text/csv",
        ),
        (
            request(
                Method::POST,
                "/api/cameras/import",
                "text/csv",
                "a,b\n".into(),
            ),
            StatusCode::BAD_REQUEST,
            "invalid_file",
            "header",
        ),
        (
            request(
                Method::POST,
                "/api/cameras/import",
                "application/json",
                "[1]".into(),
            ),
            StatusCode::BAD_REQUEST,
            "invalid_file",
            "",
        ),
    ];
    assert_errors(&app, cases).await;
    assert_eq!(
        camera_count(&app).await,
        472,
        "no bad request stored anything"
    );
}
