//! The API in-process: a router over the demo town on SQLite, and request helpers that
//! go through it with `oneshot` and read the JSON answer.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gridlink::accounts::{Accounts, NewAccount};
use gridlink::config::ServeConfig;
use gridlink::linkage::Linkage;
use http_body_util::BodyExt;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

/// The password of every account the tests make.
pub const TEST_PASSWORD: &str = "test-password-1";

/// The demo town served in-process, with the parts tests reach behind the API.
pub struct DemoApp {
    /// The router as served: every request needs credentials.
    pub router: Router,
    /// The video linkage, for tests that drive its timers.
    pub linkage: Arc<Linkage>,
    /// The store.
    pub store: Arc<dyn gridlink::store::Store>,
    /// The accounts service.
    pub accounts: Arc<Accounts>,
    /// A token of `tester`, who holds every role on every grid.
    pub tester_token: String,
    /// Keeps the SQLite file.
    pub dir: tempfile::TempDir,
}

impl DemoApp {
    /// The router with `tester`'s token on every request that brings no credentials of
    /// its own: for tests of what the API does rather than who may do it.
    pub fn as_tester(&self) -> Router {
        let token = format!("Bearer {}", self.tester_token);
        self.router.clone().layer(axum::middleware::map_request(
            move |mut req: Request<Body>| {
                let token = token.clone();
                async move {
                    let headers = req.headers_mut();
                    if !headers.contains_key(header::AUTHORIZATION)
                        && !headers.contains_key(header::COOKIE)
                    {
                        headers.insert(header::AUTHORIZATION, token.parse().expect("header"));
                    }
                    req
                }
            },
        ))
    }
}

/// The demo town in a new SQLite file, with the account `tester`.
pub async fn demo() -> DemoApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("api.db").display());
    let store = gridlink::store::connect(&url).await.expect("sqlite store");
    gridlink::import::import_dataset(store.as_ref(), Path::new("geodata/taihua"))
        .await
        .expect("demo dataset");
    let (mirrors, _) = gridlink::mirrors::Mirrors::load(store.as_ref(), 1 << 24)
        .await
        .expect("index");
    let accounts = Arc::new(Accounts::load(Arc::clone(&store)).await.expect("roles"));
    let every_role = accounts
        .roles()
        .iter()
        .map(|r| (r.name.clone(), None))
        .collect();
    let now = chrono::Utc::now();
    let tester = accounts
        .create_user(
            NewAccount {
                username: "tester".into(),
                display_name: "测试员".into(),
                password: TEST_PASSWORD.into(),
                worker_id: None,
                department: None,
                grants: every_role,
            },
            now,
        )
        .await
        .expect("tester");
    let (tester_token, _) = accounts
        .create_token(tester.id, "tests", 1, now)
        .await
        .expect("token");
    let config = ServeConfig::for_tests(&url);
    let state =
        gridlink::app::state(&store, &mirrors, Arc::clone(&accounts), &config).expect("desk files");
    let linkage = Arc::clone(&state.linkage);
    DemoApp {
        router: gridlink::http::router(state, &config),
        linkage,
        store,
        accounts,
        tester_token,
        dir,
    }
}

/// A router over the demo town in a new SQLite file, signed in as `tester`; keep the
/// directory while it is used.
pub async fn demo_router() -> (Router, tempfile::TempDir) {
    let app = demo().await;
    (app.as_tester(), app.dir)
}

/// The same router, with the video linkage behind it for tests that drive its timers.
pub async fn demo_app() -> (Router, Arc<Linkage>, tempfile::TempDir) {
    let app = demo().await;
    (app.as_tester(), app.linkage, app.dir)
}

/// A token of the account of grid worker `id` (made on first use, `grid_worker` on
/// everything), made through the API as `tester`.
pub async fn worker_token(router: &Router, id: i64) -> String {
    let username = format!("worker{id}");
    let (status, user) = post_json(
        router,
        "/api/users",
        &serde_json::json!({
            "username": username, "password": TEST_PASSWORD, "worker_id": id,
            "grants": [{ "role": "grid_worker" }],
        }),
    )
    .await;
    let user_id = if status == StatusCode::CREATED {
        user["id"].clone()
    } else {
        let (_, users) = get(router, "/api/users").await;
        let found = users["users"].as_array().and_then(|all| {
            all.iter()
                .find(|u| u["username"] == username.as_str())
                .cloned()
        });
        found.expect("worker account")["id"].clone()
    };
    let (status, token) = post_json(
        router,
        &format!("/api/users/{user_id}/tokens"),
        &serde_json::json!({ "label": "phone" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "token: {token}");
    token["token"].as_str().expect("token").to_owned()
}

/// Sends a request with `token` as its bearer.
pub async fn send_as(
    router: &Router,
    token: &str,
    mut request: Request<Body>,
) -> (StatusCode, Value) {
    request.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("header"),
    );
    send(router, request).await
}

/// A POST with a JSON body, with `token` as its bearer.
pub async fn post_json_as(
    router: &Router,
    token: &str,
    uri: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    send_as(router, token, request).await
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
    let token = worker_token(router, id).await;
    let (status, body) = post_json_as(router, &token, &uri, &report).await;
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
