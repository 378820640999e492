//! The API in-process: a router over the demo town on SQLite, and request helpers that
//! go through it with `oneshot` and read the JSON answer.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gridlink::config::ServeConfig;
use gridlink::linkage::Linkage;
use http_body_util::BodyExt;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

/// A router over the demo town in a new SQLite file; keep the directory while it is used.
pub async fn demo_router() -> (Router, tempfile::TempDir) {
    let (router, _, dir) = demo_app().await;
    (router, dir)
}

/// The same router, with the video linkage behind it for tests that drive its timers.
pub async fn demo_app() -> (Router, Arc<Linkage>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("api.db").display());
    let store = gridlink::store::connect(&url).await.expect("sqlite store");
    gridlink::import::import_dataset(store.as_ref(), Path::new("geodata/taihua"))
        .await
        .expect("demo dataset");
    let (mirrors, _) = gridlink::mirrors::Mirrors::load(store.as_ref(), 1 << 24)
        .await
        .expect("index");
    let config = ServeConfig::for_tests(&url);
    let state = gridlink::app::state(&store, &mirrors, &config).expect("desk files");
    let linkage = Arc::clone(&state.linkage);
    (gridlink::http::router(state, &config), linkage, dir)
}

/// Sends a request through the router; the body is `null` when it is not JSON.
pub async fn send(router: &Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, body)
}

/// A GET request.
pub async fn get(router: &Router, uri: &str) -> (StatusCode, Value) {
    send(
        router,
        Request::get(uri).body(Body::empty()).expect("request"),
    )
    .await
}

/// A POST request with a JSON body.
pub async fn post_json(router: &Router, uri: &str, body: &Value) -> (StatusCode, Value) {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    send(router, request).await
}

/// A POST request with a `multipart/form-data` body of `(field, file name, content type,
/// bytes)` parts.
pub async fn post_multipart(
    router: &Router,
    uri: &str,
    parts: &[(&str, &str, &str, &[u8])],
) -> (StatusCode, Value) {
    const BOUNDARY: &str = "gridlink-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, file, content_type, bytes) in parts {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"{file}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let request = Request::post(uri)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .expect("request");
    send(router, request).await
}

/// A POST request with a form-encoded body, already encoded.
pub async fn post_form(router: &Router, uri: &str, body: &str) -> (StatusCode, Value) {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("request");
    send(router, request).await
}

/// A GET request answered with its status, content type and raw bytes.
pub async fn get_bytes(router: &Router, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let request = Request::get(uri).body(Body::empty()).expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, content_type, bytes.to_vec())
}

/// A PUT request with a JSON body.
pub async fn put_json(router: &Router, uri: &str, body: &Value) -> (StatusCode, Value) {
    let request = Request::put(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    send(router, request).await
}

/// Makes worker `id` available at `(lon, lat)`: a shift covering every hour, and a
/// position reported now.
pub async fn make_available(router: &Router, id: i64, lon: f64, lat: f64) {
    let all_day = serde_json::json!({
        "shifts": [{ "weekdays": [1, 2, 3, 4, 5, 6, 7], "from": "00:00", "to": "00:00" }]
    });
    let (status, body) = put_json(router, &format!("/api/workers/{id}/shifts"), &all_day).await;
    assert_eq!(status, StatusCode::OK, "shifts of worker {id}: {body}");
    let report = serde_json::json!({
        "lon": lon, "lat": lat, "accuracy_m": 5.0, "at": chrono::Utc::now().to_rfc3339(),
    });
    let uri = format!("/api/workers/{id}/positions");
    let (status, body) = post_json(router, &uri, &report).await;
    assert_eq!(status, StatusCode::OK, "position of worker {id}: {body}");
    assert_eq!(body["available"], true, "worker {id} is available: {body}");
}

/// One bad request and what must come back: the status, the error code, and a word the
/// message must contain.
pub type ErrorCase<'a> = (Request<Body>, StatusCode, &'a str, &'a str);

/// Sends each request and checks that it gets its status and the JSON error shape with
/// its code and a message naming the problem.
pub async fn assert_errors(router: &Router, cases: Vec<ErrorCase<'_>>) {
    for (request, status, code, mentions) in cases {
        let what = format!("{} {}", request.method(), request.uri());
        let (got_status, body) = send(router, request).await;
        assert_eq!(got_status, status, "{what}: {body}");
        assert_eq!(body["error"]["code"], code, "{what}: {body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(mentions),
            "{what}: {message:?} should mention {mentions:?}"
        );
    }
}
