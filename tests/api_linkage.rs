//! Video linkage through the API on the demo town: an alert ranks the available workers
//! near its camera, calls go out one at a time, a decline or a timeout passes the alert
//! on, an accept files a camera incident, arrival is noticed from positions, and bad
//! requests get a 4xx that names the problem with nothing half stored.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail the test on purpose"
)]

mod common;

use axum::Router;
use axum::http::{Method, Request, StatusCode, header};
use common::router::{
    ErrorCase, assert_errors, demo_app, demo_router, get, make_available, post_json, post_json_as,
    post_multipart, put_json, worker_token,
};
use gridlink::linkage::LinkageChange;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Duration;
use tokio::sync::broadcast::error::TryRecvError;

/// 0.001° of longitude at 31° N, in metres, near enough for choosing offsets.
const MILLIDEGREE_M: f64 = 95.3;

/// A camera of the demo town, its point and the ids of its grid chain.
struct Scene {
    camera: i64,
    lon: f64,
    lat: f64,
    chain: HashSet<i64>,
}

async fn a_camera(app: &Router) -> Scene {
    let (_, cameras) = get(app, "/api/cameras").await;
    let camera = &cameras["features"][0];
    let [lon, lat] = [0, 1].map(|i| camera["geometry"]["coordinates"][i].as_f64().unwrap());
    let chain = camera["properties"]["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_i64().unwrap())
        .collect();
    Scene {
        camera: camera["properties"]["id"].as_i64().unwrap(),
        lon,
        lat,
        chain,
    }
}

/// On-duty workers who answer for a grid of the chain (`responsible`) or for none.
async fn on_duty_workers(app: &Router, scene: &Scene, responsible: bool) -> Vec<i64> {
    let (_, workers) = get(app, "/api/workers?on_duty=true").await;
    workers
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| {
            let answers = w["grid_ids"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| scene.chain.contains(&g.as_i64().unwrap()));
            answers == responsible
        })
        .map(|w| w["id"].as_i64().unwrap())
        .collect()
}

/// Three available workers east of the camera: two that answer for none of its grids at
/// about 100 m and 200 m, and one that answers for its grid at about 300 m.
async fn three_available(app: &Router, scene: &Scene) -> [i64; 3] {
    let others = on_duty_workers(app, scene, false).await;
    let responsible = on_duty_workers(app, scene, true).await;
    let picked = [others[0], others[1], responsible[0]];
    for (i, &id) in picked.iter().enumerate() {
        let lon = scene.lon + 0.001 * (i as f64 + 1.0);
        make_available(app, id, lon, scene.lat).await;
    }
    picked
}

async fn raise(app: &Router, scene: &Scene) -> Value {
    let uri = format!("/api/cameras/{}/alerts", scene.camera);
    let (status, alert) = post_json(app, &uri, &json!({ "note": "有人翻越围栏" })).await;
    assert_eq!(status, StatusCode::CREATED, "{alert}");
    alert
}

async fn call(app: &Router, alert: &Value, body: &Value) -> (StatusCode, Value) {
    post_json(app, &format!("/api/alerts/{}/calls", alert["id"]), body).await
}

/// Answers `call` as the worker it rang.
async fn answer(app: &Router, call: &Value, how: &str) -> (StatusCode, Value) {
    let worker = call["worker_id"].as_i64().expect("a worker");
    let token = worker_token(app, worker).await;
    let uri = format!("/api/calls/{}/{how}", call["id"]);
    post_json_as(app, &token, &uri, &json!({})).await
}

async fn calls_of(app: &Router, alert: &Value) -> Vec<Value> {
    let (_, body) = get(app, &format!("/api/calls?alert_id={}", alert["id"])).await;
    body["calls"].as_array().unwrap().clone()
}

fn ids(values: &[Value], key: &str) -> Vec<i64> {
    values.iter().map(|v| v[key].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn an_alert_answers_its_camera_chain_responsible_and_ranked_available_workers() {
    let (app, _db) = demo_router().await;
    let scene = a_camera(&app).await;
    let [near, middle, responsible] = three_available(&app, &scene).await;

    let alert = raise(&app, &scene).await;

    assert_eq!(alert["camera"]["properties"]["id"], scene.camera);
    assert_eq!(alert["chain"].as_array().unwrap().len(), 4, "{alert}");
    assert_eq!(alert["status"], "open");
    let candidates = alert["candidates"].as_array().unwrap();
    assert_eq!(
        ids(candidates, "worker_id"),
        [near, middle, responsible],
        "nearest first"
    );
    let flags: Vec<bool> = candidates
        .iter()
        .map(|c| c["responsible"] == true)
        .collect();
    assert_eq!(flags, [false, false, true]);
    for (i, c) in candidates.iter().enumerate() {
        let distance = c["distance_m"].as_f64().unwrap();
        let expected = MILLIDEGREE_M * (i as f64 + 1.0);
        assert!((distance - expected).abs() < 2.0, "{c}");
        // 20 km/h by default.
        assert_eq!(
            c["eta_s"].as_i64().unwrap(),
            (distance / (20.0 / 3.6)).ceil() as i64
        );
    }
    let answering: Vec<i64> = ids(alert["responsible"].as_array().unwrap(), "worker_id");
    assert!(answering.contains(&responsible), "{answering:?}");
    assert!(!answering.contains(&near));
}

#[tokio::test]
async fn an_accepted_call_files_a_camera_incident_assigned_to_the_worker() {
    let (app, _db) = demo_router().await;
    let scene = a_camera(&app).await;
    let [near, ..] = three_available(&app, &scene).await;
    let alert = raise(&app, &scene).await;

    let (status, ringing) = call(&app, &alert, &json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{ringing}");
    assert_eq!(
        (ringing["worker_id"].as_i64(), &ringing["status"]),
        (Some(near), &json!("ringing"))
    );
    let (status, accepted) = answer(&app, &ringing, "accept").await;
    let (again, refused) = answer(&app, &ringing, "accept").await;

    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(again, StatusCode::CONFLICT, "a second accept: {refused}");
    let incident = accepted["incident_id"].as_i64().expect("an incident");
    let (_, filed) = get(&app, &format!("/api/incidents/{incident}")).await;
    assert_eq!(filed["source"], "camera");
    assert_eq!(
        (filed["lon"].as_f64(), filed["lat"].as_f64()),
        (Some(scene.lon), Some(scene.lat))
    );
    assert_eq!(filed["assignee"]["id"], near);
    assert_eq!(filed["description"], "有人翻越围栏");
    assert_eq!(accepted["case_number"], filed["case_number"]);
    let (_, shown) = get(&app, &format!("/api/alerts/{}", alert["id"])).await;
    assert_eq!(shown["status"], "answered");
    let (_, events) = get(&app, &format!("/api/alerts/{}/events", alert["id"])).await;
    let kinds: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["raised", "called", "accepted", "incident_filed"]);
}

#[tokio::test]
async fn a_declined_call_passes_the_alert_to_the_next_candidate_until_nobody_is_left() {
    let (app, _db) = demo_router().await;
    let scene = a_camera(&app).await;
    let order = three_available(&app, &scene).await;
    let alert = raise(&app, &scene).await;
    let (_, mut ringing) = call(&app, &alert, &json!({})).await;

    for _ in 0..3 {
        let (status, declined) = answer(&app, &ringing, "decline").await;
        assert_eq!(
            (status, &declined["status"]),
            (StatusCode::OK, &json!("declined"))
        );
        if let Some(next) = calls_of(&app, &alert)
            .await
            .last()
            .filter(|c| c["status"] == "ringing")
        {
            ringing = next.clone();
        }
    }

    let calls = calls_of(&app, &alert).await;
    assert_eq!(
        ids(&calls, "worker_id"),
        order,
        "each candidate once, nearest first"
    );
    assert!(calls.iter().all(|c| c["status"] == "declined"));
    let (_, shown) = get(&app, &format!("/api/alerts/{}", alert["id"])).await;
    assert_eq!(shown["status"], "unanswered", "nobody is left to call");
}

#[tokio::test]
async fn a_worker_on_the_way_is_on_scene_once_within_fifty_metres_of_the_camera() {
    let (app, _db) = demo_router().await;
    let scene = a_camera(&app).await;
    let [near, ..] = three_available(&app, &scene).await;
    let alert = raise(&app, &scene).await;
    let (_, ringing) = call(&app, &alert, &json!({ "worker_id": near })).await;
    answer(&app, &ringing, "accept").await;
    let report = |metres: f64, seconds: i64| {
        let at = chrono::Utc::now() + chrono::TimeDelta::seconds(seconds);
        json!({
            "lon": scene.lon + metres / MILLIDEGREE_M * 0.001, "lat": scene.lat,
            "accuracy_m": 5.0, "at": at.to_rfc3339(),
        })
    };
    let uri = format!("/api/workers/{near}/positions");
    let phone = worker_token(&app, near).await;

    post_json_as(&app, &phone, &uri, &report(80.0, 1)).await;
    let (_, en_route) = get(&app, &format!("/api/calls/{}", ringing["id"])).await;
    post_json_as(&app, &phone, &uri, &report(30.0, 2)).await;
    let (_, there) = get(&app, &format!("/api/calls/{}", ringing["id"])).await;

    assert_eq!(
        en_route["status"], "accepted",
        "80 m away is still on the way"
    );
    assert_eq!(there["status"], "on_scene", "{there}");
    assert!(there["on_scene_at"].is_string());
}

#[tokio::test]
async fn a_snapshot_comes_with_the_alert_and_becomes_the_incident_photo() {
    let (app, _db) = demo_router().await;
    let scene = a_camera(&app).await;
    three_available(&app, &scene).await;
    let mut png = Vec::new();
    image::RgbImage::from_pixel(320, 240, image::Rgb([40, 90, 160]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let uri = format!("/api/cameras/{}/alerts", scene.camera);
    let parts: [(&str, &str, &str, &[u8]); 2] = [
        ("snapshot", "frame.png", "image/png", &png),
        ("note", "", "text/plain", "烟雾".as_bytes()),
    ];

    let (status, alert) = post_multipart(&app, &uri, &parts).await;

    assert_eq!(status, StatusCode::CREATED, "{alert}");
    let url = alert["snapshot"]["thumbnail_url"]
        .as_str()
        .expect("a snapshot");
    let (status, content_type, _) = common::router::get_bytes(&app, url).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "image/jpeg")
    );
    assert_eq!(alert["note"], "烟雾");
    let (_, ringing) = call(&app, &alert, &json!({})).await;
    let (_, accepted) = answer(&app, &ringing, "accept").await;
    let (_, filed) = get(&app, &format!("/api/incidents/{}", accepted["incident_id"])).await;
    assert_eq!(filed["photos"][0]["id"], alert["snapshot"]["id"]);
}

#[tokio::test]
async fn positions_form_the_days_patrol_track() {
    let (app, _db) = demo_router().await;
    let scene = a_camera(&app).await;
    let [id, ..] = three_available(&app, &scene).await;
    let uri = format!("/api/workers/{id}/positions");
    let phone = worker_token(&app, id).await;
    for k in 1..=2 {
        let at = chrono::Utc::now() + chrono::TimeDelta::seconds(k);
        let body = json!({ "lon": scene.lon, "lat": scene.lat + 1e-4 * k as f64, "accuracy_m": 4.0, "at": at.to_rfc3339() });
        assert_eq!(
            post_json_as(&app, &phone, &uri, &body).await.0,
            StatusCode::OK
        );
    }

    let (status, track) = get(&app, &format!("/api/workers/{id}/track")).await;
    let (_, all) = get(&app, "/api/tracks").await;

    assert_eq!(status, StatusCode::OK, "{track}");
    assert_eq!(track["geometry"]["type"], "LineString");
    assert_eq!(
        track["geometry"]["coordinates"].as_array().unwrap().len(),
        3
    );
    assert_eq!(track["properties"]["times"].as_array().unwrap().len(), 3);
    let workers: Vec<i64> = all["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["worker_id"].as_i64().unwrap())
        .collect();
    assert!(workers.contains(&id), "{workers:?}");
    let (_, old_day) = get(&app, &format!("/api/workers/{id}/track?date=2020-01-01")).await;
    assert!(
        old_day["geometry"].is_null(),
        "no fixes that day: {old_day}"
    );
}

fn request(method: Method, uri: &str, body: &str) -> Request<axum::body::Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
#[expect(clippy::too_many_lines, reason = "one table of cases")]
async fn bad_linkage_requests_get_a_4xx_naming_the_problem_and_store_nothing() {
    let (app, _db) = demo_router().await;
    let scene = a_camera(&app).await;
    let [near, ..] = three_available(&app, &scene).await;
    // On shift, but last seen on the demo's day: too long ago to be called.
    let stale = on_duty_workers(&app, &scene, false).await[5];
    let all_day = json!({ "shifts": [{ "weekdays": [1, 2, 3, 4, 5, 6, 7], "from": "00:00", "to": "00:00" }] });
    let (status, _) = put_json(&app, &format!("/api/workers/{stale}/shifts"), &all_day).await;
    assert_eq!(status, StatusCode::OK);
    let alert = raise(&app, &scene).await;
    let alert_calls = format!("/api/alerts/{}/calls", alert["id"]);
    let future = (chrono::Utc::now() + chrono::TimeDelta::minutes(5)).to_rfc3339();
    let phone = worker_token(&app, near).await;
    let position = |body: &str| {
        let mut req = request(
            Method::POST,
            &format!("/api/workers/{near}/positions"),
            body,
        );
        let bearer = format!("Bearer {phone}").parse().unwrap();
        req.headers_mut().insert(header::AUTHORIZATION, bearer);
        req
    };
    let cases: Vec<ErrorCase<'_>> = vec![
        (
            request(Method::POST, "/api/cameras/999999/alerts", "{}"),
            StatusCode::NOT_FOUND,
            "not_found",
            "camera 999999",
        ),
        (
            request(
                Method::POST,
                &format!("/api/cameras/{}/alerts", scene.camera),
                r#"{"category":"nonsense"}"#,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "nonsense",
        ),
        (
            request(
                Method::POST,
                &format!("/api/cameras/{}/alerts", scene.camera),
                r#"{"source":"psychic"}"#,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "source",
        ),
        (
            request(Method::POST, "/api/alerts/999999/calls", "{}"),
            StatusCode::NOT_FOUND,
            "not_found",
            "alert 999999",
        ),
        (
            request(Method::POST, &alert_calls, r#"{"worker_id":999999}"#),
            StatusCode::NOT_FOUND,
            "not_found",
            "worker 999999",
        ),
        (
            request(
                Method::POST,
                &alert_calls,
                &format!(r#"{{"worker_id":{stale}}}"#),
            ),
            StatusCode::CONFLICT,
            "conflict",
            "too long ago",
        ),
        (
            request(Method::POST, "/api/calls/999999/accept", "{}"),
            StatusCode::NOT_FOUND,
            "not_found",
            "call 999999",
        ),
        (
            position(&format!(
                r#"{{"lon":119.6,"lat":31.1,"accuracy_m":3,"at":"{future}"}}"#
            )),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "future",
        ),
        (
            position(r#"{"lon":200,"lat":31.1,"accuracy_m":3,"at":"2026-12-01T00:00:00Z"}"#),
            StatusCode::BAD_REQUEST,
            "invalid_coordinate",
            "lon",
        ),
        (
            request(
                Method::PUT,
                &format!("/api/workers/{near}/shifts"),
                r#"{"shifts":[{"weekdays":[8],"from":"08:00","to":"20:00"}]}"#,
            ),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "weekdays",
        ),
        (
            request(
                Method::PUT,
                &format!("/api/workers/{near}/shifts"),
                r#"{"shifts":[{"weekdays":[1],"from":"25:00","to":"20:00"}]}"#,
            ),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "25:00",
        ),
        (
            request(Method::GET, "/api/tracks?date=yesterday", ""),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "yesterday",
        ),
        (
            request(Method::GET, "/api/calls?status=lost", ""),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "lost",
        ),
    ];

    assert_errors(&app, cases).await;

    assert_eq!(
        calls_of(&app, &alert).await,
        Vec::<Value>::new(),
        "no call was stored"
    );
    let (_, worker) = get(&app, &format!("/api/workers/{near}")).await;
    assert_eq!(
        worker["shifts"].as_array().unwrap().len(),
        1,
        "the shifts are as they were"
    );
    let (status, ringing) = call(&app, &alert, &json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{ringing}");
    let (status, busy) = call(&app, &alert, &json!({})).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a second call while one rings: {busy}"
    );
}

/// The timeout on tokio's paused clock: nothing happens at 59 s, at 61 s the call is
/// timed out and the next candidate's phone rings.
#[tokio::test]
async fn an_unanswered_call_times_out_after_a_minute_and_goes_to_the_next_candidate() {
    let (app, linkage, _db) = demo_app().await;
    let scene = a_camera(&app).await;
    let [near, middle, _] = three_available(&app, &scene).await;
    let alert = raise(&app, &scene).await;
    let mut live = linkage.subscribe();
    let (_, ringing) = call(&app, &alert, &json!({})).await;
    assert_eq!(ringing["worker_id"], near);
    while live.try_recv().is_ok() {}

    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(59)).await;
    let early = live.try_recv();
    tokio::time::advance(Duration::from_secs(2)).await;
    // Spin rather than await the feed: an idle runtime would move the paused clock on.
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while seen.len() < 2 {
        match live.try_recv() {
            Ok(LinkageChange::Call(call)) => seen.push((call.worker_id, call.status.as_str())),
            Ok(LinkageChange::Alert(_)) => {}
            Err(TryRecvError::Empty) => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "no timeout after 61 s: {seen:?}"
                );
                tokio::task::yield_now().await;
            }
            Err(other) => panic!("the live feed failed: {other}"),
        }
    }
    tokio::time::resume();

    assert!(
        early.is_err(),
        "nothing happens before the minute is up: {early:?}"
    );
    assert_eq!(seen, [(near, "timed_out"), (middle, "ringing")]);
    let calls = calls_of(&app, &alert).await;
    assert_eq!(ids(&calls, "worker_id"), [near, middle]);
    let (_, events) = get(&app, &format!("/api/alerts/{}/events", alert["id"])).await;
    let timed_out = &events["events"][2];
    assert_eq!(
        (&timed_out["kind"], &timed_out["actor"]),
        (&json!("timed_out"), &json!("system"))
    );
}

/// Many phones accepting one call at once: exactly one wins, one incident is filed.
#[tokio::test]
async fn concurrent_accepts_of_one_call_resolve_to_exactly_one_winner() {
    let (app, _db) = demo_router().await;
    let scene = a_camera(&app).await;
    three_available(&app, &scene).await;
    let alert = raise(&app, &scene).await;
    let (_, ringing) = call(&app, &alert, &json!({})).await;

    let answers =
        futures_util::future::join_all((0..8).map(|_| answer(&app, &ringing, "accept"))).await;

    let statuses: Vec<StatusCode> = answers.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT)
    );
    let (_, incidents) = get(&app, "/api/incidents?limit=100").await;
    let from_camera = incidents["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["source"] == "camera")
        .count();
    assert_eq!(from_camera, 1, "one incident for one accepted call");
}

/// The sweep every replica runs: a ringing call long past its expiry, whose timer died
/// with the replica that placed it, is timed out and passed on all the same.
#[tokio::test]
async fn the_sweep_times_out_a_call_whose_timer_was_lost() {
    let (app, linkage, _db) = demo_app().await;
    let scene = a_camera(&app).await;
    let [near, middle, _] = three_available(&app, &scene).await;
    let alert = raise(&app, &scene).await;
    call(&app, &alert, &json!({})).await;

    linkage.sweep(chrono::Utc::now()).await.unwrap();
    let before = calls_of(&app, &alert).await;
    linkage
        .sweep(chrono::Utc::now() + chrono::TimeDelta::minutes(2))
        .await
        .unwrap();
    let after = calls_of(&app, &alert).await;

    assert_eq!(before[0]["status"], "ringing", "not yet past its expiry");
    assert_eq!(ids(&after, "worker_id"), [near, middle]);
    let statuses: Vec<&str> = after
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["timed_out", "ringing"]);
}
