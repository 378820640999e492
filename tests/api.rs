//! The HTTP API on the demo town: the fixed shapes, and every kind of bad input getting a
//! 4xx with the JSON error shape. Requests go through the router in-process (`oneshot`);
//! one test goes over a real TCP socket.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::router::{ErrorCase, assert_errors, demo_router, get, make_available, post_json};
use gridlink::config::ServeConfig;
use serde_json::{Value, json};

fn chain_codes(located: &Value) -> Vec<String> {
    located["chain"]
        .as_array()
        .expect("chain is an array")
        .iter()
        .map(|l| l["code"].as_str().expect("code").to_owned())
        .collect()
}

#[tokio::test]
async fn locate_returns_the_chain_from_town_to_micro_grid() {
    let (app, _db) = demo_router().await;
    let (status, body) = get(&app, "/api/locate?lon=119.65&lat=31.17").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (body["lon"].clone(), body["lat"].clone()),
        (json!(119.65), json!(31.17))
    );
    let levels: Vec<i64> = body["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["level"].as_i64().unwrap())
        .collect();
    assert_eq!(levels, vec![1, 2, 3, 4]);
    let codes = chain_codes(&body);
    assert_eq!(codes[0], "320282102");
    for pair in codes.windows(2) {
        assert!(
            pair[1].starts_with(&pair[0]) && pair[1].len() == pair[0].len() + 3,
            "{pair:?}"
        );
    }
    for link in body["chain"].as_array().unwrap() {
        assert!(link["id"].is_i64() && link["name"].is_string(), "{link}");
    }
}

#[tokio::test]
async fn locate_outside_the_town_returns_an_empty_chain() {
    let (app, _db) = demo_router().await;
    let (status, body) = get(&app, "/api/locate?lon=116.4&lat=39.9").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["chain"], json!([]));
}

#[tokio::test]
async fn batch_locate_answers_every_point_in_order_like_single_locate() {
    let (app, _db) = demo_router().await;
    let points = [
        [119.65, 31.17],
        [116.4, 39.9],
        [119.70, 31.12],
        [119.62, 31.19],
    ];
    let (status, body) = post_json(&app, "/api/locate", &json!({ "points": points })).await;
    assert_eq!(status, StatusCode::OK);
    let results = body["results"].as_array().expect("results");
    assert_eq!(results.len(), points.len());
    for (result, [lon, lat]) in results.iter().zip(points) {
        let (_, single) = get(&app, &format!("/api/locate?lon={lon}&lat={lat}")).await;
        assert_eq!(
            result, &single,
            "batch and single answers differ at {lon},{lat}"
        );
    }
}

#[tokio::test]
async fn grids_by_level_are_feature_collections_with_the_fixed_properties() {
    let (app, _db) = demo_router().await;
    for (level, count) in [(1, 1), (2, 8), (3, 25), (4, 91)] {
        let (status, body) = get(&app, &format!("/api/grids?level={level}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["type"], "FeatureCollection");
        let features = body["features"].as_array().expect("features");
        assert_eq!(features.len(), count, "grids at level {level}");
        for f in features {
            let p = &f["properties"];
            assert!(
                p["id"].is_i64() && p["code"].is_string() && p["name"].is_string(),
                "{p}"
            );
            assert_eq!(p["level"], level);
            assert_eq!(p["parent_id"].is_null(), level == 1);
            assert_eq!(f["geometry"]["type"], "MultiPolygon");
        }
    }
    let (_, some) = get(&app, "/api/grids?level=4&bbox=119.64,31.16,119.66,31.18").await;
    let n = some["features"].as_array().unwrap().len();
    assert!(
        (1..91).contains(&n),
        "a small bbox selects some micro-grids, not all: {n}"
    );
}

#[tokio::test]
async fn a_grid_shows_its_chain_children_and_counts() {
    let (app, _db) = demo_router().await;
    let (_, town) = get(&app, "/api/grids?level=1").await;
    let id = town["features"][0]["properties"]["id"].as_i64().unwrap();
    let (status, body) = get(&app, &format!("/api/grids/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let p = &body["properties"];
    assert_eq!(p["children"].as_array().unwrap().len(), 8);
    assert_eq!(p["counts"]["cameras"], 472);
    assert_eq!(p["chain"].as_array().unwrap().len(), 1);
    let households: i64 = p["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["households"].as_i64().unwrap())
        .sum();
    assert_eq!(
        p["households"].as_i64().unwrap(),
        households,
        "villages' households add up to the town's"
    );
}

#[tokio::test]
async fn cameras_carry_their_chain_and_each_village_lists_its_own() {
    let (app, _db) = demo_router().await;
    let (status, body) = get(&app, "/api/cameras").await;
    assert_eq!(status, StatusCode::OK);
    let cameras = body["features"].as_array().expect("features");
    assert_eq!(cameras.len(), 472);
    for c in cameras {
        let p = &c["properties"];
        assert!(p["id"].is_i64() && p["code"].is_string() && p["name"].is_string());
        assert_eq!(
            p["chain"].as_array().unwrap().len(),
            4,
            "camera {} is in a micro-grid",
            p["code"]
        );
    }
    let (_, villages) = get(&app, "/api/grids?level=2").await;
    let mut total = 0;
    for v in villages["features"].as_array().unwrap() {
        let id = v["properties"]["id"].as_i64().unwrap();
        let (_, own) = get(&app, &format!("/api/grids/{id}/cameras")).await;
        for c in own["features"].as_array().unwrap() {
            assert_eq!(
                c["properties"]["chain"][1]["id"], id,
                "a village lists only its own cameras"
            );
        }
        total += own["features"].as_array().unwrap().len();
    }
    assert_eq!(total, 472, "the villages' cameras add up to the town's");
}

#[tokio::test]
async fn nearest_workers_are_available_and_sorted_by_distance() {
    let (app, _db) = demo_router().await;
    let (_, on_duty) = get(&app, "/api/workers?on_duty=true").await;
    let ids: Vec<i64> = on_duty.as_array().unwrap()[..9]
        .iter()
        .map(|w| w["id"].as_i64().unwrap())
        .collect();
    for (i, &id) in ids[..8].iter().enumerate() {
        make_available(&app, id, 119.65 + 0.001 * i as f64, 31.17).await;
    }
    // The ninth is right at the point but reported long ago: never offered.
    let stale = ids[8];
    let stale_report = json!({
        "lon": 119.65, "lat": 31.17, "accuracy_m": 5.0,
        "at": (chrono::Utc::now() - chrono::TimeDelta::minutes(30)).to_rfc3339(),
    });
    let uri = format!("/api/workers/{stale}/positions");
    let phone = common::router::worker_token(&app, stale).await;
    let sent = common::router::post_json_as(&app, &phone, &uri, &stale_report).await;
    assert_eq!(sent.0, StatusCode::OK);

    let (status, body) = get(&app, "/api/workers/nearest?lon=119.65&lat=31.17&k=7").await;

    assert_eq!(status, StatusCode::OK);
    let workers = body["workers"].as_array().expect("workers");
    let got: Vec<i64> = workers.iter().map(|w| w["id"].as_i64().unwrap()).collect();
    assert_eq!(got, ids[..7], "the seven available nearest, nearest first");
    let distances: Vec<f64> = workers
        .iter()
        .map(|w| w["distance_m"].as_f64().unwrap())
        .collect();
    assert!(distances.windows(2).all(|d| d[0] <= d[1]), "{distances:?}");
    assert!(
        workers
            .iter()
            .all(|w| w["available"] == true && w["eta_s"].is_i64())
    );
    let (_, all) = get(&app, "/api/workers").await;
    assert_eq!(all.as_array().unwrap().len(), 25 + 91 + 273 + 67 + 9);
}

#[tokio::test]
#[expect(clippy::too_many_lines, reason = "one table of cases")]
async fn bad_input_gets_a_4xx_with_a_json_error_that_names_the_problem() {
    let (app, _db) = demo_router().await;
    let cases: Vec<ErrorCase<'_>> = vec![
        (
            req(Method::GET, "/api/locate?lon=abc&lat=31"),
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "lon",
        ),
        (
            req(Method::GET, "/api/locate?lat=31"),
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "lon",
        ),
        (
            req(Method::GET, "/api/locate?lon=NaN&lat=31"),
            StatusCode::BAD_REQUEST,
            "invalid_coordinate",
            "finite",
        ),
        (
            req(Method::GET, "/api/locate?lon=119&lat=inf"),
            StatusCode::BAD_REQUEST,
            "invalid_coordinate",
            "lat",
        ),
        (
            req(Method::GET, "/api/locate?lon=200&lat=31"),
            StatusCode::BAD_REQUEST,
            "invalid_coordinate",
            "out of range",
        ),
        (
            req(Method::GET, "/api/grids?bbox=119.7,31.1,119.6,31.2"),
            StatusCode::BAD_REQUEST,
            "invalid_coordinate",
            "inverted",
        ),
        (
            req(Method::GET, "/api/grids?bbox=1,2,3"),
            StatusCode::BAD_REQUEST,
            "invalid_coordinate",
            "four",
        ),
        (
            req(Method::GET, "/api/grids?level=x"),
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "level",
        ),
        (
            req(Method::GET, "/api/grids/abc"),
            StatusCode::BAD_REQUEST,
            "invalid_path",
            "",
        ),
        (
            req(Method::GET, "/api/grids/999999"),
            StatusCode::NOT_FOUND,
            "not_found",
            "999999",
        ),
        (
            req(Method::GET, "/api/cameras/999999"),
            StatusCode::NOT_FOUND,
            "not_found",
            "999999",
        ),
        (
            req(Method::GET, "/api/workers/nearest?lon=119&lat=31&k=0"),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "k",
        ),
        (
            req(Method::GET, "/api/nowhere"),
            StatusCode::NOT_FOUND,
            "not_found",
            "",
        ),
        (
            req(Method::DELETE, "/api/locate"),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "",
        ),
        (
            body_req("{\"points\": [[119.6, 31.1]", true),
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "",
        ),
        (
            body_req("{\"points\": [[119.6, 31.1]]}", false),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "",
        ),
        (
            body_req("{\"points\": [[119.6]]}", true),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "",
        ),
        (
            body_req("{\"dots\": []}", true),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "points",
        ),
        (
            body_req("{\"points\": [[119.6, 31.1], [119.6, 95]]}", true),
            StatusCode::BAD_REQUEST,
            "invalid_coordinate",
            "points[1]",
        ),
        (
            body_req(
                &json!({"points": vec![[119.6, 31.1]; 100_001]}).to_string(),
                true,
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_points",
            "100000",
        ),
        (
            body_req(&" ".repeat(9 * 1024 * 1024), true),
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "",
        ),
    ];
    assert_errors(&app, cases).await;
}

fn req(method: Method, uri: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .expect("request")
}

fn body_req(body: &str, json_type: bool) -> Request<Body> {
    let mut builder = Request::post("/api/locate");
    if json_type {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
    }
    builder.body(Body::from(body.to_owned())).expect("request")
}

#[tokio::test]
async fn the_service_seeds_itself_and_answers_over_a_real_tcp_socket() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("data/gridlink.db").display());
    let config = ServeConfig {
        no_seed: false,
        demo_password: Some("demo-password-1".into()),
        ..ServeConfig::for_tests(&url)
    };
    let app = gridlink::app::Application::build(&config)
        .await
        .expect("service starts");
    let addr = app.local_addr().expect("bound");
    assert_ne!(addr.port(), 0);
    tokio::spawn(app.run_until_stopped());

    let client = reqwest::Client::new();
    let locate = format!("http://{addr}/api/locate?lon=119.65&lat=31.17");
    let anonymous = client.get(&locate).send().await.expect("request over TCP");
    assert_eq!(anonymous.status(), 401, "locate needs a signed-in user");

    // The demo seeded its accounts with the configured password.
    let login = client
        .post(format!("http://{addr}/api/session"))
        .json(&serde_json::json!({ "username": "dispatcher", "password": "demo-password-1" }))
        .send()
        .await
        .expect("log-in");
    assert_eq!(login.status(), 200);
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned();
    let me: Value = login.json().await.expect("JSON");
    assert_eq!(me["user"]["username"], "dispatcher");
    assert_eq!(me["user"]["grants"][0]["grid_code"], "320282102");

    let response = client
        .get(&locate)
        .header("cookie", &cookie)
        .send()
        .await
        .expect("request over TCP");
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["chain"].as_array().map(Vec::len), Some(4));
    let levels: Value = client
        .get(format!("http://{addr}/api/levels"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(levels.as_array().map(Vec::len), Some(4));
}
