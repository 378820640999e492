//! Two replicas on one PostGIS database: a call placed through one rings on a phone
//! connected to the other, and a call accepted through one is noticed on scene by the
//! other as the worker's position reaches it there (PostgreSQL `LISTEN`/`NOTIFY`).
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail the test on purpose"
)]

mod common;

use gridlink::app::Application;
use gridlink::config::ServeConfig;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::time::Instant;

/// How long a change may take to reach the other replica before the test fails.
const PATIENCE: Duration = Duration::from_secs(10);

async fn replica(url: &str) -> SocketAddr {
    let config = ServeConfig {
        no_seed: false,
        demo_password: Some(common::DEMO_PASSWORD.into()),
        ..ServeConfig::for_tests(url)
    };
    let app = Application::build(&config).await.expect("a replica starts");
    let addr = app.local_addr().expect("bound");
    tokio::spawn(app.run_until_stopped());
    addr
}

/// Sends a request with the session `cookie` (and this site's origin, as a page would).
async fn send(
    addr: SocketAddr,
    cookie: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let client = reqwest::Client::new();
    let mut request = client
        .request(method.parse().unwrap(), format!("http://{addr}{path}"))
        .header("cookie", cookie)
        .header("origin", format!("http://{addr}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let value: Value = response.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{method} {path}: {status} {value}");
    value
}

/// Makes worker `id` available at `(lon, lat)` through `addr`: the dispatcher (signed in
/// as `desk`) gives a shift, the worker (`phone`) reports a position.
async fn make_available(addr: SocketAddr, desk: &str, phone: &str, id: i64, lon: f64, lat: f64) {
    let all_day = json!({ "shifts": [{ "weekdays": [1, 2, 3, 4, 5, 6, 7], "from": "00:00", "to": "00:00" }] });
    send(
        addr,
        desk,
        "PUT",
        &format!("/api/workers/{id}/shifts"),
        Some(all_day),
    )
    .await;
    report(addr, phone, id, lon, lat).await;
}

async fn report(addr: SocketAddr, phone: &str, id: i64, lon: f64, lat: f64) {
    let body =
        json!({ "lon": lon, "lat": lat, "accuracy_m": 5.0, "at": chrono::Utc::now().to_rfc3339() });
    send(
        addr,
        phone,
        "POST",
        &format!("/api/workers/{id}/positions"),
        Some(body),
    )
    .await;
}

/// Reads the live feed at `addr` until an event named `name` whose data `wanted`
/// accepts arrives; fails after [`PATIENCE`].
async fn expect_event(
    feed: &mut reqwest::Response,
    buffer: &mut String,
    name: &str,
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            let kind = event.lines().find_map(|l| l.strip_prefix("event: "));
            let data = event.lines().find_map(|l| l.strip_prefix("data: "));
            if let (Some(kind), Some(data)) = (kind, data) {
                let data: Value = serde_json::from_str(data).unwrap();
                if kind == name && wanted(&data) {
                    return data;
                }
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let chunk = tokio::time::timeout(left, feed.chunk())
            .await
            .unwrap_or_else(|_| panic!("no {name} event within {PATIENCE:?}"))
            .unwrap()
            .expect("the feed stays open");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn a_call_placed_on_one_replica_rings_and_arrives_on_the_other() {
    let url = common::postgres_schema_url().await;
    let a = replica(&url).await;
    let b = replica(&url).await;
    let desk = common::log_in(a, "dispatcher").await;
    let cameras = send(a, &desk, "GET", "/api/cameras", None).await;
    let camera = &cameras["features"][0];
    let [lon, lat] = [0, 1].map(|i| camera["geometry"]["coordinates"][i].as_f64().unwrap());
    let workers = send(a, &desk, "GET", "/api/workers?on_duty=true", None).await;
    let worker = workers[0]["id"].as_i64().unwrap();
    // The worker signs in on replica B; the session holds on A as well.
    let own = common::log_in(b, &format!("worker{worker}")).await;
    make_available(a, &desk, &own, worker, lon + 0.002, lat).await;
    // The phone listens on replica B.
    let mut phone = reqwest::Client::new()
        .get(format!("http://{b}/api/linkage/live?worker_id={worker}"))
        .header("cookie", &own)
        .send()
        .await
        .unwrap();
    let mut buffer = String::new();

    let path = format!("/api/cameras/{}/alerts", camera["properties"]["id"]);
    let alert = send(
        a,
        &desk,
        "POST",
        &path,
        Some(json!({ "note": "有人翻越围栏" })),
    )
    .await;
    let calls = format!("/api/alerts/{}/calls", alert["id"]);
    let placed = send(
        a,
        &desk,
        "POST",
        &calls,
        Some(json!({ "worker_id": worker })),
    )
    .await;
    let rang = expect_event(&mut phone, &mut buffer, "call", |c| {
        c["status"] == "ringing"
    })
    .await;
    send(
        b,
        &own,
        "POST",
        &format!("/api/calls/{}/accept", placed["id"]),
        Some(json!({})),
    )
    .await;
    expect_event(&mut phone, &mut buffer, "call", |c| {
        c["status"] == "accepted"
    })
    .await;
    // Replica A hears of the accept and so notices the arrival reported to it, sooner
    // than its sweep of accepted calls (every 5 s) would have told it.
    let call = format!("/api/calls/{}", placed["id"]);
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut step = 0.0;
    let arrived = loop {
        step += 1e-6;
        report(a, &own, worker, lon + step, lat).await;
        let now = send(a, &desk, "GET", &call, None).await;
        if now["status"] == "on_scene" || Instant::now() > deadline {
            break now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    assert_eq!(
        rang["id"], placed["id"],
        "the phone on B hears the call placed on A"
    );
    assert_eq!(rang["camera"]["id"], camera["properties"]["id"]);
    assert_eq!(
        arrived["status"], "on_scene",
        "A noticed the arrival: {arrived}"
    );
}
