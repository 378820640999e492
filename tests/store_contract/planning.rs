//! Contract cases for grid planning: a change set round-trips; and the fixture and helpers
//! the other planning cases (`planning_apply.rs`, `planning_moves.rs`) share. Instantiated
//! for every backend by `contract!` in `store_contract.rs`.
//!
//! The store does not check geometry (the service does, before it builds an
//! [`ApplyPlan`]), so the plans here are built by hand: a town of two villages, west and
//! east, whose shared boundary moves.

use super::{TOWN, code, lonlat};
use crate::common::{bits, new_grid, next_up, taihua_levels};
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use geo::{Geometry, LineString, MultiPolygon, Point, Polygon};
use gridlink::domain::GridScope;
use gridlink::domain::{
    ChainEntry, ChangeSet, ChangeSetId, ChangeSetStatus, EventDetails, Grid, GridId, GridMove,
    GridRevision, Impact, Incident, IncidentAction, IncidentEvent, IncidentId, IncidentSource,
    NewIncident, NewIncidentEvent, PlannedGrid, Priority, Problem, ProblemKind, Reassignment,
    Reroute, Responsible, Severity, Worker,
};
use gridlink::store::{
    ApplyPlan, DataVersions, GridFilter, NewChangeSet, PlannedReroute, Store, StoreError,
};

pub(crate) const WEST: &str = "320282102203";
pub(crate) const EAST: &str = "320282102204";
/// A comprehensive grid covering the whole west village.
pub(crate) const WEST_GRID: &str = "320282102203001";

/// An axis-aligned rectangle, its corners spelt once so neighbours share them bit for bit.
pub(crate) fn rect(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> MultiPolygon<f64> {
    let ring = LineString::from(vec![
        (min_lon, min_lat),
        (max_lon, min_lat),
        (max_lon, max_lat),
        (min_lon, max_lat),
    ]);
    MultiPolygon::new(vec![Polygon::new(ring, vec![])])
}

/// The village that covers `lon_from..lon_to` of the town (lat 31.1..31.2).
pub(crate) fn strip(lon_from: f64, lon_to: f64) -> MultiPolygon<f64> {
    rect(lon_from, 31.1, lon_to, 31.2)
}

/// The town (lon 119.6..119.7) and its two villages, split at lon 119.65.
pub(crate) struct Seeded {
    pub(crate) town: Grid,
    pub(crate) west: Grid,
    pub(crate) east: Grid,
}

pub(crate) async fn seed(store: &dyn Store) -> Seeded {
    store.put_levels(&taihua_levels()).await.unwrap();
    let stored = store
        .insert_grids(&[
            new_grid(TOWN, "太华镇", strip(119.6, 119.7)),
            new_grid(WEST, "太华村", strip(119.6, 119.65)),
            new_grid(EAST, "胥锦村", strip(119.65, 119.7)),
        ])
        .await
        .unwrap();
    let [town, west, east] = <[_; 3]>::try_from(stored).unwrap();
    Seeded { town, west, east }
}

/// Some minutes from now, to the microsecond (what both backends keep): later than every
/// grid the test inserted, as an apply always is.
pub(crate) fn soon(minutes: i64) -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6) + TimeDelta::minutes(minutes)
}

pub(crate) fn one_microsecond() -> TimeDelta {
    TimeDelta::microseconds(1)
}

/// `grid` redrawn as `geometry`, made from its current version.
pub(crate) fn reshaped(grid: &Grid, geometry: MultiPolygon<f64>) -> PlannedGrid {
    PlannedGrid {
        id: Some(grid.id),
        base_version: grid.version,
        code: grid.code.clone(),
        name: grid.name.clone(),
        level: grid.level,
        parent_id: grid.parent_id,
        geometry: Some(geometry),
        households: grid.households,
        residents: grid.residents,
    }
}

/// `grid` retired, made from its current version.
pub(crate) fn retired(grid: &Grid) -> PlannedGrid {
    PlannedGrid {
        geometry: None,
        ..reshaped(grid, MultiPolygon::new(vec![]))
    }
}

/// A new grid `code` under `parent`.
pub(crate) fn created(code_text: &str, parent: &Grid, geometry: MultiPolygon<f64>) -> PlannedGrid {
    PlannedGrid {
        id: None,
        base_version: 0,
        code: code(code_text),
        name: format!("{code_text} 新网格"),
        level: parent.level + 1,
        parent_id: Some(parent.id),
        geometry: Some(geometry),
        households: 70,
        residents: 210,
    }
}

/// Stores a proposed change set of `grids` by `author`, without problems or impact.
pub(crate) async fn propose(store: &dyn Store, author: &str, grids: Vec<PlannedGrid>) -> ChangeSet {
    store
        .insert_changeset(&NewChangeSet {
            reason: format!("{author} 调整网格"),
            author: author.to_owned(),
            created_at: Utc::now(),
            grids,
            problems: Vec::new(),
            impact: Impact::default(),
        })
        .await
        .unwrap()
}

/// A plan that applies `changeset` at `at` and moves nothing else.
pub(crate) fn plan(changeset: &ChangeSet, at: DateTime<Utc>) -> ApplyPlan {
    ApplyPlan {
        at,
        changeset: changeset.clone(),
        transfers: Vec::new(),
        reroutes: Vec::new(),
    }
}

/// The grid `id` as stored now.
pub(crate) async fn current(store: &dyn Store, id: GridId) -> Grid {
    store.grid(&GridScope::All, id).await.unwrap()
}

/// Everything an apply may write, read back through the contract.
#[derive(Debug, PartialEq)]
pub(crate) struct Snapshot {
    in_service: Vec<Grid>,
    by_id: Vec<Result<Grid, String>>,
    histories: Vec<Vec<GridRevision>>,
    as_of_later: Vec<Grid>,
    changesets: Vec<ChangeSet>,
    workers: Vec<Worker>,
    incidents: Vec<(Incident, Vec<IncidentEvent>)>,
    versions: DataVersions,
}

pub(crate) async fn snapshot(
    store: &dyn Store,
    grids: &[GridId],
    changesets: &[ChangeSetId],
    incidents: &[IncidentId],
) -> Snapshot {
    let mut by_id = Vec::new();
    let mut histories = Vec::new();
    for &id in grids {
        by_id.push(
            store
                .grid(&GridScope::All, id)
                .await
                .map_err(|e| e.to_string()),
        );
        histories.push(store.grid_history(&GridScope::All, id).await.unwrap());
    }
    let mut stored_changesets = Vec::new();
    for &id in changesets {
        stored_changesets.push(store.changeset(id).await.unwrap());
    }
    let mut stored_incidents = Vec::new();
    for &id in incidents {
        stored_incidents.push((
            store.incident(&GridScope::All, id).await.unwrap(),
            store.incident_events(&GridScope::All, id).await.unwrap(),
        ));
    }
    Snapshot {
        in_service: store
            .grids(&GridScope::All, GridFilter::default())
            .await
            .unwrap(),
        by_id,
        histories,
        as_of_later: store
            .grids_as_of(&GridScope::All, None, soon(24 * 60))
            .await
            .unwrap(),
        changesets: stored_changesets,
        workers: store.workers(&GridScope::All).await.unwrap(),
        incidents: stored_incidents,
        versions: store.data_versions().await.unwrap(),
    }
}

/// An open incident filed in the east village, held by its team.
pub(crate) fn east_incident(town: &Seeded) -> (NewIncident, NewIncidentEvent) {
    let reported_at = Utc::now().trunc_subsecs(6);
    let chain = [&town.town, &town.east]
        .iter()
        .map(|g| ChainEntry {
            level: g.level,
            id: g.id,
            code: g.code.to_string(),
            name: g.name.clone(),
        })
        .collect();
    let incident = NewIncident {
        category: "road_damage".to_owned(),
        source: IncidentSource::WorkerApp,
        location: lonlat(119.68, 31.15),
        chain,
        description: "井盖缺失".to_owned(),
        reporter: "李明".to_owned(),
        priority: Priority::Normal,
        responsible: Responsible {
            grid: Some(town.east.id),
            department: None,
        },
        assignee: None,
        reported_at,
        deadline: reported_at + TimeDelta::days(3),
        yellow_at: reported_at + TimeDelta::days(2),
    };
    (incident, step(None, reported_at))
}

pub(crate) fn step(action: Option<IncidentAction>, at: DateTime<Utc>) -> NewIncidentEvent {
    NewIncidentEvent {
        at,
        actor: "调度员".to_owned(),
        action,
        note: String::new(),
        photos: Vec::new(),
        details: EventDetails::default(),
    }
}

/// A plan that retires the east village into the west, moving its workers to the west
/// and re-routing `incident` (as the caller read it) there.
pub(crate) fn east_into_west(
    town: &Seeded,
    changeset: &ChangeSet,
    incident: &Incident,
    at: DateTime<Utc>,
) -> ApplyPlan {
    let mut event = step(Some(IncidentAction::Reroute), at);
    "网格调整: now in the west village".clone_into(&mut event.note);
    ApplyPlan {
        transfers: vec![(town.east.code.clone(), Some(town.west.code.clone()))],
        reroutes: vec![PlannedReroute {
            incident: incident.clone(),
            to: town.west.code.clone(),
            event,
        }],
        ..plan(changeset, at)
    }
}

/// A village a change set creates.
const NEW_VILLAGE: &str = "320282102205";

/// Problems of every kind of geometry a change set keeps.
fn sample_problems(town: &Seeded, awkward: f64) -> Vec<Problem> {
    vec![
        Problem {
            kind: ProblemKind::Invalid,
            severity: Severity::Error,
            message: "grid 320282102203: self-intersection".to_owned(),
            area_m2: 0.0,
            grids: vec![town.west.code.clone()],
            geometry: Some(Geometry::Point(Point::new(awkward, 31.15))),
        },
        Problem {
            kind: ProblemKind::Sliver,
            severity: Severity::Error,
            message: "sliver: 3.25 m² covered by both grids".to_owned(),
            area_m2: 3.25,
            grids: vec![town.west.code.clone(), town.east.code.clone()],
            geometry: Some(Geometry::Polygon(strip(awkward, 119.66).0[0].clone())),
        },
        Problem {
            kind: ProblemKind::Reference,
            severity: Severity::Error,
            message: "grid 42 does not exist".to_owned(),
            area_m2: 0.0,
            grids: Vec::new(),
            geometry: None,
        },
        Problem {
            kind: ProblemKind::LevelRule,
            severity: Severity::Warning,
            message: "about 120 households".to_owned(),
            area_m2: 0.0,
            grids: vec![code(NEW_VILLAGE)],
            geometry: Some(Geometry::Point(Point::new(119.69, 31.15))),
        },
    ]
}

/// An impact with one of everything.
fn sample_impact(town: &Seeded) -> Impact {
    Impact {
        cameras: vec![GridMove {
            id: 7,
            from: Some(town.west.code.clone()),
            to: Some(town.east.code.clone()),
        }],
        incidents: vec![Reroute {
            id: 3,
            from: Some(town.east.code.clone()),
            to: Some(code(NEW_VILLAGE)),
            responsible_from: Some(town.east.code.clone()),
            responsible_to: None,
        }],
        assignments: vec![Reassignment {
            worker_id: 5,
            name: "王芳".to_owned(),
            from: town.east.code.clone(),
            to: Some(code(NEW_VILLAGE)),
        }],
        households: 42,
    }
}

pub async fn a_proposed_change_set_round_trips(store: &dyn Store) {
    let town = seed(store).await;
    let before = store.data_versions().await.unwrap();
    // A boundary off the decimal grid, so a lossy JSON document would show.
    let awkward = next_up(119.65) + 1e-9;
    let problems = sample_problems(&town, awkward);
    let impact = sample_impact(&town);
    let new = NewChangeSet {
        reason: "新建小区，调整村界".to_owned(),
        author: "王规划".to_owned(),
        created_at: DateTime::from_timestamp(1_795_000_000, 123_456_000).unwrap(),
        grids: vec![
            reshaped(&town.west, strip(119.6, awkward)),
            retired(&town.east),
            created(NEW_VILLAGE, &town.town, strip(awkward, 119.7)),
        ],
        problems,
        impact,
    };

    let stored = store.insert_changeset(&new).await.unwrap();
    let read = store.changeset(stored.id).await.unwrap();

    let expected = ChangeSet {
        id: stored.id,
        reason: new.reason.clone(),
        author: new.author.clone(),
        status: ChangeSetStatus::Proposed,
        created_at: new.created_at,
        decided_at: None,
        grids: new.grids.clone(),
        problems: new.problems.clone(),
        impact: new.impact.clone(),
    };
    assert_eq!(stored, expected, "as inserted");
    assert_eq!(read, expected, "as read back");
    let west_boundary = read.grids[0].geometry.as_ref().unwrap();
    assert_eq!(
        bits(west_boundary),
        bits(&strip(119.6, awkward)),
        "coordinates moved"
    );
    assert!(read.has_errors(), "the problems keep their severity");
    let other = propose(store, "李规划", vec![retired(&town.east)]).await;
    assert_ne!(other.id, stored.id, "each change set has its own id");
    assert_eq!(
        (
            store.data_versions().await.unwrap(),
            current(store, town.west.id).await
        ),
        (before, town.west.clone()),
        "proposing changes no grid"
    );
    let missing = store.changeset(other.id + 1000).await;
    assert!(
        matches!(missing, Err(StoreError::NotFound(_))),
        "{missing:?}"
    );
}
