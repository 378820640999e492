//! What the web map asks of the API on the demo town: where to open, search, and who
//! answers for a grid.

mod common;

use axum::http::StatusCode;
use common::router::{demo_router, get};
use serde_json::Value;

/// The chain of the point the other tests use: town, village, grid, micro-grid codes.
const MICRO_GRID: &str = "320282102202001004";

#[tokio::test]
async fn the_map_opens_on_the_town_with_its_levels() {
    let (app, _db) = demo_router().await;
    let (status, map) = get(&app, "/api/map").await;
    assert_eq!(status, StatusCode::OK);
    let bounds: Vec<f64> = serde_json::from_value(map["bounds"].clone()).expect("bounds");
    let [w, s, e, n] = bounds[..] else {
        panic!("four numbers: {bounds:?}")
    };
    assert!(
        w < 119.65 && 119.65 < e && s < 31.17 && 31.17 < n,
        "{bounds:?}"
    );
    let center: Vec<f64> = serde_json::from_value(map["center"].clone()).expect("center");
    assert!((center[0] - f64::midpoint(w, e)).abs() < 1e-9);
    let zoom = map["zoom"].as_u64().expect("zoom");
    assert!(
        (10..=14).contains(&zoom),
        "a town of about 13 km fits at zoom {zoom}"
    );
    assert_eq!(map["levels"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        map["basemap"],
        Value::Null,
        "no basemap unless one is configured"
    );
    let breaks: Vec<f64> =
        serde_json::from_value(map["density_breaks"].clone()).expect("density_breaks");
    assert!(
        !breaks.is_empty() && breaks.windows(2).all(|w| w[0] < w[1]),
        "the legend's density classes: {breaks:?}"
    );
}

#[tokio::test]
async fn search_finds_grids_by_code_prefix_and_name_and_cameras_by_code() {
    let (app, _db) = demo_router().await;

    let (status, by_code) = get(&app, &format!("/api/search?q={MICRO_GRID}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        by_code["grids"][0]["code"], MICRO_GRID,
        "the exact code comes first"
    );
    assert_eq!(
        by_code["grids"][0]["bbox"].as_array().map(Vec::len),
        Some(4)
    );

    let (_, by_name) = get(&app, "/api/search?q=%E8%8C%82%E8%8A%B1%E6%9D%91&limit=50").await; // 茂花村
    let grids = by_name["grids"].as_array().expect("grids");
    assert_eq!(
        grids[0]["code"], "320282102202",
        "the village before its grids"
    );
    assert!(
        grids
            .iter()
            .all(|g| g["name"].as_str().unwrap_or("").contains("茂花村"))
    );

    let (_, cameras) = get(&app, "/api/cameras").await;
    let code = cameras["features"][7]["properties"]["code"]
        .as_str()
        .expect("a camera code")
        .to_owned();
    let (_, found) = get(&app, &format!("/api/search?q={code}")).await;
    assert_eq!(found["cameras"][0]["code"], code.as_str());
    assert!(found["cameras"][0]["lon"].is_f64() && found["cameras"][0]["lat"].is_f64());

    for bad in [
        "/api/search",
        "/api/search?q=",
        "/api/search?q=a&limit=0",
        "/api/search?q=a&limit=51",
    ] {
        let (status, body) = get(&app, bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(body["error"]["code"].is_string(), "{bad}: {body}");
    }
}

#[tokio::test]
async fn the_workers_responsible_for_a_micro_grid_run_from_its_liaison_up_to_the_town() {
    let (app, _db) = demo_router().await;
    let (_, located) = get(&app, "/api/locate?lon=119.65&lat=31.17").await;
    let micro = located["chain"][3]["id"].as_i64().expect("micro-grid id");

    let (status, body) = get(&app, &format!("/api/grids/{micro}/responsible")).await;

    assert_eq!(status, StatusCode::OK);
    let workers = body.as_array().expect("a list");
    let levels: Vec<i64> = workers
        .iter()
        .map(|w| w["for_grid"]["level"].as_i64().unwrap())
        .collect();
    assert!(
        levels.windows(2).all(|l| l[0] >= l[1]),
        "finest grid first: {levels:?}"
    );
    let roles_at = |level: i64| -> Vec<&str> {
        workers
            .iter()
            .filter(|w| w["for_grid"]["level"] == level)
            .map(|w| w["role"].as_str().unwrap())
            .collect()
    };
    assert_eq!(
        roles_at(4),
        ["liaison", "volunteer", "volunteer", "volunteer"]
    );
    assert!(roles_at(3).contains(&"full_time"), "{:?}", roles_at(3));
    assert_eq!(roles_at(2), ["grid_chief"]);
    assert_eq!(roles_at(1), ["grid_chief"]);
    let (status, _) = get(&app, "/api/grids/999999/responsible").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
