//! Start-up: the demo town is seeded once, whole, even when several replicas start
//! together on one empty database; and the request time limit answers in JSON.

mod common;

use gridlink::app::Application;
use gridlink::config::ServeConfig;
use gridlink::domain::GridScope;
use gridlink::store::GridFilter;

async fn replicas_starting_together_seed_the_database_once(url: &str) {
    let config = ServeConfig {
        no_seed: false,
        ..ServeConfig::for_tests(url)
    };

    let (a, b, c) = tokio::join!(
        Application::build(&config),
        Application::build(&config),
        Application::build(&config),
    );

    for (replica, started) in [("a", a), ("b", b), ("c", c)] {
        assert!(
            started.is_ok(),
            "replica {replica} failed to start: {:?}",
            started.err()
        );
    }
    let store = gridlink::store::connect(url).await.expect("store");
    assert_eq!(store.levels().await.expect("levels").len(), 4);
    assert_eq!(
        store
            .grids(&GridScope::All, GridFilter::default())
            .await
            .expect("grids")
            .len(),
        125
    );
    assert_eq!(
        store
            .cameras(&GridScope::All, None)
            .await
            .expect("cameras")
            .len(),
        472
    );
    assert_eq!(
        store.workers(&GridScope::All).await.expect("workers").len(),
        465
    );
}

// Replicas are a PostGIS deployment: the embedded SQLite store serves one process (its
// migrations take no cross-process lock), so the race is tested where it can happen.
#[tokio::test]
async fn postgis_replicas_starting_together_seed_the_database_once() {
    let url = common::postgres_schema_url().await;
    replicas_starting_together_seed_the_database_once(&url).await;
}

#[tokio::test]
async fn a_request_over_the_time_limit_gets_503_in_the_json_error_shape() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("slow.db").display());
    let config = ServeConfig {
        request_timeout_secs: 1,
        ..ServeConfig::for_tests(&url)
    };
    let app = Application::build(&config).await.expect("service starts");
    let addr = app.local_addr().expect("bound");
    tokio::spawn(app.run_until_stopped());

    // A client that announces a body and then stalls, so the handler waits on it (the
    // log-in route, as it reads a body without credentials).
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = "POST /api/session HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
                Content-Length: 100\r\nConnection: close\r\n\r\n{\"username\":";
    stream.write_all(head.as_bytes()).await.expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");

    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains(r#"{"error":{"code":"timeout""#), "{answer}");
}
