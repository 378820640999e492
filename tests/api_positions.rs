//! `POST /api/workers/{id}/positions` on the demo town: a committed report moves the worker
//! in the nearest-worker index, a refused one leaves it where it was, and bad reports get
//! a 4xx with the JSON error shape.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{TimeDelta, Utc};
use common::router::{demo_router, get, post_json_as, put_json, send, worker_token};
use serde_json::{Value, json};

/// Far from every demo worker, inside the valid range.
const FAR: (f64, f64) = (121.47, 31.23);
/// When the demo town's positions were reported.
const DEMO_TIME: &str = "2026-11-01T08:00:00+08:00";

/// The id of the first worker listed with `on_duty` as given, put on a shift covering
/// every hour so that a fresh position makes them available.
async fn a_worker(app: &Router, on_duty: bool) -> i64 {
    let (_, workers) = get(app, &format!("/api/workers?on_duty={on_duty}")).await;
    let id = workers[0]["id"].as_i64().expect("a worker id");
    let all_day = json!({
        "shifts": [{ "weekdays": [1, 2, 3, 4, 5, 6, 7], "from": "00:00", "to": "00:00" }]
    });
    let (status, body) = put_json(app, &format!("/api/workers/{id}/shifts"), &all_day).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    id
}

async fn nearest_to_far(app: &Router) -> Value {
    let (lon, lat) = FAR;
    let (status, body) = get(
        app,
        &format!("/api/workers/nearest?lon={lon}&lat={lat}&k=3"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn report(lon: f64, lat: f64, at: &str) -> Value {
    json!({ "lon": lon, "lat": lat, "accuracy_m": 8.5, "at": at })
}

fn now_plus(seconds: i64) -> String {
    (Utc::now() + TimeDelta::seconds(seconds)).to_rfc3339()
}

#[tokio::test]
async fn a_reported_position_makes_an_on_duty_worker_the_nearest_there() {
    let (app, _db) = demo_router().await;
    let id = a_worker(&app, true).await;
    let before = nearest_to_far(&app).await;
    assert_ne!(before["workers"][0]["id"], id, "{before}");

    let uri = format!("/api/workers/{id}/positions");
    let phone = worker_token(&app, id).await;
    let (status, moved) =
        post_json_as(&app, &phone, &uri, &report(FAR.0, FAR.1, &now_plus(0))).await;

    assert_eq!(status, StatusCode::OK, "{moved}");
    let (_, shown) = get(&app, &format!("/api/workers/{id}")).await;
    assert_eq!(moved, shown, "the answer is the worker as GET shows it");
    assert_eq!(moved["position"], json!({ "lon": FAR.0, "lat": FAR.1 }));
    let after = nearest_to_far(&app).await;
    assert_eq!(after["workers"][0]["id"], id, "{after}");
    assert_eq!(after["workers"][0]["distance_m"], 0.0);
}

#[tokio::test]
async fn a_stale_position_is_a_conflict_and_the_index_stays_as_it_was() {
    let (app, _db) = demo_router().await;
    let id = a_worker(&app, true).await;
    let before = nearest_to_far(&app).await;
    let (_, worker_before) = get(&app, &format!("/api/workers/{id}")).await;

    let uri = format!("/api/workers/{id}/positions");
    let phone = worker_token(&app, id).await;
    let stale = "2026-11-01T07:59:59+08:00";
    let (status, body) = post_json_as(&app, &phone, &uri, &report(FAR.0, FAR.1, stale)).await;

    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "conflict");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    for time in ["2026-10-31T23:59:59Z", "2026-11-01T00:00:00Z"] {
        assert!(message.contains(time), "{message:?} should name {time}");
    }
    assert_eq!(nearest_to_far(&app).await, before, "nearest unchanged");
    let (_, worker_after) = get(&app, &format!("/api/workers/{id}")).await;
    assert_eq!(worker_after, worker_before, "stored worker unchanged");
    let (status, _) = post_json_as(&app, &phone, &uri, &report(FAR.0, FAR.1, DEMO_TIME)).await;
    assert_eq!(status, StatusCode::CONFLICT, "the same time is not newer");
}

#[tokio::test]
async fn a_moved_off_duty_worker_is_stored_but_not_found_as_nearest() {
    let (app, _db) = demo_router().await;
    let id = a_worker(&app, false).await;
    let before = nearest_to_far(&app).await;

    let uri = format!("/api/workers/{id}/positions");
    let phone = worker_token(&app, id).await;
    let (status, moved) =
        post_json_as(&app, &phone, &uri, &report(FAR.0, FAR.1, &now_plus(0))).await;

    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["on_duty"], false);
    assert_eq!(nearest_to_far(&app).await, before);
}

#[tokio::test]
async fn a_time_within_a_minute_ahead_of_the_clock_is_accepted() {
    let (app, _db) = demo_router().await;
    let id = a_worker(&app, true).await;
    let uri = format!("/api/workers/{id}/positions");
    let phone = worker_token(&app, id).await;

    let (status, body) =
        post_json_as(&app, &phone, &uri, &report(119.65, 31.17, &now_plus(30))).await;

    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn bad_position_reports_get_a_4xx_with_a_json_error_that_names_the_field() {
    let (app, _db) = demo_router().await;
    let id = a_worker(&app, true).await;
    let uri = format!("/api/workers/{id}/positions");
    let phone = worker_token(&app, id).await;
    let good = |key: &str, value: Value| {
        let mut body = report(119.65, 31.17, &now_plus(0));
        body[key] = value;
        body
    };
    let mut missing = good("lon", json!(119.65));
    if let Some(fields) = missing.as_object_mut() {
        fields.remove("accuracy_m");
    }
    let cases = [
        (
            good("at", json!(now_plus(300))),
            400,
            "invalid_parameter",
            "future",
        ),
        (
            good("at", json!("yesterday")),
            400,
            "invalid_parameter",
            "at must",
        ),
        (
            good("at", json!("2026-11-23 08:00:00")),
            400,
            "invalid_parameter",
            "RFC 3339",
        ),
        (good("lat", json!(95)), 400, "invalid_coordinate", "lat 95"),
        (
            good("lon", json!(-181)),
            400,
            "invalid_coordinate",
            "lon -181",
        ),
        (
            good("accuracy_m", json!(-1)),
            400,
            "invalid_parameter",
            "accuracy_m",
        ),
        (
            good("accuracy_m", json!("5 m")),
            422,
            "invalid_body",
            "accuracy_m",
        ),
        (missing, 422, "invalid_body", "accuracy_m"),
        (good("at", json!(1_790_000_000)), 422, "invalid_body", "at"),
    ];
    for (body, status, code, mentions) in cases {
        let (got, answer) = post_json_as(&app, &phone, &uri, &body).await;
        assert_eq!(got.as_u16(), status, "{body}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{body}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(mentions),
            "{body}: {message:?} should mention {mentions:?}"
        );
    }
}

#[tokio::test]
async fn a_report_to_an_unknown_worker_or_a_bad_path_gets_a_4xx_with_a_json_error() {
    let (app, _db) = demo_router().await;
    let id = a_worker(&app, true).await;
    let uri = format!("/api/workers/{id}/positions");
    let phone = worker_token(&app, id).await;
    let valid = report(119.65, 31.17, &now_plus(0));
    let requests = [
        (
            "/api/workers/999999/positions",
            valid.to_string(),
            403,
            "forbidden",
            "only worker 999999",
        ),
        (
            "/api/workers/abc/positions",
            valid.to_string(),
            400,
            "invalid_path",
            "",
        ),
        (
            uri.as_str(),
            "{\"lon\": 119.65".to_owned(),
            400,
            "malformed_json",
            "",
        ),
    ];
    for (path, body, status, code, mentions) in requests {
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {phone}"))
            .body(Body::from(body))
            .expect("request");
        let (got, answer) = send(&app, request).await;
        assert_eq!(got.as_u16(), status, "{path}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{path}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(mentions), "{path}: {message:?}");
    }
    let wrong_method = Request::builder()
        .method(Method::GET)
        .uri(&uri)
        .body(Body::empty())
        .expect("request");
    let (got, answer) = send(&app, wrong_method).await;
    assert_eq!(got, StatusCode::METHOD_NOT_ALLOWED, "{answer}");
}
