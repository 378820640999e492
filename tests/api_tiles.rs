//! Tiles over HTTP on the demo town: PNG and MVT answers, `ETag`s and 304s, the cache, and
//! 4xx answers in the JSON error shape for bad addresses.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::router::{demo_router, get};
use gridlink::tiles::TileCoord;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The tile at zoom `z` over the point 119.65, 31.17, inside the demo town.
fn tile_over_town(z: u32) -> (u32, u32) {
    let tile = TileCoord::containing(119.65, 31.17, z).expect("a valid tile");
    (tile.x(), tile.y())
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

async fn fetch(app: &Router, uri: &str, if_none_match: Option<&str>) -> Answer {
    let mut request = Request::get(uri);
    if let Some(tag) = if_none_match {
        request = request.header(header::IF_NONE_MATCH, tag);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

#[tokio::test]
async fn png_tiles_decode_at_256_and_512_pixels() {
    let (app, _db) = demo_router().await;
    let (x, y) = tile_over_town(14);
    for (name, size) in [(format!("{y}.png"), 256), (format!("{y}@2x.png"), 512)] {
        for layer in ["grids", "grids-4", "density"] {
            let answer = fetch(&app, &format!("/tiles/{layer}/14/{x}/{name}"), None).await;
            assert_eq!(answer.status, StatusCode::OK, "{layer} {name}");
            assert_eq!(answer.headers[header::CONTENT_TYPE], "image/png");
            let image = image::load_from_memory(&answer.body).expect("a PNG");
            assert_eq!(
                (image.width(), image.height()),
                (size, size),
                "{layer} {name}"
            );
            let opaque = image.to_rgba8().pixels().filter(|p| p.0[3] > 0).count();
            assert!(opaque > 0, "{layer} {name} draws something over the town");
        }
    }
}

#[tokio::test]
async fn vector_tiles_answer_with_the_mvt_type() {
    let (app, _db) = demo_router().await;
    let (x, y) = tile_over_town(14);
    for layer in ["grids", "cameras"] {
        let answer = fetch(&app, &format!("/tiles/{layer}/14/{x}/{y}.mvt"), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{layer}");
        assert_eq!(
            answer.headers[header::CONTENT_TYPE],
            "application/vnd.mapbox-vector-tile"
        );
        assert!(
            !answer.body.is_empty(),
            "{layer} has features over the town"
        );
    }
}

#[tokio::test]
async fn a_matching_etag_gets_304_and_the_cache_answers_the_same_bytes() {
    let (app, _db) = demo_router().await;
    let (x, y) = tile_over_town(15);
    let uri = format!("/tiles/grids/15/{x}/{y}.png");

    let first = fetch(&app, &uri, None).await;
    let etag = first.headers[header::ETAG]
        .to_str()
        .expect("ETag")
        .to_owned();
    assert!(
        first.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let second = fetch(&app, &uri, None).await;
    let revalidated = fetch(&app, &uri, Some(&etag)).await;
    let listed = fetch(&app, &uri, Some(&format!("\"other\", W/{etag}"))).await;
    let stale = fetch(&app, &uri, Some("\"not-this-one\"")).await;

    assert_eq!(
        second.body, first.body,
        "the cached tile is the rendered one"
    );
    assert_eq!(second.headers[header::ETAG], etag.as_str());
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert!(revalidated.body.is_empty());
    assert_eq!(revalidated.headers[header::ETAG], etag.as_str());
    assert_eq!(
        listed.status,
        StatusCode::NOT_MODIFIED,
        "one of a list, weak or strong"
    );
    assert_eq!(stale.status, StatusCode::OK);
    let other_tile = fetch(&app, &format!("/tiles/grids/15/{x}/{}.png", y + 1), None).await;
    assert_ne!(other_tile.headers[header::ETAG], etag.as_str());
}

#[tokio::test]
async fn bad_tile_addresses_get_a_4xx_with_a_json_error() {
    let (app, _db) = demo_router().await;
    let cases = [
        (
            "/tiles/roads/14/1/1.png",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/tiles/grids-9/14/1/1.png",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/tiles/cameras/14/1/1.png",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/tiles/density/14/1/1.mvt",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/tiles/grids/23/0/0.png",
            StatusCode::BAD_REQUEST,
            "invalid_tile",
        ),
        (
            "/tiles/grids/2/4/0.png",
            StatusCode::BAD_REQUEST,
            "invalid_tile",
        ),
        (
            "/tiles/grids/2/0/4.png",
            StatusCode::BAD_REQUEST,
            "invalid_tile",
        ),
        (
            "/tiles/grids/2/0/1.jpg",
            StatusCode::BAD_REQUEST,
            "invalid_tile",
        ),
        (
            "/tiles/grids/2/0/1@3x.png",
            StatusCode::BAD_REQUEST,
            "invalid_tile",
        ),
        (
            "/tiles/grids/z/0/1.png",
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            "/tiles/grids/2/-1/1.png",
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        ("/tiles/roads.json", StatusCode::NOT_FOUND, "not_found"),
    ];
    for (uri, status, code) in cases {
        let (got, body) = get(&app, uri).await;
        assert_eq!(got, status, "{uri}: {body}");
        assert_eq!(body["error"]["code"], code, "{uri}: {body}");
    }
}

#[tokio::test]
async fn each_layer_has_a_tilejson() {
    let (app, _db) = demo_router().await;
    for (layer, suffix) in [
        ("grids", ".mvt"),
        ("cameras", ".mvt"),
        ("density", ".png"),
        ("grids-2", ".png"),
    ] {
        let (status, doc) = get(&app, &format!("/tiles/{layer}.json")).await;
        assert_eq!(status, StatusCode::OK, "{layer}");
        assert!(doc["tilejson"].is_string(), "{layer}: {doc}");
        let url = doc["tiles"][0].as_str().expect("a tile URL");
        assert!(
            url.contains(&format!("/tiles/{layer}/{{z}}/{{x}}/{{y}}")) && url.ends_with(suffix),
            "{url}"
        );
        assert_eq!(doc["bounds"].as_array().map(Vec::len), Some(4), "{layer}");
    }
}

#[tokio::test]
async fn incident_layers_fill_the_grid_of_an_open_incident_and_leave_it_clear_of_overdue() {
    let (app, _db) = demo_router().await;
    let (lon, lat) = (119.65, 31.17);
    let report = serde_json::json!({
        "category": "traffic_road_hazard", "lon": lon, "lat": lat,
        "description": "路面塌陷", "source": "dispatcher",
    });
    let (status, filed) = common::router::post_json(&app, "/api/incidents", &report).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let tile = TileCoord::containing(lon, lat, 14).expect("a valid tile");
    let at = tile.to_tile(gridlink::tiles::mercator(lon, lat), 256.0);
    let (px, py) = (at.x as u32, at.y as u32);

    let mut alpha = Vec::new();
    for layer in ["incidents-open", "incidents-overdue"] {
        let uri = format!("/tiles/{layer}/14/{}/{}.png", tile.x(), tile.y());
        let answer = fetch(&app, &uri, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{layer}");
        assert_eq!(answer.headers[header::CACHE_CONTROL], "no-cache");
        let image = image::load_from_memory(&answer.body)
            .expect("a PNG")
            .to_rgba8();
        alpha.push(image.get_pixel(px, py)[3]);
    }
    assert!(alpha[0] > 0, "the open incident's grid is filled");
    assert_eq!(alpha[1], 0, "nothing is overdue");
}
