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
// The checks, each passing and failing, and bad input.
#[path = "api_planning/checks.rs"]
mod checks;
// Applying, refused applies, history and as-of.
#[path = "api_planning/apply.rs"]
mod apply;
// Split, merge, re-routing and the level round trip.
#[path = "api_planning/reshape.rs"]
mod reshape;
// Retired grids in later change sets.
#[path = "api_planning/retired.rs"]
mod retired;

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
    let body = json!({ "reason": REASON, "grids": edits });
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
    body["chain"][level - 1]["id"]
        .as_i64()
        .expect("a grid there")
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
        .map(|f| {
            (
                f["properties"]["id"].as_i64().unwrap(),
                f["geometry"].clone(),
            )
        })
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

/// The two parts a vertical line a third of the way across cuts `grid` into.
async fn split_in_three(app: &Router, grid: &Grid) -> Vec<Value> {
    let rect = grid.shape().bounding_rect().unwrap();
    let x = rect.min().x + rect.width() / 3.0;
    let line = json!({ "type": "LineString",
        "coordinates": [[x, rect.min().y - 0.001], [x, rect.max().y + 0.001]] });
    let body = json!({ "grid_id": grid.id, "line": line });
    let (status, split) = post_json(app, "/api/planning/split", &body).await;
    assert_eq!(status, StatusCode::OK, "{split}");
    split["parts"].as_array().unwrap().clone()
}

/// Edits retiring `grid` and creating `parts` under its parent.
fn replaced_by(grid: &Grid, parts: &[&Value]) -> Vec<Value> {
    let mut edits = vec![grid.retire()];
    edits.extend(
        parts
            .iter()
            .map(|p| json!({ "parent_id": grid.parent_id, "geometry": p })),
    );
    edits
}
