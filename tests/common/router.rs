//! The API in-process: a router over the demo town on SQLite, and request helpers that
//! go through it with `oneshot` and read the JSON answer.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gridlink::config::ServeConfig;
use http_body_util::BodyExt;
use serde_json::Value;
use std::path::Path;
use tower::ServiceExt;

/// A router over the demo town in a new SQLite file; keep the directory while it is used.
pub async fn demo_router() -> (Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("api.db").display());
    let store = gridlink::store::connect(&url).await.expect("sqlite store");
    gridlink::import::import_dataset(store.as_ref(), Path::new("geodata/taihua"))
        .await
        .expect("demo dataset");
    let (mirrors, _) = gridlink::app::load_mirrors(store.as_ref(), 1 << 24)
        .await
        .expect("index");
    let config = ServeConfig::for_tests(&url);
    let desk = gridlink::incidents::Desk::from_config(&config).expect("desk files");
    let state = gridlink::http::AppState::new(store, mirrors, std::sync::Arc::new(desk), &config);
    (gridlink::http::router(state, &config), dir)
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
