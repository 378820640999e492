//! Signing in over the API: cookies and their CSRF rule, tokens and their revocation, who
//! a change is recorded as (never what the body claims), identity-bound routes, and the
//! audit rows each mutation leaves.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::router::{TEST_PASSWORD, demo, get, post_json, send};
use serde_json::{Value, json};

/// Logs in through the router; answers the `Cookie` header to send.
async fn cookie_of(router: &Router, username: &str) -> String {
    let request = Request::post("/api/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "username": username, "password": TEST_PASSWORD }).to_string(),
        ))
        .expect("request");
    let response = tower::ServiceExt::oneshot(router.clone(), request)
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    let set = response.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    set.split(';').next().expect("cookie").to_owned()
}

fn with_cookie(
    method: &str,
    uri: &str,
    cookie: &str,
    origin: Option<&str>,
    body: &Value,
) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "gridlink.test")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(origin) = origin {
        builder = builder.header(header::ORIGIN, origin);
    }
    builder.body(Body::from(body.to_string())).expect("request")
}

/// A report at the first camera's place.
async fn a_report(tester: &Router) -> Value {
    let (_, cameras) = get(tester, "/api/cameras").await;
    let point = &cameras["features"][0]["geometry"]["coordinates"];
    let classes: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string("geodata/categories.json").expect("categories"),
    )
    .expect("JSON");
    json!({
        "category": classes[0]["sub_categories"][0]["code"], "lon": point[0], "lat": point[1],
        "description": "垃圾堆放", "source": "hotline_12345", "reporter": "13900000000",
    })
}

#[tokio::test]
async fn a_cookie_session_reads_and_changes_only_from_its_own_origin() {
    let app = demo().await;
    let tester = app.as_tester();
    let (status, _) = post_json(
        &tester,
        "/api/users",
        &json!({ "username": "desk", "password": TEST_PASSWORD,
                 "grants": [{ "role": "dispatcher" }] }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let cookie = cookie_of(&app.router, "desk").await;
    let report = a_report(&tester).await;

    let (status, me) = send(
        &app.router,
        with_cookie("GET", "/api/me", &cookie, None, &Value::Null),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["username"], "desk");
    assert!(
        me["user"]["permissions"]
            .as_array()
            .expect("permissions")
            .contains(&json!("incidents.dispatch"))
    );
    for origin in [None, Some("http://evil.test")] {
        let (status, body) = send(
            &app.router,
            with_cookie("POST", "/api/incidents", &cookie, origin, &report),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "from {origin:?}: {body}");
    }
    let (status, filed) = send(
        &app.router,
        with_cookie(
            "POST",
            "/api/incidents",
            &cookie,
            Some("http://gridlink.test"),
            &report,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let (_, events) = get(&tester, &format!("/api/incidents/{}/events", filed["id"])).await;
    assert_eq!(
        events["events"][0]["actor"], "desk",
        "the session names the actor"
    );

    let (status, _) = send(
        &app.router,
        with_cookie(
            "DELETE",
            "/api/session",
            &cookie,
            Some("http://gridlink.test"),
            &Value::Null,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = send(
        &app.router,
        with_cookie("GET", "/api/me", &cookie, None, &Value::Null),
    )
    .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::UNAUTHORIZED, &json!("unauthenticated"))
    );
}

#[tokio::test]
async fn who_acted_comes_from_the_caller_and_a_body_claiming_it_is_refused() {
    let app = demo().await;
    let tester = app.as_tester();
    let (status, filed) = post_json(&tester, "/api/incidents", &a_report(&tester).await).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let uri = format!("/api/incidents/{}/transitions", filed["id"]);

    let (status, body) = post_json(
        &tester,
        &uri,
        &json!({ "action": "accept", "actor": "someone else" }),
    )
    .await;
    assert!(status.is_client_error(), "{status} {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("actor")
    );
    let (status, body) = post_json(&tester, &uri, &json!({ "action": "accept" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, events) = get(&tester, &format!("/api/incidents/{}/events", filed["id"])).await;
    let actors: Vec<&Value> = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| &e["actor"])
        .collect();
    assert_eq!(actors, [&json!("tester"), &json!("tester")]);
    assert_eq!(
        events["events"][1]["actor_name"], "测试员",
        "the display name beside it"
    );

    // The step is in the audit trail with the status before and after.
    let (_, trail) = get(
        &tester,
        &format!("/api/audit?object_type=incident&object_id={}", filed["id"]),
    )
    .await;
    let entry = &trail["entries"][0];
    assert_eq!(entry["action"], "accept", "{trail}");
    assert_eq!(entry["username"], "tester");
    assert_eq!(entry["before"]["status"], "reported");
    assert_eq!(entry["after"]["status"], "accepted");
    assert_eq!(entry["route"], "/api/incidents/{id}/transitions");
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_once_and_a_worker_acts_only_as_themselves() {
    let app = demo().await;
    let tester = app.as_tester();
    let (_, workers) = get(&tester, "/api/workers").await;
    let ids: Vec<i64> = workers
        .as_array()
        .expect("workers")
        .iter()
        .take(2)
        .map(|w| w["id"].as_i64().expect("id"))
        .collect();
    let phone = common::router::worker_token(&tester, ids[0]).await;
    let position = json!({ "lon": 119.65, "lat": 31.17, "accuracy_m": 5.0, "at": chrono::Utc::now().to_rfc3339() });

    let (status, body) = common::router::post_json_as(
        &tester,
        &phone,
        &format!("/api/workers/{}/positions", ids[1]),
        &position,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "another worker's position: {body}"
    );
    let (status, body) = common::router::post_json_as(
        &tester,
        &phone,
        &format!("/api/workers/{}/positions", ids[0]),
        &position,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "their own: {body}");

    let (_, users) = get(&tester, "/api/users").await;
    let user = users["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["worker_id"] == ids[0])
        .expect("the worker's account")
        .clone();
    let (_, tokens) = get(&tester, &format!("/api/users/{}/tokens", user["id"])).await;
    let token_id = &tokens["tokens"][0]["id"];
    let request = Request::delete(format!("/api/tokens/{token_id}"))
        .body(Body::empty())
        .expect("request");
    let (status, _) = send(&tester, request).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = common::router::post_json_as(
        &tester,
        &phone,
        &format!("/api/workers/{}/positions", ids[0]),
        &position,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "revoked: {body}");
}

#[tokio::test]
async fn a_leader_reads_but_is_refused_every_change_and_the_reporters_contact() {
    let app = demo().await;
    let tester = app.as_tester();
    let (status, _) = post_json(
        &tester,
        "/api/users",
        &json!({ "username": "boss", "password": TEST_PASSWORD, "grants": [{ "role": "leader" }] }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, filed) = post_json(&tester, "/api/incidents", &a_report(&tester).await).await;
    assert_eq!(
        filed["reporter"], "13900000000",
        "the dispatcher sees the contact"
    );
    let cookie = cookie_of(&app.router, "boss").await;
    let origin = Some("http://gridlink.test");

    let uri = format!("/api/incidents/{}", filed["id"]);
    let (status, seen) = send(
        &app.router,
        with_cookie("GET", &uri, &cookie, None, &Value::Null),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["reporter"], "", "no contact for a leader");
    let step = with_cookie(
        "POST",
        &format!("{uri}/transitions"),
        &cookie,
        origin,
        &json!({ "action": "accept" }),
    );
    let (status, body) = send(&app.router, step).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::FORBIDDEN, &json!("forbidden"))
    );
    let (status, _) = send(
        &app.router,
        with_cookie("GET", "/api/stats", &cookie, None, &Value::Null),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}
