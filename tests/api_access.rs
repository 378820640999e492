//! Who may call what: every route the router serves, walked from its own table, answers
//! 401 without credentials (but the few public ones) and 403 to each role whose
//! permissions do not cover it, and lets through each role whose permissions do.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::router::{DemoApp, demo, send};
use gridlink::accounts::NewAccount;
use gridlink::config::ServeConfig;
use gridlink::http::{Access, RouteSpec, route_table};
use serde_json::Value;
use std::collections::BTreeSet;

/// The routes anyone may call.
const PUBLIC: [(&str, &str); 3] = [
    ("POST", "/api/session"),
    ("GET", "/healthz"),
    ("GET", "/open311/v2/services.json"),
];

/// A concrete path for a route's template: every parameter a plausible value.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment {
            "{name}" => "1.png",
            "{file}" => "1.json",
            "{layer}" => "grids",
            s if s.starts_with('{') => "1",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn request(route: &RouteSpec, token: Option<&str>) -> Request<Body> {
    let mut builder = Request::builder()
        .method(route.method.clone())
        .uri(concrete(&route.path));
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if route.method == Method::GET {
        builder.body(Body::empty()).expect("request")
    } else {
        builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .expect("request")
    }
}

/// An account holding `role` on every grid, and its token.
async fn account(app: &DemoApp, role: &str) -> String {
    let now = chrono::Utc::now();
    let user = app
        .accounts
        .create_user(
            NewAccount {
                username: format!("only-{role}"),
                display_name: String::new(),
                password: common::router::TEST_PASSWORD.into(),
                worker_id: None,
                department: None,
                grants: vec![(role.to_owned(), None)],
            },
            now,
        )
        .await
        .expect("account");
    let (token, _) = app
        .accounts
        .create_token(user.id, "matrix", 1, now)
        .await
        .expect("token");
    token
}

/// Sends a request and reads its status, and its body when it is JSON: a live feed
/// (`text/event-stream`) never ends, so its body is left unread.
async fn answer(router: &Router, request: Request<Body>) -> (StatusCode, Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    if !json {
        return (status, Value::Null);
    }
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn guard_refused(status: StatusCode, body: &Value) -> bool {
    status == StatusCode::FORBIDDEN
        && body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("needs the permission"))
}

#[tokio::test]
async fn every_route_states_what_it_needs_and_only_the_public_ones_need_nothing() {
    let table = route_table(&ServeConfig::for_tests("sqlite::memory:"));
    let public: BTreeSet<(String, String)> = table
        .iter()
        .filter(|r| r.access == Access::Public)
        .map(|r| (r.method.to_string(), r.path.clone()))
        .collect();
    let expected: BTreeSet<(String, String)> = PUBLIC
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(public, expected);
    assert!(
        table.len() > 60,
        "the whole API is in the table: {}",
        table.len()
    );

    let app = demo().await;
    for route in &table {
        let (status, body) = answer(&app.router, request(route, None)).await;
        let what = format!("{} {}", route.method, route.path);
        if route.access == Access::Public {
            assert_ne!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
            assert_eq!(body["error"]["code"], "unauthenticated", "{what}");
        }
    }
}

#[tokio::test]
async fn each_role_passes_the_routes_its_permissions_cover_and_no_other() {
    let app = demo().await;
    let table = route_table(&ServeConfig::for_tests("sqlite::memory:"));
    let roles: Vec<_> = app.accounts.roles().iter().cloned().collect();
    assert!(roles.len() >= 8, "the issue's eight roles at least");
    for role in &roles {
        let token = account(&app, &role.name).await;
        for route in &table {
            let what = format!("{} as {} {}", role.name, route.method, route.path);
            let allowed = match route.access {
                Access::Public | Access::SignedIn => true,
                access => access
                    .permissions()
                    .iter()
                    .any(|p| role.permissions.contains(p)),
            };
            let (status, body) = answer(&app.router, request(route, Some(&token))).await;
            assert_ne!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
            assert_eq!(
                guard_refused(status, &body),
                !allowed,
                "{what}: {status} {body}"
            );
        }
    }
}

/// A village dispatcher's token, granted on `village` only.
async fn village_dispatcher(app: &DemoApp, village: &str) -> String {
    let now = chrono::Utc::now();
    let code = gridlink::domain::GridCode::parse(village).expect("code");
    let user = app
        .accounts
        .create_user(
            NewAccount {
                username: format!("dispatcher-{village}"),
                display_name: String::new(),
                password: common::router::TEST_PASSWORD.into(),
                worker_id: None,
                department: None,
                grants: vec![("dispatcher".into(), Some(code))],
            },
            now,
        )
        .await
        .expect("account");
    let (token, _) = app
        .accounts
        .create_token(user.id, "scope", 1, now)
        .await
        .expect("token");
    token
}

async fn get_as(router: &Router, token: &str, uri: &str) -> (StatusCode, Value) {
    let request = Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    send(router, request).await
}

#[tokio::test]
async fn a_village_dispatcher_lists_only_their_village_and_is_refused_the_rest() {
    let app = demo().await;
    let tester = app.as_tester();
    // An incident in each of two villages, filed by the town.
    let classes: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string("geodata/categories.json").expect("categories.json"),
    )
    .expect("JSON");
    let category = classes[0]["sub_categories"][0]["code"].clone();
    let (_, grids) = common::router::get(&tester, "/api/grids?level=4").await;
    let mut filed: Vec<(String, Value)> = Vec::new();
    for feature in grids["features"].as_array().expect("micro-grids") {
        let ring = &feature["geometry"]["coordinates"][0][0];
        let (lon, lat) = (
            ring[0][0].as_f64().expect("lon"),
            ring[0][1].as_f64().expect("lat"),
        );
        let (lon, lat) = (
            f64::midpoint(lon, ring[2][0].as_f64().expect("lon")),
            f64::midpoint(lat, ring[2][1].as_f64().expect("lat")),
        );
        let (_, located) =
            common::router::get(&tester, &format!("/api/locate?lon={lon}&lat={lat}")).await;
        let Some(village) = located["chain"][1]["code"].as_str() else {
            continue;
        };
        if filed.iter().any(|(code, _)| code == village) {
            continue;
        }
        let body = serde_json::json!({
            "category": category, "lon": lon, "lat": lat, "description": "占道经营",
            "source": "hotline_12345",
        });
        let (status, incident) = common::router::post_json(&tester, "/api/incidents", &body).await;
        assert_eq!(status, StatusCode::CREATED, "{incident}");
        filed.push((village.to_owned(), incident));
        if filed.len() == 2 {
            break;
        }
    }
    let (own_code, own) = &filed[0];
    let (_, other) = &filed[1];
    let token = village_dispatcher(&app, own_code).await;

    let (status, listed) = get_as(&app.router, &token, "/api/incidents").await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let ids: Vec<&Value> = listed["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert!(ids.contains(&&own["id"]), "their own village's incident");
    assert!(!ids.contains(&&other["id"]), "not the other village's");
    let (status, _) = get_as(
        &app.router,
        &token,
        &format!("/api/incidents/{}", own["id"]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = get_as(
        &app.router,
        &token,
        &format!("/api/incidents/{}", other["id"]),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let (_, workers) = get_as(&app.router, &token, "/api/workers").await;
    let (_, all_workers) = common::router::get(&tester, "/api/workers").await;
    let count = |v: &Value| v.as_array().map_or(0, Vec::len);
    assert!(count(&workers) > 0, "{workers}");
    assert!(
        count(&workers) < count(&all_workers),
        "fewer than the town's"
    );
}
