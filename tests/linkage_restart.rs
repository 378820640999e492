//! A service that dies while a call rings: the next service on the same database re-arms
//! the call's timer at start-up, so the call still times out and goes to the next
//! candidate. The first service runs in a runtime of its own, shut down with every timer
//! it had, as a killed process would be.
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
use std::time::{Duration, Instant};

/// How long a call rings in these services.
const TIMEOUT_SECS: u64 = 2;

fn config(url: &str) -> ServeConfig {
    ServeConfig {
        no_seed: false,
        demo_password: Some(common::DEMO_PASSWORD.into()),
        call_timeout_secs: TIMEOUT_SECS,
        ..ServeConfig::for_tests(url)
    }
}

/// Requests from the test's own thread, on a runtime apart from the services'.
struct Client {
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Client {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Self {
            runtime,
            http: reqwest::Client::new(),
        }
    }

    /// Sends a request and answers its JSON body, failing the test on any status but 2xx.
    /// Logs in as demo account `username`; answers the session cookie.
    fn log_in(&self, addr: SocketAddr, username: &str) -> String {
        self.runtime.block_on(common::log_in(addr, username))
    }

    /// Sends a request with the session `cookie`, from this site's origin as a page would.
    fn send(
        &self,
        addr: SocketAddr,
        cookie: &str,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Value {
        let url = format!("http://{addr}{path}");
        let mut request = self
            .http
            .request(method.parse().unwrap(), &url)
            .header("cookie", cookie)
            .header("origin", format!("http://{addr}"));
        if let Some(body) = body {
            request = request.json(body);
        }
        self.runtime.block_on(async {
            let response = request.send().await.unwrap();
            let status = response.status();
            let value: Value = response.json().await.unwrap_or(Value::Null);
            assert!(status.is_success(), "{method} {path}: {status} {value}");
            value
        })
    }
}

/// Starts a service on `url` in a runtime of its own; dropping the runtime kills it.
fn start(url: &str) -> (tokio::runtime::Runtime, SocketAddr) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let app = runtime.block_on(Application::build(&config(url))).unwrap();
    let addr = app.local_addr().unwrap();
    runtime.spawn(app.run_until_stopped());
    (runtime, addr)
}

/// Gives two workers a shift covering every hour and a fresh position east of `(lon, lat)`.
fn two_available(client: &Client, addr: SocketAddr, desk: &str, lon: f64, lat: f64) -> [i64; 2] {
    let workers = client.send(addr, desk, "GET", "/api/workers?on_duty=true", None);
    let ids = [0, 1].map(|i| workers[i]["id"].as_i64().unwrap());
    for (k, id) in ids.iter().enumerate() {
        let all_day = json!({ "shifts": [{ "weekdays": [1, 2, 3, 4, 5, 6, 7], "from": "00:00", "to": "00:00" }] });
        client.send(
            addr,
            desk,
            "PUT",
            &format!("/api/workers/{id}/shifts"),
            Some(&all_day),
        );
        let report = json!({
            "lon": lon + 0.001 * (k as f64 + 1.0), "lat": lat, "accuracy_m": 5.0,
            "at": chrono::Utc::now().to_rfc3339(),
        });
        let phone = client.log_in(addr, &format!("worker{id}"));
        client.send(
            addr,
            &phone,
            "POST",
            &format!("/api/workers/{id}/positions"),
            Some(&report),
        );
    }
    ids
}

#[test]
fn a_call_ringing_when_its_service_dies_still_times_out_under_the_next_one() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("restart.db").display());
    let client = Client::new();
    let (first, addr) = start(&url);
    let desk = client.log_in(addr, "dispatcher");
    let cameras = client.send(addr, &desk, "GET", "/api/cameras", None);
    let camera = &cameras["features"][0];
    let [lon, lat] = [0, 1].map(|i| camera["geometry"]["coordinates"][i].as_f64().unwrap());
    let [near, next] = two_available(&client, addr, &desk, lon, lat);
    let path = format!("/api/cameras/{}/alerts", camera["properties"]["id"]);
    let alert = client.send(addr, &desk, "POST", &path, Some(&json!({ "note": "烟雾" })));
    let calls = format!("/api/alerts/{}/calls", alert["id"]);
    let ringing = client.send(addr, &desk, "POST", &calls, Some(&json!({})));
    assert_eq!(ringing["worker_id"], near);

    first.shutdown_background();
    let (_second, addr) = start(&url);

    let listed = format!("/api/calls?alert_id={}", alert["id"]);
    // Sooner than the sweep of every replica would find it (5 s past its expiry).
    let deadline = Instant::now() + Duration::from_secs(TIMEOUT_SECS + 3);
    let calls = loop {
        let calls = client.send(addr, &desk, "GET", &listed, None)["calls"].clone();
        if calls.as_array().unwrap().len() == 2 || Instant::now() > deadline {
            break calls;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let seen: Vec<(i64, &str)> = calls
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["worker_id"].as_i64().unwrap(),
                c["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(seen, [(near, "timed_out"), (next, "ringing")], "{calls}");
}
