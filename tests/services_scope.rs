//! The grid scope every service call takes, over the demo town: a caller scoped to one
//! village reaches that village's grids and incidents and nothing of another village's,
//! which answers as if it did not exist. (Requests are all scoped to everything until
//! accounts exist, so these tests call the services directly.)

use geo::InteriorPoint;
use gridlink::config::ServeConfig;
use gridlink::domain::AlertSource;
use gridlink::domain::{GridCode, GridEdit, GridScope, IncidentSource, LevelNo, LonLat, Priority};
use gridlink::http::AppState;
use gridlink::incidents::{DeskError, Report};
use gridlink::linkage::{AlertRequest, LinkageError};
use gridlink::mirrors::Mirrors;
use gridlink::planning::PlanningError;
use gridlink::store::StoreError;
use std::path::Path;

/// The villages' level in the demo town.
const VILLAGES: LevelNo = 2;
/// The micro-grids' level.
const MICRO_GRIDS: LevelNo = 4;

/// The services over the demo town in a new SQLite file; keep the directory while used.
async fn demo_services() -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("scope.db").display());
    let store = gridlink::store::connect(&url).await.expect("sqlite store");
    gridlink::import::import_dataset(store.as_ref(), Path::new("geodata/taihua"))
        .await
        .expect("demo dataset");
    let (mirrors, _) = Mirrors::load(store.as_ref(), 1 << 24)
        .await
        .expect("mirrors");
    let accounts = std::sync::Arc::new(
        gridlink::accounts::Accounts::load(std::sync::Arc::clone(&store))
            .await
            .expect("roles"),
    );
    let state = gridlink::app::state(&store, &mirrors, accounts, &ServeConfig::for_tests(&url))
        .expect("services");
    (state, dir)
}

/// Two villages, and for each a micro-grid of it: (village code, micro-grid id, a point
/// inside the micro-grid).
async fn two_villages(state: &AppState) -> [(GridCode, i64, LonLat); 2] {
    let index = state.mirrors.index.grids();
    let villages: Vec<GridCode> = index
        .iter()
        .filter(|g| g.level == VILLAGES)
        .map(|g| g.code.clone())
        .take(2)
        .collect();
    let mut picked = Vec::new();
    for village in villages {
        let micro = index
            .iter()
            .find(|g| g.level == MICRO_GRIDS && g.code.as_str().starts_with(village.as_str()))
            .expect("a micro-grid in the village")
            .id;
        let grid = state
            .store
            .grid(&GridScope::All, micro)
            .await
            .expect("the micro-grid");
        let point = grid.geometry.interior_point().expect("a point inside it");
        let point = LonLat::new(point.x(), point.y()).expect("a coordinate");
        picked.push((village, micro, point));
    }
    picked.try_into().expect("two villages")
}

fn report_at(location: LonLat) -> Report {
    Report {
        category: "public_order_suspicious".into(),
        location,
        description: "scope test".into(),
        source: IncidentSource::Dispatcher,
        reporter: "dispatcher".into(),
        priority: Priority::Normal,
        photos: Vec::new(),
    }
}

#[tokio::test]
async fn a_report_is_filed_only_within_the_callers_grids_and_seen_only_there() {
    let (state, _db) = demo_services().await;
    let [(village_a, _, in_a), (village_b, _, _)] = two_villages(&state).await;
    let scope_a = GridScope::within([village_a]);
    let scope_b = GridScope::within([village_b]);
    let now = chrono::Utc::now();

    let refused = state.desk.file(&scope_b, report_at(in_a), "b", now).await;
    assert!(
        matches!(refused, Err(DeskError::OutOfScope(_))),
        "filing in another village is refused: {refused:?}"
    );

    let (filed, _) = state
        .desk
        .file(&scope_a, report_at(in_a), "a", now)
        .await
        .expect("filed in its own village");
    let seen = state.desk.incident(&scope_a, filed.id).await;
    assert_eq!(seen.expect("seen in its own village").id, filed.id);
    let hidden = state.desk.incident(&scope_b, filed.id).await;
    assert!(
        matches!(hidden, Err(DeskError::OutOfScope(_))),
        "another village's incident is refused, as existing beyond the scope: {hidden:?}"
    );
    let everything = state.desk.incident(&GridScope::All, filed.id).await;
    assert!(
        everything.is_ok(),
        "the town sees every village's incidents"
    );
}

#[tokio::test]
async fn a_planner_reaches_only_the_grids_of_their_scope() {
    let (state, _db) = demo_services().await;
    let [(village_a, micro_a, _), (_, micro_b, _)] = two_villages(&state).await;
    let scope_a = GridScope::within([village_a]);

    let own = state.planner.history(&scope_a, micro_a).await;
    assert!(own.is_ok_and(|h| !h.is_empty()), "its own grid's history");
    let other = state.planner.history(&scope_a, micro_b).await;
    assert!(
        matches!(other, Err(PlanningError::Store(StoreError::NotFound(_)))),
        "another village's grid is not found: {other:?}"
    );

    let grid_b = state
        .store
        .grid(&GridScope::All, micro_b)
        .await
        .expect("grid b");
    let edit = GridEdit {
        id: Some(grid_b.id),
        version: Some(grid_b.version),
        geometry: Some(grid_b.geometry.clone()),
        parent_id: None,
        name: Some("renamed from outside".into()),
        households: None,
        residents: None,
    };
    let proposed = state
        .planner
        .propose(&scope_a, "scope test", "planner a", &[edit])
        .await;
    assert!(
        matches!(proposed, Err(PlanningError::Store(StoreError::NotFound(_)))),
        "an edit of another village's grid is refused as not found: {proposed:?}"
    );
}

#[tokio::test]
async fn an_alert_is_raised_and_called_only_within_the_cameras_scope() {
    let (state, _db) = demo_services().await;
    let [(village_a, _, _), (village_b, _, _)] = two_villages(&state).await;
    let (scope_a, scope_b) = (
        GridScope::within([village_a.clone()]),
        GridScope::within([village_b]),
    );
    let in_a = {
        let scene = state.mirrors.tiles.scene();
        let grids = state.mirrors.index.grids();
        scene
            .cameras()
            .iter()
            .find(|c| {
                let chain = grids.chain_at(c.location.into());
                chain.iter().any(|l| l.code == village_a.as_str())
            })
            .expect("a camera in the first village")
            .id
    };
    let camera = state
        .store
        .camera(&GridScope::All, in_a)
        .await
        .expect("the camera");
    let request = || AlertRequest {
        note: "scope test".into(),
        category: None,
        source: AlertSource::Operator,
        raised_by: "operator".into(),
        incident_id: None,
    };
    let now = chrono::Utc::now();

    let refused = state
        .linkage
        .raise(&scope_b, &camera, request(), None, now)
        .await;
    assert!(
        matches!(refused, Err(LinkageError::Store(StoreError::NotFound(_)))),
        "another village's camera is not found: {refused:?}"
    );
    let alert = state
        .linkage
        .raise(&scope_a, &camera, request(), None, now)
        .await
        .expect("raised on its own village's camera");
    let call = state.linkage.call(&scope_b, alert.id, None, "b", now).await;
    assert!(
        matches!(call, Err(LinkageError::Store(StoreError::NotFound(_)))),
        "another village's alert is not found: {call:?}"
    );
}
