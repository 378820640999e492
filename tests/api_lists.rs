//! One page-size rule for every list that pages: `limit` absent takes the list's default,
//! inside the range it is honoured, outside it is a 400 that names the range.

mod common;

use axum::http::StatusCode;
use common::router::{demo_router, get};

/// Each paged list, with a query that selects it and its largest accepted `limit`.
const LISTS: [(&str, u32); 3] = [
    ("/api/incidents?", 500),
    ("/api/alerts?", 200),
    ("/api/search?q=320282102&", 50),
];

#[tokio::test]
async fn a_limit_outside_a_lists_range_is_a_400_naming_the_range() {
    let (app, _db) = demo_router().await;
    for (list, max) in LISTS {
        for limit in [0, max + 1, 1_000_000] {
            let uri = format!("{list}limit={limit}");
            let (status, body) = get(&app, &uri).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
            assert_eq!(body["error"]["code"], "invalid_parameter", "{uri}: {body}");
            let message = body["error"]["message"].as_str().unwrap_or_default();
            assert!(
                message.contains(&format!("1 to {max}")),
                "{uri}: the message names the range: {message}"
            );
        }
    }
}

#[tokio::test]
async fn a_limit_inside_a_lists_range_is_honoured() {
    let (app, _db) = demo_router().await;
    for (list, max) in LISTS {
        for limit in [1, max] {
            let uri = format!("{list}limit={limit}");
            let (status, body) = get(&app, &uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        }
    }
    // The search finds more than one grid under the town's code, so a limit of 1 cuts.
    let (_, all) = get(&app, "/api/search?q=320282102&limit=50").await;
    let (_, one) = get(&app, "/api/search?q=320282102&limit=1").await;
    let count = |body: &serde_json::Value| body["grids"].as_array().map_or(0, Vec::len);
    assert!(
        count(&all) > 1,
        "the town's code prefixes many grids: {all}"
    );
    assert_eq!(count(&one), 1, "limit=1 answers one grid");
}
