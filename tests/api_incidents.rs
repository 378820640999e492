//! The incident API on the demo town, end to end through the router (`oneshot`): filing and
//! routing, the closed loop of steps, escalation, extensions, lists, likely duplicates,
//! photos, bad input and the Open311 adapter. Expectations come from the data files and
//! from the other endpoints, never from numbers the service computes.

mod common;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use common::router::{demo_router, get, get_bytes, post_form, post_json, post_multipart};
use serde_json::{Value, json};

/// Metres per degree of latitude, near enough for offsets of tens of metres.
const METRES_PER_DEGREE: f64 = 111_320.0;

/// A point inside the town and the chain `/api/locate` gives for it.
#[derive(Debug, Clone)]
struct Place {
    lon: f64,
    lat: f64,
    chain: Vec<Value>,
}

impl Place {
    fn grid_id(&self, level: usize) -> i64 {
        self.chain[level - 1]["id"].as_i64().expect("chain id")
    }

    fn grid_code(&self, level: usize) -> String {
        self.chain[level - 1]["code"]
            .as_str()
            .expect("chain code")
            .to_owned()
    }

    fn chain_ids(&self) -> Vec<i64> {
        self.chain
            .iter()
            .map(|l| l["id"].as_i64().expect("id"))
            .collect()
    }
}

/// The average of the vertices of a (Multi)Polygon's first outer ring.
fn ring_centre(geometry: &Value) -> Option<(f64, f64)> {
    let ring = match geometry["type"].as_str()? {
        "Polygon" => &geometry["coordinates"][0],
        "MultiPolygon" => &geometry["coordinates"][0][0],
        _ => return None,
    };
    let points = ring.as_array()?;
    let open = &points[..points.len().checked_sub(1)?];
    let n = open.len() as f64;
    let lon = open.iter().filter_map(|p| p[0].as_f64()).sum::<f64>() / n;
    let lat = open.iter().filter_map(|p| p[1].as_f64()).sum::<f64>() / n;
    Some((lon, lat))
}

async fn locate(app: &axum::Router, lon: f64, lat: f64) -> Vec<Value> {
    let (status, body) = get(app, &format!("/api/locate?lon={lon}&lat={lat}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["chain"].as_array().expect("chain").clone()
}

/// The first micro-grid whose vertex average lies inside it and whose chain satisfies
/// `wanted`, as a place.
async fn place_where(app: &axum::Router, wanted: impl Fn(&Place) -> bool) -> Place {
    let (status, grids) = get(app, "/api/grids?level=4").await;
    assert_eq!(status, StatusCode::OK);
    for feature in grids["features"].as_array().expect("features") {
        let id = feature["properties"]["id"].as_i64().expect("grid id");
        let Some((lon, lat)) = ring_centre(&feature["geometry"]) else {
            continue;
        };
        let chain = locate(app, lon, lat).await;
        if chain.last().and_then(|l| l["id"].as_i64()) != Some(id) {
            continue;
        }
        let place = Place { lon, lat, chain };
        if wanted(&place) {
            return place;
        }
    }
    unreachable!("no micro-grid of the demo town fits the test")
}

/// A point `metres` north (or south, if north leaves the town) of `place`, still inside.
async fn offset(app: &axum::Router, place: &Place, metres: f64) -> Place {
    for sign in [1.0, -1.0] {
        let lat = place.lat + sign * metres / METRES_PER_DEGREE;
        let chain = locate(app, place.lon, lat).await;
        if !chain.is_empty() {
            return Place {
                lon: place.lon,
                lat,
                chain,
            };
        }
    }
    unreachable!("{metres} m from {place:?} leaves the town both ways")
}

async fn workers(app: &axum::Router) -> Vec<Value> {
    let (status, body) = get(app, "/api/workers").await;
    assert_eq!(status, StatusCode::OK);
    body.as_array().expect("workers").clone()
}

fn on_grid(worker: &Value, grid: i64) -> bool {
    worker["grid_ids"]
        .as_array()
        .is_some_and(|ids| ids.iter().any(|g| g.as_i64() == Some(grid)))
}

/// The worker of `role` (and `department`, if given) assigned to `grid` with the lowest id.
fn member<'a>(
    workers: &'a [Value],
    grid: i64,
    role: &str,
    department: Option<&str>,
) -> Option<&'a Value> {
    workers
        .iter()
        .filter(|w| w["role"] == role && on_grid(w, grid))
        .filter(|w| department.is_none_or(|d| w["department"] == d))
        .min_by_key(|w| w["id"].as_i64())
}

/// The categories file: classes with their department and sub-categories.
fn categories_file() -> Vec<Value> {
    let text = std::fs::read_to_string("geodata/categories.json").expect("categories.json");
    serde_json::from_str(&text).expect("categories.json is JSON")
}

/// The first sub-category code of the class `class`.
fn first_sub(classes: &[Value], class: &str) -> String {
    classes
        .iter()
        .find(|c| c["code"] == class)
        .and_then(|c| c["sub_categories"][0]["code"].as_str())
        .expect("class with a sub-category")
        .to_owned()
}

/// A class without a department, and one of its sub-categories.
fn class_without_department(classes: &[Value]) -> (String, String) {
    let class = classes
        .iter()
        .find(|c| c["department"].is_null())
        .expect("a class without department");
    let code = class["code"].as_str().expect("code").to_owned();
    (code.clone(), first_sub(classes, &code))
}

fn report(category: &str, place: &Place) -> Value {
    json!({
        "category": category,
        "lon": place.lon,
        "lat": place.lat,
        "description": "seen on patrol",
        "source": "worker_app",
    })
}

/// Files a report and checks it was created.
async fn file(app: &axum::Router, category: &str, place: &Place) -> Value {
    let (status, body) = post_json(app, "/api/incidents", &report(category, place)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// Takes a step and checks it was allowed.
async fn step(app: &axum::Router, id: &Value, body: Value) -> Value {
    let (status, after) = post_json(app, &format!("/api/incidents/{id}/transitions"), &body).await;
    assert_eq!(status, StatusCode::OK, "{body} -> {after}");
    after
}

async fn act(app: &axum::Router, id: &Value, action: &str) -> Value {
    step(app, id, json!({ "action": action })).await
}

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .expect("an RFC 3339 time")
        .with_timezone(&Utc)
}

fn is_case_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 17
        && text.starts_with("SJ")
        && bytes[2..10].iter().all(u8::is_ascii_digit)
        && bytes[10] == b'-'
        && bytes[11..].iter().all(u8::is_ascii_digit)
}

fn assert_error_shape(status: StatusCode, body: &Value) {
    assert!(
        body["error"]["code"].is_string() && body["error"]["message"].is_string(),
        "{status}: {body}"
    );
}

async fn list_ids(app: &axum::Router, query: &str) -> Vec<Value> {
    let (status, body) = get(app, &format!("/api/incidents?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .map(|i| i["id"].clone())
        .collect()
}

fn duplicate_ids(incident: &Value) -> Vec<Value> {
    incident["likely_duplicates"]
        .as_array()
        .expect("likely_duplicates")
        .iter()
        .map(|d| d["id"].clone())
        .collect()
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 4) as u8, 128])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("encode a PNG");
    bytes.into_inner()
}

#[tokio::test]
async fn filing_returns_the_fixed_fields_and_routes_a_class_without_department_to_the_full_time_worker()
 {
    let (app, _db) = demo_router().await;
    let staff = workers(&app).await;
    let place = place_where(&app, |p| {
        member(&staff, p.grid_id(3), "full_time", None).is_some()
    })
    .await;
    let (_, sub) = class_without_department(&categories_file());
    let before = Utc::now();
    let incident = file(&app, &sub, &place).await;

    assert!(incident["id"].is_i64(), "{incident}");
    let case = incident["case_number"].as_str().expect("case number");
    assert!(is_case_number(case), "{case}");
    assert_eq!(incident["status"], "reported");
    assert_eq!(incident["category"], sub.as_str());
    assert_eq!(incident["chain"], json!(place.chain));

    let worker = member(&staff, place.grid_id(3), "full_time", None).expect("full-time");
    assert_eq!(
        incident["assignee"],
        json!({ "id": worker["id"], "name": worker["name"], "phone": worker["phone"] })
    );
    let responsible = &incident["responsible"];
    assert_eq!(responsible["grid"]["id"], json!(place.grid_id(3)));
    assert_eq!(responsible["grid"]["code"], json!(place.grid_code(3)));
    assert_eq!(responsible["grid"]["name"], place.chain[2]["name"]);
    assert_eq!(responsible["grid"]["level"], 3);
    assert_eq!(responsible["department"], Value::Null);
    assert_eq!(responsible["county"], false);
    assert_eq!(incident["colour"], "blue");
    assert!(time(&incident["deadline"]) > before, "{incident}");
    let yellow_at = time(&incident["yellow_at"]);
    assert!(before < yellow_at && yellow_at < time(&incident["deadline"]));
    let allowed = incident["allowed_actions"].as_array().expect("actions");
    assert!(allowed.contains(&json!("accept")), "{allowed:?}");
    assert!(!allowed.contains(&json!("close")), "{allowed:?}");
    assert_eq!(incident["likely_duplicates"], json!([]));

    // The case number names the incident as well as its id does.
    let (status, by_case) = get(&app, &format!("/api/incidents/{case}")).await;
    assert_eq!(status, StatusCode::OK, "{by_case}");
    assert_eq!(by_case["id"], incident["id"]);
}

#[tokio::test]
async fn a_class_with_a_department_goes_to_that_departments_staff_on_the_chain_else_to_the_full_time_worker()
 {
    let (app, _db) = demo_router().await;
    let staff = workers(&app).await;
    let classes = categories_file();
    let departments: Vec<&str> = classes
        .iter()
        .filter_map(|c| c["department"].as_str())
        .collect();

    // A grid with staff of a department some class is routed to, and a point under it.
    let place = place_where(&app, |p| {
        p.chain_ids().iter().any(|&g| {
            departments
                .iter()
                .any(|d| member(&staff, g, "department_staff", Some(d)).is_some())
        })
    })
    .await;
    let (class, department, grid, worker) =
        classes
            .iter()
            .filter_map(|c| Some((c, c["department"].as_str()?)))
            .find_map(|(c, d)| {
                // The deepest grid of the chain with such staff.
                place.chain_ids().iter().rev().find_map(|&g| {
                    member(&staff, g, "department_staff", Some(d)).map(|w| (c, d, g, w))
                })
            })
            .expect("a class whose department has staff on the chain");
    let sub = first_sub(&classes, class["code"].as_str().expect("code"));
    let incident = file(&app, &sub, &place).await;
    assert_eq!(incident["assignee"]["id"], worker["id"], "{incident}");
    assert_eq!(incident["assignee"]["name"], worker["name"]);
    assert_eq!(incident["responsible"]["department"], department);
    assert_eq!(incident["responsible"]["grid"]["id"], json!(grid));
    assert_eq!(incident["responsible"]["county"], false);

    // A class whose department has nobody on this chain goes to the full-time worker.
    let nobody = classes
        .iter()
        .filter_map(|c| Some((c, c["department"].as_str()?)))
        .find(|(_, d)| {
            place
                .chain_ids()
                .iter()
                .all(|&g| member(&staff, g, "department_staff", Some(d)).is_none())
        });
    if let Some((class, _)) = nobody {
        let sub = first_sub(&classes, class["code"].as_str().expect("code"));
        let incident = file(&app, &sub, &place).await;
        let full_time = place
            .chain_ids()
            .iter()
            .rev()
            .find_map(|&g| member(&staff, g, "full_time", None).map(|w| (g, w)));
        let (grid, worker) = full_time.expect("a full-time worker on the chain");
        assert_eq!(incident["assignee"]["id"], worker["id"], "{incident}");
        assert_eq!(incident["responsible"]["grid"]["id"], json!(grid));
        assert_eq!(incident["responsible"]["department"], Value::Null);
    }
}

#[tokio::test]
async fn the_happy_path_walks_every_status_and_the_timeline_records_each_step() {
    let (app, _db) = demo_router().await;
    let place = place_where(&app, |_| true).await;
    let (_, sub) = class_without_department(&categories_file());
    let incident = file(&app, &sub, &place).await;
    let id = incident["id"].clone();

    let (status, refused) = post_json(
        &app,
        &format!("/api/incidents/{id}/transitions"),
        &json!({ "action": "close" }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_error_shape(status, &refused);
    let message = refused["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("close") && message.contains("reported"),
        "{message}"
    );

    let steps = [
        (json!({ "action": "accept" }), "accepted"),
        (json!({ "action": "dispatch" }), "dispatched"),
        (json!({ "action": "start_handling" }), "handling"),
        (
            json!({ "action": "report_handled", "note": "cleared the road" }),
            "handled",
        ),
        (json!({ "action": "verify" }), "verified"),
        (json!({ "action": "close", "satisfaction": 5 }), "closed"),
        (json!({ "action": "archive" }), "archived"),
    ];
    let mut last = incident;
    for (body, status) in &steps {
        last = step(&app, &id, body.clone()).await;
        assert_eq!(last["status"], *status, "{body}");
    }
    assert_eq!(last["satisfaction"], 5);
    assert_eq!(last["allowed_actions"], json!([]));

    let (status, timeline) = get(&app, &format!("/api/incidents/{id}/events")).await;
    assert_eq!(status, StatusCode::OK);
    let events = timeline["events"].as_array().expect("events");
    assert_eq!(events.len(), 8, "{timeline}");
    let seqs: Vec<i64> = events
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    assert_eq!(seqs, (1..=8).collect::<Vec<_>>());
    assert_eq!(events[0]["to"], "reported");
    for pair in events.windows(2) {
        assert_eq!(pair[1]["from"], pair[0]["to"], "{pair:?}");
    }
    for (event, (body, status)) in events[1..].iter().zip(&steps) {
        assert_eq!(event["action"], body["action"]);
        assert_eq!(event["to"], *status);
    }
    assert_eq!(events[4]["note"], "cleared the road");

    let (status, refused) = post_json(
        &app,
        &format!("/api/incidents/{id}/transitions"),
        &json!({ "action": "reopen" }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
}

#[tokio::test]
async fn escalation_climbs_to_the_county_and_no_further() {
    let (app, _db) = demo_router().await;
    let place = place_where(&app, |_| true).await;
    let (_, sub) = class_without_department(&categories_file());
    let incident = file(&app, &sub, &place).await;
    let id = incident["id"].clone();
    assert_eq!(incident["responsible"]["grid"]["level"], 3);
    act(&app, &id, "accept").await;
    for level in [2, 1] {
        let after = act(&app, &id, "escalate").await;
        assert_eq!(after["status"], "escalated");
        assert_eq!(after["responsible"]["grid"]["level"], level, "{after}");
        assert_eq!(
            after["responsible"]["grid"]["id"],
            json!(place.grid_id(level as usize))
        );
        assert_eq!(after["responsible"]["county"], false);
    }
    let county = act(&app, &id, "escalate").await;
    assert_eq!(county["responsible"]["grid"], Value::Null, "{county}");
    assert_eq!(county["responsible"]["county"], true);
    assert_eq!(county["assignee"], Value::Null);

    let (status, refused) = post_json(
        &app,
        &format!("/api/incidents/{id}/transitions"),
        &json!({ "action": "escalate" }),
    )
    .await;
    assert!(status.is_client_error(), "{status}: {refused}");
    assert_error_shape(status, &refused);
    let (_, still) = get(&app, &format!("/api/incidents/{id}")).await;
    assert_eq!(still["responsible"]["county"], true);
}

#[tokio::test]
async fn an_approved_extension_moves_the_deadline_later_and_a_denied_one_keeps_it() {
    let (app, _db) = demo_router().await;
    let place = place_where(&app, |_| true).await;
    let (_, sub) = class_without_department(&categories_file());
    for (decision, later) in [("approve_extension", true), ("deny_extension", false)] {
        let incident = file(&app, &sub, &place).await;
        let id = incident["id"].clone();
        let deadline = time(&incident["deadline"]);
        act(&app, &id, "accept").await;
        act(&app, &id, "dispatch").await;
        let asked = step(
            &app,
            &id,
            json!({ "action": "request_extension", "extension": { "working_days": 2 } }),
        )
        .await;
        assert_eq!(asked["status"], "extension_requested");
        assert_eq!(asked["pending_extension"], json!({ "working_days": 2 }));
        let decided = act(&app, &id, decision).await;
        assert_eq!(decided["status"], "dispatched", "{decision}");
        assert_eq!(decided["pending_extension"], Value::Null);
        let after = time(&decided["deadline"]);
        if later {
            assert!(after > deadline, "{decision}: {deadline} -> {after}");
        } else {
            assert_eq!(after, deadline, "{decision}");
        }
    }
}

#[tokio::test]
async fn lists_filter_by_status_grid_category_and_colour_and_page_with_next_before() {
    let (app, _db) = demo_router().await;
    let classes = categories_file();
    let (class, sub) = class_without_department(&classes);
    let first = place_where(&app, |_| true).await;
    let second = place_where(&app, |p| p.grid_id(2) != first.grid_id(2)).await;
    let other_class = classes
        .iter()
        .find(|c| c["code"] != class.as_str())
        .and_then(|c| c["code"].as_str())
        .expect("another class");
    let other_sub = first_sub(&classes, other_class);
    let a = file(&app, &sub, &first).await["id"].clone();
    let b = file(&app, &other_sub, &second).await["id"].clone();
    act(&app, &a, "accept").await;

    assert_eq!(list_ids(&app, "status=accepted").await, vec![a.clone()]);
    assert_eq!(list_ids(&app, "status=reported").await, vec![b.clone()]);
    let both = list_ids(&app, "status=reported,accepted").await;
    assert!(
        both.contains(&a) && both.contains(&b) && both.len() == 2,
        "{both:?}"
    );

    let village = list_ids(&app, &format!("grid={}", first.grid_code(2))).await;
    assert!(village.contains(&a) && !village.contains(&b), "{village:?}");
    let other = list_ids(&app, &format!("grid={}", second.grid_code(2))).await;
    assert!(other.contains(&b) && !other.contains(&a), "{other:?}");
    let by_id = list_ids(&app, &format!("grid={}", first.grid_id(2))).await;
    assert_eq!(by_id, village);

    let by_class = list_ids(&app, &format!("category={class}")).await;
    assert!(
        by_class.contains(&a) && !by_class.contains(&b),
        "{by_class:?}"
    );
    let by_sub = list_ids(&app, &format!("category={other_sub}")).await;
    assert!(by_sub.contains(&b) && !by_sub.contains(&a), "{by_sub:?}");

    let blue = list_ids(&app, "colour=blue").await;
    assert!(blue.contains(&a) && blue.contains(&b), "{blue:?}");
    assert!(list_ids(&app, "colour=red").await.is_empty());

    let around = |p: &Place| {
        let d = 0.0001;
        format!(
            "bbox={},{},{},{}",
            p.lon - d,
            p.lat - d,
            p.lon + d,
            p.lat + d
        )
    };
    assert_eq!(list_ids(&app, &around(&first)).await, vec![a.clone()]);
    assert_eq!(list_ids(&app, &around(&second)).await, vec![b.clone()]);
    let (status, body) = get(&app, "/api/incidents?bbox=1,2,3").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (status, page) = get(&app, "/api/incidents?limit=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["incidents"].as_array().expect("page").len(), 1);
    let next = page["next_before"].clone();
    assert!(next.is_i64(), "{page}");
    let (status, rest) = get(&app, &format!("/api/incidents?limit=1&before={next}")).await;
    assert_eq!(status, StatusCode::OK, "{rest}");
    let rest_ids: Vec<Value> = rest["incidents"]
        .as_array()
        .expect("page")
        .iter()
        .map(|i| i["id"].clone())
        .collect();
    assert_eq!(rest_ids.len(), 1, "{rest}");
    let mut seen = vec![page["incidents"][0]["id"].clone(), rest_ids[0].clone()];
    seen.sort_by_key(Value::as_i64);
    let mut expected = vec![a, b];
    expected.sort_by_key(Value::as_i64);
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn likely_duplicates_are_the_same_sub_category_close_by() {
    let (app, _db) = demo_router().await;
    let classes = categories_file();
    let (class, sub) = class_without_department(&classes);
    let other_sub = classes
        .iter()
        .find(|c| c["code"] != class.as_str())
        .and_then(|c| c["sub_categories"][0]["code"].as_str())
        .expect("another sub-category")
        .to_owned();
    let place = place_where(&app, |_| true).await;
    let near = offset(&app, &place, 10.0).await;
    let far = offset(&app, &place, 200.0).await;
    let first = file(&app, &sub, &place).await;
    let id = first["id"].clone();

    let twin = file(&app, &sub, &near).await;
    assert!(duplicate_ids(&twin).contains(&id), "{twin}");
    let listed = twin["likely_duplicates"]
        .as_array()
        .expect("duplicates")
        .iter()
        .find(|d| d["id"] == id)
        .expect("the first incident");
    let distance = listed["distance_m"].as_f64().expect("distance_m");
    assert!((5.0..15.0).contains(&distance), "{distance}");

    let other = file(&app, &other_sub, &near).await;
    assert!(!duplicate_ids(&other).contains(&id), "{other}");
    let away = file(&app, &sub, &far).await;
    assert!(!duplicate_ids(&away).contains(&id), "{away}");
}

#[tokio::test]
async fn photos_upload_attach_serve_and_refuse_reuse_and_bad_files() {
    let (app, _db) = demo_router().await;
    let place = place_where(&app, |_| true).await;
    let (_, sub) = class_without_department(&categories_file());
    let bytes = png(64, 48);
    let (status, photo) = post_multipart(
        &app,
        "/api/photos",
        &[("photo", "pothole.png", "image/png", &bytes)],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    let id = photo["id"].clone();
    assert!(id.is_i64(), "{photo}");
    assert_eq!(
        (photo["width"].clone(), photo["height"].clone()),
        (json!(64), json!(48))
    );

    let mut body = report(&sub, &place);
    body["photos"] = json!([id]);
    let (status, incident) = post_json(&app, "/api/incidents", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{incident}");
    let photos = incident["photos"].as_array().expect("photos");
    assert_eq!(photos.len(), 1, "{incident}");
    assert_eq!(photos[0]["id"], id);

    for key in ["url", "thumbnail_url"] {
        let url = photo[key].as_str().expect("url");
        assert_eq!(photos[0][key], url);
        let (status, content_type, data) = get_bytes(&app, url).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        let format = image::guess_format(&data).expect("an image");
        assert_eq!(
            content_type,
            format.to_mime_type(),
            "{url} is served with its own type"
        );
        image::load_from_memory(&data).expect("decodable");
    }

    let before = list_ids(&app, "limit=500").await.len();
    let (status, reused) = post_json(&app, "/api/incidents", &body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{reused}");
    assert_error_shape(status, &reused);
    assert_eq!(list_ids(&app, "limit=500").await.len(), before);

    let (status, text) = post_multipart(
        &app,
        "/api/photos",
        &[("photo", "notes.txt", "text/plain", b"not a photo at all")],
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{text}");
    assert_error_shape(status, &text);

    let (status, missing) = post_multipart(
        &app,
        "/api/photos",
        &[("picture", "pothole.png", "image/png", &bytes)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{missing}");
    assert_error_shape(status, &missing);
}

#[tokio::test]
async fn bad_input_gets_the_right_status_and_the_json_error_shape() {
    let (app, _db) = demo_router().await;
    let place = place_where(&app, |_| true).await;
    let (_, sub) = class_without_department(&categories_file());
    let staff = workers(&app).await;
    let unknown_worker = staff
        .iter()
        .filter_map(|w| w["id"].as_i64())
        .max()
        .expect("workers")
        + 1000;

    let good = report(&sub, &place);
    let with = |fields: &[(&str, Value)]| {
        let mut body = good.clone();
        for (key, value) in fields {
            body[*key] = value.clone();
        }
        body
    };
    let filings = [
        (with(&[("category", json!("no_such_thing"))]), Some(422)),
        (with(&[("lon", json!(500.0))]), Some(400)),
        (with(&[("source", json!("carrier_pigeon"))]), None),
        (with(&[("colour_of_sky", json!("grey"))]), None),
        (with(&[("lon", json!(0.0)), ("lat", json!(0.0))]), Some(422)),
    ];
    for (body, expected) in &filings {
        let (status, answer) = post_json(&app, "/api/incidents", body).await;
        match expected {
            Some(code) => assert_eq!(status.as_u16(), *code, "{body}: {answer}"),
            None => assert!(status.is_client_error(), "{body}: {status} {answer}"),
        }
        assert_error_shape(status, &answer);
    }

    let (status, answer) = post_json(
        &app,
        "/api/incidents/999999/transitions",
        &json!({ "action": "accept" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert_error_shape(status, &answer);

    let incident = file(&app, &sub, &place).await;
    let id = incident["id"].clone();
    let uri = format!("/api/incidents/{id}/transitions");
    let (status, answer) = post_json(
        &app,
        &uri,
        &json!({ "action": "accept", "assignee": unknown_worker }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_error_shape(status, &answer);
    let (status, answer) = post_json(
        &app,
        &uri,
        &json!({ "action": "verify", "assignee": incident["assignee"]["id"] }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_error_shape(status, &answer);

    for action in ["accept", "dispatch", "start_handling"] {
        act(&app, &id, action).await;
    }
    step(
        &app,
        &id,
        json!({ "action": "report_handled", "note": "done" }),
    )
    .await;
    act(&app, &id, "verify").await;
    let (status, answer) =
        post_json(&app, &uri, &json!({ "action": "close", "satisfaction": 9 })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_error_shape(status, &answer);
    let (_, still) = get(&app, &format!("/api/incidents/{id}")).await;
    assert_eq!(still["status"], "verified");
}

#[tokio::test]
async fn open311_lists_every_sub_category_and_files_and_reads_service_requests() {
    let (app, _db) = demo_router().await;
    let classes = categories_file();
    let mut codes: Vec<String> = classes
        .iter()
        .flat_map(|c| c["sub_categories"].as_array().expect("subs").iter())
        .map(|s| s["code"].as_str().expect("code").to_owned())
        .collect();
    codes.sort();

    let (status, services) = get(&app, "/open311/v2/services.json").await;
    assert_eq!(status, StatusCode::OK);
    let mut listed: Vec<String> = services
        .as_array()
        .expect("services")
        .iter()
        .map(|s| s["service_code"].as_str().expect("service_code").to_owned())
        .collect();
    listed.sort();
    assert_eq!(listed, codes);

    let place = place_where(&app, |_| true).await;
    let (_, sub) = class_without_department(&classes);
    let form = format!(
        "service_code={sub}&lat={}&long={}&description=broken+sign",
        place.lat, place.lon
    );
    let (status, created) = post_form(&app, "/open311/v2/requests.json", &form).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let request_id = created[0]["service_request_id"]
        .as_str()
        .expect("service_request_id")
        .to_owned();
    assert!(is_case_number(&request_id), "{request_id}");

    let (status, read) = get(&app, &format!("/open311/v2/requests/{request_id}.json")).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read[0]["service_request_id"], request_id.as_str());
    assert_eq!(read[0]["status"], "open");
    assert_eq!(read[0]["service_code"], sub.as_str());
    assert_eq!(read[0]["description"], "broken sign");

    let (status, all) = get(&app, "/open311/v2/requests.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        all.as_array()
            .expect("requests")
            .iter()
            .any(|r| r["service_request_id"] == request_id.as_str()),
        "{all}"
    );

    let (status, refused) = post_form(
        &app,
        "/open311/v2/requests.json",
        &format!("service_code={sub}&description=somewhere"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_error_shape(status, &refused);
}

/// The figures of the grid with `code` in a stats report.
fn stats_of<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["grids"]
        .as_array()
        .expect("grids")
        .iter()
        .find(|g| g["code"] == code)
        .expect("the grid is in the report")
}

#[tokio::test]
async fn statistics_count_what_was_filed_and_closed_per_grid_rolled_up_and_as_csv() {
    let (app, _db) = demo_router().await;
    let classes = categories_file();
    let (class, sub) = class_without_department(&classes);
    let here = place_where(&app, |_| true).await;
    let elsewhere = place_where(&app, |p| p.grid_id(2) != here.grid_id(2)).await;
    // Three incidents here, one of them closed with a 4 and one rejected; one elsewhere.
    let closed = file(&app, &sub, &here).await;
    for action in ["accept", "dispatch", "start_handling"] {
        act(&app, &closed["id"], action).await;
    }
    let handled = json!({ "action": "report_handled", "note": "cleared" });
    step(&app, &closed["id"], handled).await;
    act(&app, &closed["id"], "verify").await;
    step(
        &app,
        &closed["id"],
        json!({ "action": "close", "satisfaction": 4 }),
    )
    .await;
    let rejected = file(&app, &sub, &here).await;
    step(
        &app,
        &rejected["id"],
        json!({ "action": "reject", "note": "not ours" }),
    )
    .await;
    file(&app, &sub, &here).await;
    file(&app, &sub, &elsewhere).await;

    let (status, report) = get(&app, "/api/stats?depth=3&by_category=duty_class").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let town = stats_of(&report, &here.grid_code(1));
    assert_eq!(town["figures"]["received"], 3, "{town}");
    assert_eq!(town["figures"]["closed"], 1);
    assert_eq!(town["figures"]["rejected"], 1);
    assert_eq!(town["figures"]["open"]["blue"], 2);
    assert_eq!(town["figures"]["satisfaction"]["mean"], 4.0);
    assert_eq!(town["by_category"][0]["category"], class.as_str());
    assert_eq!(town["by_category"][0]["figures"]["received"], 3);
    for level in 2..=4 {
        let grid = stats_of(&report, &here.grid_code(level));
        assert_eq!(grid["figures"]["received"], 2, "level {level}: {grid}");
        assert_eq!(grid["figures"]["closure_rate"], 0.5, "level {level}");
    }
    let village = stats_of(&report, &elsewhere.grid_code(2));
    assert_eq!(village["figures"]["received"], 1);

    // One grid and its children; the villages' own children are left out.
    let (status, report) = get(&app, &format!("/api/stats?grid={}", here.grid_code(2))).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let levels: Vec<i64> = report["grids"]
        .as_array()
        .expect("grids")
        .iter()
        .map(|g| g["level"].as_i64().expect("level"))
        .collect();
    assert_eq!(levels.iter().filter(|&&l| l == 2).count(), 1, "{levels:?}");
    assert!(levels.iter().all(|&l| l == 2 || l == 3), "{levels:?}");

    // Nothing was reported tomorrow.
    let tomorrow = (Utc::now() + chrono::TimeDelta::days(2)).date_naive();
    let (_, report) = get(&app, &format!("/api/stats?from={tomorrow}")).await;
    assert_eq!(
        stats_of(&report, &here.grid_code(1))["figures"]["received"],
        0
    );

    let (status, content_type, csv) = get_bytes(&app, "/api/stats?format=csv&period=day").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let csv = String::from_utf8(csv).expect("UTF-8");
    assert!(
        csv.starts_with('\u{FEFF}'),
        "Excel needs the byte-order mark"
    );
    assert!(csv.contains(&here.grid_code(1)), "{csv}");

    for bad in [
        "depth=9",
        "period=year",
        "grid=999999999999999999",
        "from=2026-11-24&to=2026-11-23",
        "from=yesterday",
        "colour=red",
    ] {
        let (status, body) = get(&app, &format!("/api/stats?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_error_shape(status, &body);
    }
}
