//! Grid planning through the router on the demo town (`oneshot`): each check with an edit
//! that passes and one that fails; a shared vertex moved in both neighbours and applied,
//! after which a camera that crossed the line reports its new grid; refused applies (422,
//! 412) that leave the grids and the index as they were; history and "as of"; split and
//! merge; an open incident re-routed; a level exported and imported; bad input.
//!
//! Edits are made from the demo data the API lists, and what they should do is worked out
//! from those boundaries in `api_planning/town.rs`, never from the service's answers.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails by panicking, with the reason in the message"
)]

mod common;
#[path = "api_planning/town.rs"]
mod town;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{SecondsFormat, Utc};
use common::router::{ErrorCase, assert_errors, demo_router, get, post_json, send};
use geo::{Area, BoundingRect, InteriorPoint};
use serde_json::{Value, json};
use town::{Grid, Step, Town, Vertex, features, grids, shape};

const REASON: &str = "新建小区，调整微网格边界";

/// Proposes `edits` and checks the change set was stored.
async fn propose(app: &Router, edits: Vec<Value>) -> Value {
    let body = json!({ "reason": REASON, "author": "王规划", "grids": edits });
    let (status, changeset) = post_json(app, "/api/changesets", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{changeset}");
    changeset
}

async fn apply(app: &Router, changeset: &Value) -> (StatusCode, Value) {
    let uri = format!("/api/changesets/{}/apply", changeset["id"]);
    post_json(app, &uri, &json!({})).await
}

/// Applies a change set and checks it went through.
async fn apply_ok(app: &Router, changeset: &Value) -> Value {
    let (status, applied) = apply(app, changeset).await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(applied["status"], "applied", "{applied}");
    applied
}

async fn status_of(app: &Router, changeset: &Value) -> Value {
    let (status, body) = get(app, &format!("/api/changesets/{}", changeset["id"])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["status"].clone()
}

/// The kinds of the problems that stop a change set, sorted.
fn error_kinds(problems: &Value) -> Vec<String> {
    let mut kinds: Vec<String> = features(problems)
        .iter()
        .filter(|p| p["properties"]["severity"] == "error")
        .map(|p| p["properties"]["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

/// The problems of one kind.
fn problems_of<'a>(problems: &'a Value, kind: &str) -> Vec<&'a Value> {
    features(problems)
        .iter()
        .filter(|p| p["properties"]["kind"] == kind)
        .collect()
}

/// The id of the grid of `level` that `/api/locate` finds at `p`.
async fn located(app: &Router, p: Vertex, level: usize) -> i64 {
    let (status, body) = get(app, &format!("/api/locate?lon={}&lat={}", p[0], p[1])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["chain"][level - 1]["id"].as_i64().expect("a grid there")
}

async fn grid(app: &Router, level: i64, id: i64) -> Grid {
    grids(app, level)
        .await
        .into_iter()
        .find(|g| g.id == id)
        .expect("the grid is listed")
}

async fn history(app: &Router, id: i64) -> Vec<Value> {
    let (status, body) = get(app, &format!("/api/grids/{id}/history")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    features(&body).to_vec()
}

fn rfc3339(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The grids of `level` as of `at`, by id, with their boundaries.
async fn as_of(app: &Router, level: i64, at: &str) -> Vec<(i64, Value)> {
    let (status, body) = get(app, &format!("/api/grids?level={level}&as_of={at}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    features(&body)
        .iter()
        .map(|f| (f["properties"]["id"].as_i64().unwrap(), f["geometry"].clone()))
        .collect()
}

async fn workers(app: &Router) -> Vec<Value> {
    let (status, body) = get(app, "/api/workers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().expect("workers").clone()
}

fn worker_ids_on(staff: &[Value], grid: i64) -> Vec<i64> {
    staff
        .iter()
        .filter(|w| {
            w["grid_ids"]
                .as_array()
                .is_some_and(|ids| ids.contains(&json!(grid)))
        })
        .map(|w| w["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn moving_a_shared_vertex_in_both_neighbours_is_clean_and_a_camera_that_crossed_reports_its_new_grid_at_once()
 {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [moving] = town.vertex_moves(4, Step::Metres(15.0), [1.0]);
    let (from, to) = (moving.losing(4), moving.gaining(4));
    let camera = json!({
        "code": "C990001", "name": "边界路口", "lon": moving.point[0], "lat": moving.point[1],
        "kind": "dome", "stream_url": "rtsp://10.0.0.9/live/c990001",
    });
    let (status, created) = post_json(&app, "/api/cameras", &camera).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let camera_uri = format!("/api/cameras/{}", created["id"]);
    let deepest = |camera: &Value| camera["properties"]["chain"][3]["code"].clone();
    assert_eq!(deepest(&created), json!(from.code), "before: the old grid");

    let changeset = propose(&app, moving.edits()).await;

    assert_eq!(changeset["status"], "proposed");
    assert_eq!(features(&changeset["problems"]), [], "clean: {changeset}");
    let crossing = json!({ "id": created["id"], "from": from.code, "to": to.code });
    let cameras = changeset["impact"]["cameras"].as_array().unwrap();
    assert!(cameras.contains(&crossing), "{crossing} in {cameras:?}");
    let (_, still) = get(&app, &camera_uri).await;
    assert_eq!(deepest(&still), json!(from.code), "proposing changes nothing");

    apply_ok(&app, &changeset).await;

    let (_, after) = get(&app, &camera_uri).await;
    assert_eq!(deepest(&after), json!(to.code), "{after}");
    assert_eq!(located(&app, moving.point, 4).await, to.id);
    for g in &moving.grids {
        let now = grid(&app, 4, g.id).await;
        assert_eq!(now.version, g.version + 1, "grid {}", g.code);
        assert_eq!(now.geometry, moving.moved(g), "grid {} redrawn", g.code);
    }
}

#[tokio::test]
async fn each_check_reports_its_problem_and_the_edit_that_keeps_the_rule_passes() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [micro] = town.vertex_moves(4, Step::Metres(15.0), [1.0]);
    let [few_m2] = town.vertex_moves(4, Step::SweptArea(5.0), [1.0]);
    let [above_sliver] = town.vertex_moves(4, Step::SweptArea(60.0), [1.0]);
    let [comprehensive] = town.vertex_moves(3, Step::Metres(15.0), [1.0]);
    let only = |m: &town::VertexMove, g: &Grid| vec![g.edit(m.moved(g))];
    let target = micro.losing(4);
    let rect = target.shape().bounding_rect().unwrap();
    let (x0, y0) = (rect.min().x + rect.width() / 3.0, rect.min().y + rect.height() / 3.0);
    let (x1, y1) = (rect.max().x - rect.width() / 3.0, rect.max().y - rect.height() / 3.0);
    let bow_tie = json!({ "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]] });
    let parent = &town.level(3)[0];
    let cases: Vec<(&str, Vec<Value>, &[&str])> = vec![
        ("a shared vertex moved in both micro-grids", micro.edits(), &[]),
        ("moved only in the grid it grows", only(&micro, micro.gaining(4)), &["overlap"]),
        ("moved only in the grid it shrinks", only(&micro, micro.losing(4)), &["gap"]),
        ("a few m² overlap", only(&few_m2, few_m2.gaining(4)), &["sliver"]),
        ("a few m² gap", only(&few_m2, few_m2.losing(4)), &["sliver"]),
        ("60 m² is above the sliver area", only(&above_sliver, above_sliver.gaining(4)), &["overlap"]),
        ("a grids' boundary moved in them and their micro-grids", comprehensive.edits(), &[]),
        ("moved in the micro-grids only", comprehensive.edits_at(4), &["gap", "outside_parent"]),
        ("a self-intersecting boundary", vec![target.edit(bow_tie)], &["invalid"]),
        ("a grid retired with its children in service", vec![parent.retire()], &["gap", "reference"]),
    ];
    let mut proposed = Vec::new();
    for (label, edits, expected) in cases {
        let changeset = propose(&app, edits).await;
        assert_eq!(error_kinds(&changeset["problems"]), expected, "{label}: {changeset}");
        proposed.push((label, changeset));
    }
    let problems = |i: usize| &proposed[i].1["problems"];

    for (i, move_) in [(3, &few_m2), (5, &above_sliver)] {
        let kind = if i == 3 { "sliver" } else { "overlap" };
        let area = problems_of(problems(i), kind)[0]["properties"]["area_m2"].as_f64().unwrap();
        let expected = move_.swept_m2;
        assert!((area - expected).abs() < expected * 0.25, "{}: {area} m², expected about {expected}", proposed[i].0);
    }
    let codes = |p: &Value| p["properties"]["grids"].clone();
    let outside = problems_of(problems(7), "outside_parent");
    let grows = comprehensive.gaining(4);
    let grows_parent = comprehensive.gaining(3);
    assert_eq!(codes(outside[0]), json!([grows.code, grows_parent.code]));
    let gap = problems_of(problems(7), "gap");
    assert_eq!(codes(gap[0]), json!([comprehensive.losing(3).code]));

    let invalid = problems_of(problems(8), "invalid")[0];
    assert_eq!(invalid["geometry"]["type"], "Point", "{invalid}");
    let at = &invalid["geometry"]["coordinates"];
    let crossing = [(x0 + x1) / 2.0, (y0 + y1) / 2.0];
    for axis in 0..2 {
        let got = at[axis].as_f64().unwrap();
        assert!((got - crossing[axis]).abs() < 1e-9, "{at} should be {crossing:?}");
    }
    let reference = problems_of(problems(9), "reference")[0];
    let mut children: Vec<Value> = town
        .level(4)
        .iter()
        .filter(|g| g.parent_id == Some(parent.id))
        .map(|g| json!(g.code))
        .collect();
    children.insert(0, json!(parent.code));
    assert_eq!(codes(reference), json!(children), "{reference}");

    // Only the clean ones can be applied: the first of them goes through.
    let (status, refused) = apply(&app, &proposed[1].1).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    apply_ok(&app, &proposed[0].1).await;
}

#[tokio::test]
async fn the_household_rule_warns_outside_50_to_100_and_does_not_stop_an_apply() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [moving] = town.vertex_moves(4, Step::Metres(15.0), [1.0]);
    let held = moving.losing(4);
    let cases = [(49, true), (50, false), (100, false), (101, true)];
    let mut warned = Vec::new();
    for (households, warns) in cases {
        let mut edits = moving.edits();
        for edit in &mut edits {
            if edit["id"] == json!(held.id) {
                edit["households"] = json!(households);
            }
        }

        let changeset = propose(&app, edits).await;

        let rules = problems_of(&changeset["problems"], "level_rule");
        let codes: Vec<&Value> = rules.iter().map(|p| &p["properties"]["grids"][0]).collect();
        assert_eq!(codes, if warns { vec![&json!(held.code)] } else { vec![] }, "{households}: {changeset}");
        for rule in &rules {
            assert_eq!(rule["properties"]["severity"], "warning", "{rule}");
            let message = rule["properties"]["message"].as_str().unwrap();
            assert!(message.contains(&households.to_string()), "{message}");
        }
        assert_eq!(error_kinds(&changeset["problems"]), Vec::<String>::new(), "{households}");
        if warns {
            warned.push(changeset);
        }
    }

    let applied = apply_ok(&app, &warned[1]).await;
    let stored = applied["grids"].as_array().unwrap().iter().find(|g| g["id"] == json!(held.id));
    assert_eq!(stored.unwrap()["households"], 101);
    assert_eq!(grid(&app, 4, held.id).await.households, 101);
}

#[tokio::test]
async fn a_refused_apply_leaves_the_grids_and_the_index_as_they_were() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [forth, back] = town.vertex_moves(4, Step::Metres(15.0), [1.0, -1.0]);
    let (west, east) = (forth.losing(4), forth.gaining(4));

    // 422: an overlap the checks found when it was proposed.
    let overlapping = propose(&app, vec![east.edit(forth.moved(east))]).await;
    let (status, refused) = apply(&app, &overlapping).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["error"]["code"], "problems", "{refused}");
    assert_eq!(error_kinds(&refused["problems"]), ["overlap"], "{refused}");
    assert_eq!(located(&app, forth.point, 4).await, west.id, "after the 422");
    assert_eq!(grid(&app, 4, east.id).await.version, east.version);
    assert_eq!(history(&app, east.id).await.len(), 1);
    assert_eq!(status_of(&app, &overlapping).await, "proposed");

    // 412: two planners start from the same versions; the first applies.
    let first = propose(&app, forth.edits()).await;
    let second = propose(&app, back.edits()).await;
    apply_ok(&app, &first).await;
    let (status, stale) = apply(&app, &second).await;

    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{stale}");
    assert_eq!(stale["error"]["code"], "precondition_failed");
    let message = stale["error"]["message"].as_str().unwrap();
    assert!(message.contains("version"), "{message}");
    assert_eq!(status_of(&app, &second).await, "proposed", "nothing of it applied");
    assert_eq!(located(&app, back.point, 4).await, back.losing(4).id, "after the 412");
    assert_eq!(located(&app, forth.point, 4).await, east.id, "the first one stands");
    for g in [west, east] {
        let now = grid(&app, 4, g.id).await;
        assert_eq!((now.version, now.geometry), (g.version + 1, forth.moved(g)), "{}", g.code);
        assert_eq!(history(&app, g.id).await.len(), 2, "{}", g.code);
    }
}

#[tokio::test]
async fn history_lists_every_version_and_as_of_shows_the_boundary_then() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [moving] = town.vertex_moves(4, Step::Metres(15.0), [1.0]);
    let held = moving.losing(4);
    let changeset = propose(&app, moving.edits()).await;
    let before = rfc3339(Utc::now());

    apply_ok(&app, &changeset).await;
    let after = rfc3339(Utc::now());

    let versions = history(&app, held.id).await;
    assert_eq!(versions.len(), 2, "{versions:?}");
    let (old, new) = (&versions[0]["properties"], &versions[1]["properties"]);
    assert_eq!((old["version"].clone(), old["retired"].clone()), (json!(1), json!(false)));
    assert_eq!((old["changeset_id"].clone(), old["author"].clone()), (Value::Null, Value::Null));
    assert_eq!(versions[0]["geometry"], held.geometry, "the old boundary");
    assert_eq!(new["version"], 2);
    assert_eq!(new["changeset_id"], changeset["id"]);
    assert_eq!((new["author"].clone(), new["reason"].clone()), (json!("王规划"), json!(REASON)));
    assert_eq!(new["valid_to"], Value::Null, "in force");
    assert_eq!(old["valid_to"], new["valid_from"], "one version ends as the next begins");
    assert_eq!(versions[1]["geometry"], moving.moved(held));

    let cases = [("before the apply", &before, held.geometry.clone()), ("after it", &after, moving.moved(held))];
    for (label, at, expected) in cases {
        let then = as_of(&app, 4, at).await;
        assert_eq!(then.len(), town.level(4).len(), "{label}: every micro-grid");
        let boundary = then.iter().find(|(id, _)| *id == held.id).map(|(_, g)| g);
        assert_eq!(boundary, Some(&expected), "{label}");
    }
}

#[tokio::test]
async fn a_split_gives_its_parts_the_parents_next_codes_and_its_workers_the_larger_part() {
    let (app, _db) = demo_router().await;
    let micro = grids(&app, 4).await;
    let mut chosen = None;
    for candidate in &micro {
        let rect = candidate.shape().bounding_rect().unwrap();
        let x = rect.min().x + rect.width() / 3.0;
        let line = json!({ "type": "LineString",
            "coordinates": [[x, rect.min().y - 0.001], [x, rect.max().y + 0.001]] });
        let body = json!({ "grid_id": candidate.id, "line": line });
        let (status, split) = post_json(&app, "/api/planning/split", &body).await;
        assert_eq!(status, StatusCode::OK, "{split}");
        let parts: Vec<Value> = split["parts"].as_array().unwrap().clone();
        let areas: Vec<f64> = parts.iter().map(|p| shape(p).unsigned_area()).collect();
        if areas[0].max(areas[1]) > 1.3 * areas[0].min(areas[1]) {
            chosen = Some((candidate.clone(), parts, areas));
            break;
        }
    }
    let (split, parts, areas) = chosen.expect("a micro-grid a third of the way across cuts unevenly");
    let parent = split.parent_id.unwrap();
    let parent_code = &split.code[..15];
    let highest = micro
        .iter()
        .filter(|g| g.parent_id == Some(parent))
        .map(|g| g.code[15..].parse::<u16>().unwrap())
        .max()
        .unwrap();
    let next_codes = [1, 2].map(|k| format!("{parent_code}{:03}", highest + k));
    let larger = usize::from(areas[1] > areas[0]);
    let staff = worker_ids_on(&workers(&app).await, split.id);
    assert!(!staff.is_empty(), "the grid has workers");
    let edits = vec![
        split.retire(),
        json!({ "parent_id": parent, "geometry": parts[0] }),
        json!({ "parent_id": parent, "geometry": parts[1] }),
    ];

    let changeset = propose(&app, edits).await;

    assert_eq!(error_kinds(&changeset["problems"]), Vec::<String>::new(), "{changeset}");
    let planned = changeset["grids"].as_array().unwrap();
    let codes: Vec<&Value> = planned.iter().map(|g| &g["code"]).collect();
    assert_eq!(codes, [&json!(split.code), &json!(next_codes[0]), &json!(next_codes[1])]);
    assert_eq!(planned[0]["retired"], true);
    let mut moving: Vec<(i64, Value)> = changeset["impact"]["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["worker_id"].as_i64().unwrap(), json!([a["from"], a["to"]])))
        .collect();
    moving.sort_by_key(|(id, _)| *id);
    let expected: Vec<(i64, Value)> = staff
        .iter()
        .map(|&id| (id, json!([split.code, next_codes[larger]])))
        .collect();
    assert_eq!(moving, expected, "the preview lists every worker of the retired grid");

    let applied = apply_ok(&app, &changeset).await;

    let part_ids: Vec<i64> = applied["grids"].as_array().unwrap()[1..]
        .iter()
        .map(|g| g["id"].as_i64().expect("stored"))
        .collect();
    let after = workers(&app).await;
    assert_eq!(worker_ids_on(&after, part_ids[larger]), staff, "they moved to the larger part");
    assert_eq!(worker_ids_on(&after, split.id), Vec::<i64>::new());
    for (part, id) in parts.iter().zip(&part_ids) {
        let inside = shape(part).interior_point().unwrap();
        assert_eq!(located(&app, [inside.x(), inside.y()], 4).await, *id);
    }
    let (status, _) = get(&app, &format!("/api/grids/{}", split.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a retired grid is no longer served");
}

#[tokio::test]
async fn merging_two_neighbours_retires_both_and_as_of_shows_them_only_before() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let (_, pair) = town.shared_vertices(4).remove(0);
    let (a, b) = (&pair[0], &pair[1]);
    let (status, merged) =
        post_json(&app, "/api/planning/merge", &json!({ "grid_ids": [a.id, b.id] })).await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    let before_staff = workers(&app).await;
    let staff = [a, b].map(|g| worker_ids_on(&before_staff, g.id));
    let edits = vec![
        a.retire(),
        b.retire(),
        json!({ "parent_id": a.parent_id, "geometry": merged["geometry"] }),
    ];
    let changeset = propose(&app, edits).await;
    assert_eq!(error_kinds(&changeset["problems"]), Vec::<String>::new(), "{changeset}");
    let before = rfc3339(Utc::now());

    let applied = apply_ok(&app, &changeset).await;
    let after = rfc3339(Utc::now());

    let merged_id = applied["grids"][2]["id"].as_i64().expect("stored");
    for g in [a, b] {
        let inside = g.shape().interior_point().unwrap();
        assert_eq!(located(&app, [inside.x(), inside.y()], 4).await, merged_id, "{}", g.code);
    }
    let mut moved = worker_ids_on(&workers(&app).await, merged_id);
    let mut expected: Vec<i64> = staff.concat();
    expected.sort_unstable();
    moved.sort_unstable();
    assert_eq!(moved, expected, "both teams now on the merged grid");
    let cases = [("before the merge", &before, true), ("after it", &after, false)];
    for (label, at, retired_listed) in cases {
        let ids: Vec<i64> = as_of(&app, 4, at).await.into_iter().map(|(id, _)| id).collect();
        for g in [a, b] {
            assert_eq!(ids.contains(&g.id), retired_listed, "{label}: {}", g.code);
        }
        assert_eq!(ids.contains(&merged_id), !retired_listed, "{label}: the merged grid");
    }
    let last = history(&app, a.id).await.pop().unwrap();
    assert_eq!(last["properties"]["retired"], true, "{last}");
}

/// The first sub-category of a class no department handles: its incidents go to the
/// comprehensive grid's full-time worker.
fn sub_category_without_department() -> String {
    let text = std::fs::read_to_string("geodata/categories.json").unwrap();
    let classes: Vec<Value> = serde_json::from_str(&text).unwrap();
    let class = classes.iter().find(|c| c["department"].is_null()).unwrap();
    class["sub_categories"][0]["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_open_incident_whose_point_changes_grid_is_rerouted_and_keeps_its_chain() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [moving] = town.vertex_moves(3, Step::Metres(15.0), [1.0]);
    let report = json!({
        "category": sub_category_without_department(), "lon": moving.point[0],
        "lat": moving.point[1], "description": "路灯损坏", "source": "worker_app",
    });
    let (status, filed) = post_json(&app, "/api/incidents", &report).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let (held, takes_over) = (moving.losing(3), moving.gaining(3));
    assert_eq!(filed["responsible"]["grid"]["id"], json!(held.id), "routed by location");

    let changeset = propose(&app, moving.edits()).await;

    assert_eq!(features(&changeset["problems"]), [], "{changeset}");
    let expected = json!({
        "id": filed["id"], "from": moving.losing(4).code, "to": moving.gaining(4).code,
        "responsible_from": held.code, "responsible_to": takes_over.code,
    });
    assert_eq!(changeset["impact"]["incidents"], json!([expected]));

    apply_ok(&app, &changeset).await;

    let (_, now) = get(&app, &format!("/api/incidents/{}", filed["id"])).await;
    assert_eq!(now["responsible"]["grid"]["id"], json!(takes_over.id), "{now}");
    assert_eq!(now["chain"], filed["chain"], "the chain it was filed under");
    assert_eq!(now["assignee"], filed["assignee"], "whoever is on it finishes it");
    assert_eq!(now["status"], filed["status"]);
    let (_, timeline) = get(&app, &format!("/api/incidents/{}/events", filed["id"])).await;
    let events = timeline["events"].as_array().unwrap();
    assert_eq!(events.last().unwrap()["action"], "reroute", "{timeline}");
}

async fn import(app: &Router, file: &Value) -> (StatusCode, Value) {
    let request = Request::post("/api/changesets/import?level=4&reason=%E5%8E%BF%E9%87%8C%E9%87%8D%E7%BB%98")
        .header(header::CONTENT_TYPE, "application/geo+json")
        .body(Body::from(file.to_string()))
        .unwrap();
    send(app, request).await
}

#[tokio::test]
async fn a_level_imported_as_exported_changes_nothing_and_one_moved_boundary_is_a_change_set() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [moving] = town.vertex_moves(4, Step::Metres(15.0), [1.0]);
    let (status, exported) = get(&app, "/api/grids/export?level=4").await;
    assert_eq!(status, StatusCode::OK, "{exported}");
    assert_eq!(features(&exported).len(), town.level(4).len());

    let (status, unchanged) = import(&app, &exported).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{unchanged}");
    let message = unchanged["error"]["message"].as_str().unwrap();
    assert!(message.contains("changes no grid"), "{message}");

    let mut redrawn = exported.clone();
    for feature in redrawn["features"].as_array_mut().unwrap() {
        if let Some(g) = moving.grids.iter().find(|g| feature["properties"]["id"] == json!(g.id)) {
            feature["geometry"] = moving.moved(g);
        }
    }
    let (status, changeset) = import(&app, &redrawn).await;

    assert_eq!(status, StatusCode::CREATED, "{changeset}");
    let mut ids: Vec<i64> = changeset["grids"].as_array().unwrap().iter().map(|g| g["id"].as_i64().unwrap()).collect();
    let mut expected: Vec<i64> = moving.grids.iter().map(|g| g.id).collect();
    ids.sort_unstable();
    expected.sort_unstable();
    assert_eq!(ids, expected, "only the two redrawn grids");
    assert_eq!(features(&changeset["problems"]), [], "{changeset}");
    apply_ok(&app, &changeset).await;
    assert_eq!(located(&app, moving.point, 4).await, moving.gaining(4).id);
}

fn json_request(uri: &str, body: &Value) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn bad_input_gets_a_json_error_naming_the_problem_and_stores_nothing() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [moving] = town.vertex_moves(4, Step::Metres(15.0), [1.0]);
    let g = moving.losing(4);
    let edit = g.edit(moving.moved(g));
    let with = |key: &str, value: Value| {
        let mut e = edit.clone();
        e[key] = value;
        e
    };
    let without = |key: &str| {
        let mut e = edit.clone();
        e.as_object_mut().unwrap().remove(key);
        e
    };
    let changesets = |grids: Vec<Value>| json_request("/api/changesets", &json!({ "reason": REASON, "grids": grids }));
    let new_grid = json!({ "geometry": moving.moved(g) });
    let other_family = town.level(4).iter().find(|o| o.parent_id != g.parent_id).unwrap();
    let rect = g.shape().bounding_rect().unwrap();
    let beside = json!({ "type": "LineString", "coordinates": [
        [rect.max().x + 0.01, rect.min().y], [rect.max().x + 0.01, rect.max().y]] });
    let bad = StatusCode::BAD_REQUEST;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let cases: Vec<ErrorCase> = vec![
        (json_request("/api/changesets", &json!({ "grids": [edit] })), unprocessable, "invalid_body", "reason"),
        (json_request("/api/changesets", &json!({ "reason": "  ", "grids": [edit] })), bad, "invalid_body", "reason"),
        (changesets(vec![]), bad, "invalid_body", "empty"),
        (changesets(vec![without("geometry")]), bad, "invalid_body", "geometry"),
        (changesets(vec![with("id", json!(987_654))]), unprocessable, "invalid_edit", "987654"),
        (changesets(vec![new_grid]), unprocessable, "invalid_edit", "parent_id"),
        (changesets(vec![with("households", json!(-1))]), bad, "invalid_body", "negative"),
        (changesets(vec![without("version")]), unprocessable, "invalid_edit", "version"),
        (Request::get("/api/grids?level=4&as_of=yesterday").body(Body::empty()).unwrap(), bad, "invalid_parameter", "as_of"),
        (json_request("/api/planning/split", &json!({ "grid_id": g.id, "line": beside })), unprocessable, "cannot_cut", "does not cut"),
        (json_request("/api/planning/merge", &json!({ "grid_ids": [g.id, other_family.id] })), unprocessable, "cannot_cut", "different parents"),
    ];

    assert_errors(&app, cases).await;

    // The first change set stored would have had id 1.
    let (status, body) = get(&app, "/api/changesets/1").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let now = grids(&app, 4).await;
    let versions: Vec<(i64, i64)> = now.iter().map(|g| (g.id, g.version)).collect();
    let before: Vec<(i64, i64)> = town.level(4).iter().map(|g| (g.id, g.version)).collect();
    assert_eq!(versions, before, "no grid changed");
}
