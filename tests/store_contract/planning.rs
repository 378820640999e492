//! Contract cases for grid planning: a change set round-trips; applying one rewrites its
//! grids in one transaction (a version more each, the old version kept in the history,
//! "as of" a time answering either), moves workers' assignments and re-routes incidents
//! as the plan says; a stale base version, a failure part-way through and a second
//! decision all store nothing. Instantiated for every backend by `contract!` in
//! `store_contract.rs`; the database's own coverage re-check is PostGIS's alone and has a
//! test of its own at the bottom.
//!
//! The store does not check geometry (the service does, before it builds an
//! [`ApplyPlan`]), so the plans here are built by hand: a town of two villages, west and
//! east, whose shared boundary moves.

use super::workers::worker;
use super::{TOWN, code, lonlat};
use crate::common::{bits, new_grid, next_up, taihua_levels};
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use geo::{Geometry, LineString, MultiPolygon, Point, Polygon};
use gridlink::domain::{
    ChainEntry, ChangeSet, ChangeSetId, ChangeSetStatus, EventDetails, Grid, GridId, GridMove,
    GridRevision, Impact, Incident, IncidentAction, IncidentEvent, IncidentId, IncidentSource,
    IncidentState, IncidentStatus, NewIncident, NewIncidentEvent, PlannedGrid, Priority, Problem,
    ProblemKind, Reassignment, Reroute, Responsible, Severity, Worker,
};
use gridlink::store::{
    ApplyPlan, DataVersions, GridFilter, NewChangeSet, PlannedReroute, Store, StoreError,
};

const WEST: &str = "320282102203";
const EAST: &str = "320282102204";
/// A comprehensive grid covering the whole west village.
const WEST_GRID: &str = "320282102203001";

/// An axis-aligned rectangle, its corners spelt once so neighbours share them bit for bit.
fn rect(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> MultiPolygon<f64> {
    let ring = LineString::from(vec![
        (min_lon, min_lat),
        (max_lon, min_lat),
        (max_lon, max_lat),
        (min_lon, max_lat),
    ]);
    MultiPolygon::new(vec![Polygon::new(ring, vec![])])
}

/// The village that covers `lon_from..lon_to` of the town (lat 31.1..31.2).
fn strip(lon_from: f64, lon_to: f64) -> MultiPolygon<f64> {
    rect(lon_from, 31.1, lon_to, 31.2)
}

/// The town (lon 119.6..119.7) and its two villages, split at lon 119.65.
struct Town {
    town: Grid,
    west: Grid,
    east: Grid,
}

async fn seed(store: &dyn Store) -> Town {
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
    Town { town, west, east }
}

/// Some minutes from now, to the microsecond (what both backends keep): later than every
/// grid the test inserted, as an apply always is.
fn soon(minutes: i64) -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6) + TimeDelta::minutes(minutes)
}

fn one_microsecond() -> TimeDelta {
    TimeDelta::microseconds(1)
}

/// `grid` redrawn as `geometry`, made from its current version.
fn reshaped(grid: &Grid, geometry: MultiPolygon<f64>) -> PlannedGrid {
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
fn retired(grid: &Grid) -> PlannedGrid {
    PlannedGrid {
        geometry: None,
        ..reshaped(grid, MultiPolygon::new(vec![]))
    }
}

/// A new grid `code` under `parent`.
fn created(code_text: &str, parent: &Grid, geometry: MultiPolygon<f64>) -> PlannedGrid {
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
async fn propose(store: &dyn Store, author: &str, grids: Vec<PlannedGrid>) -> ChangeSet {
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
fn plan(changeset: &ChangeSet, at: DateTime<Utc>) -> ApplyPlan {
    ApplyPlan {
        at,
        changeset: changeset.clone(),
        transfers: Vec::new(),
        reroutes: Vec::new(),
    }
}

/// The grid `id` as stored now.
async fn current(store: &dyn Store, id: GridId) -> Grid {
    store.grid(id).await.unwrap()
}

/// Everything an apply may write, read back through the contract.
#[derive(Debug, PartialEq)]
struct Snapshot {
    in_service: Vec<Grid>,
    by_id: Vec<Result<Grid, String>>,
    histories: Vec<Vec<GridRevision>>,
    as_of_later: Vec<Grid>,
    changesets: Vec<ChangeSet>,
    workers: Vec<Worker>,
    incidents: Vec<(Incident, Vec<IncidentEvent>)>,
    versions: DataVersions,
}

async fn snapshot(
    store: &dyn Store,
    grids: &[GridId],
    changesets: &[ChangeSetId],
    incidents: &[IncidentId],
) -> Snapshot {
    let mut by_id = Vec::new();
    let mut histories = Vec::new();
    for &id in grids {
        by_id.push(store.grid(id).await.map_err(|e| e.to_string()));
        histories.push(store.grid_history(id).await.unwrap());
    }
    let mut stored_changesets = Vec::new();
    for &id in changesets {
        stored_changesets.push(store.changeset(id).await.unwrap());
    }
    let mut stored_incidents = Vec::new();
    for &id in incidents {
        stored_incidents.push((
            store.incident(id).await.unwrap(),
            store.incident_events(id).await.unwrap(),
        ));
    }
    Snapshot {
        in_service: store.grids(GridFilter::default()).await.unwrap(),
        by_id,
        histories,
        as_of_later: store.grids_as_of(None, soon(24 * 60)).await.unwrap(),
        changesets: stored_changesets,
        workers: store.workers().await.unwrap(),
        incidents: stored_incidents,
        versions: store.data_versions().await.unwrap(),
    }
}

/// An open incident filed in the east village, held by its team.
fn east_incident(town: &Town) -> (NewIncident, NewIncidentEvent) {
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

fn step(action: Option<IncidentAction>, at: DateTime<Utc>) -> NewIncidentEvent {
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
fn east_into_west(
    town: &Town,
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

pub async fn a_proposed_change_set_round_trips(store: &dyn Store) {
    let town = seed(store).await;
    let before = store.data_versions().await.unwrap();
    // A boundary off the decimal grid, so a lossy JSON document would show.
    let awkward = next_up(119.65) + 1e-9;
    let new_village = "320282102205";
    let problems = vec![
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
            grids: vec![code(new_village)],
            geometry: Some(Geometry::Point(Point::new(119.69, 31.15))),
        },
    ];
    let impact = Impact {
        cameras: vec![GridMove {
            id: 7,
            from: Some(town.west.code.clone()),
            to: Some(town.east.code.clone()),
        }],
        incidents: vec![Reroute {
            id: 3,
            from: Some(town.east.code.clone()),
            to: Some(code(new_village)),
            responsible_from: Some(town.east.code.clone()),
            responsible_to: None,
        }],
        assignments: vec![Reassignment {
            worker_id: 5,
            name: "王芳".to_owned(),
            from: town.east.code.clone(),
            to: Some(code(new_village)),
        }],
        households: 42,
    };
    let new = NewChangeSet {
        reason: "新建小区，调整村界".to_owned(),
        author: "王规划".to_owned(),
        created_at: DateTime::from_timestamp(1_795_000_000, 123_456_000).unwrap(),
        grids: vec![
            reshaped(&town.west, strip(119.6, awkward)),
            retired(&town.east),
            created(new_village, &town.town, strip(awkward, 119.7)),
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

pub async fn applying_a_reshape_bumps_the_version_and_keeps_the_old_one_in_the_history(
    store: &dyn Store,
) {
    let town = seed(store).await;
    let versions = store.data_versions().await.unwrap();
    let (old_west, moved_west) = (strip(119.6, 119.65), strip(119.6, 119.66));
    let first = propose(
        store,
        "王规划",
        vec![
            reshaped(&town.west, moved_west.clone()),
            reshaped(&town.east, strip(119.66, 119.7)),
        ],
    )
    .await;
    let at = soon(60);

    let applied = store.apply_changeset(&plan(&first, at)).await.unwrap();

    assert_eq!(
        (applied.status, applied.decided_at),
        (ChangeSetStatus::Applied, Some(at))
    );
    assert_eq!(store.changeset(first.id).await.unwrap(), applied);
    let west = current(store, town.west.id).await;
    assert_eq!(
        (west.version, bits(&west.geometry)),
        (2, bits(&moved_west)),
        "the west village is redrawn, one version on"
    );
    assert_eq!(current(store, town.east.id).await.version, 2);
    assert_eq!(current(store, town.town.id).await, town.town, "untouched");
    assert_eq!(
        store.data_versions().await.unwrap(),
        DataVersions {
            grids: versions.grids + 1,
            ..versions
        },
        "one bump of the grids, nothing else"
    );

    let history = store.grid_history(town.west.id).await.unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    let (imported, redrawn) = (&history[0], &history[1]);
    assert_eq!(imported.grid, town.west, "the old version as it was");
    assert_eq!(bits(&imported.grid.geometry), bits(&old_west));
    assert_eq!(
        (imported.version, imported.valid_to, imported.retired),
        (1, Some(at), false)
    );
    assert_eq!(
        (
            imported.changeset,
            imported.author.as_deref(),
            imported.reason.as_deref()
        ),
        (None, None, None),
        "imported, not made by a change set"
    );
    assert!(imported.valid_from < at, "{imported:?}");
    assert_eq!(redrawn.grid, west);
    assert_eq!(
        (redrawn.version, redrawn.valid_from, redrawn.valid_to),
        (2, at, None)
    );
    assert_eq!(
        (
            redrawn.changeset,
            redrawn.author.as_deref(),
            redrawn.reason.as_deref()
        ),
        (Some(first.id), Some("王规划"), Some(first.reason.as_str()))
    );

    // A second planner moves the boundary back.
    let west_now = current(store, town.west.id).await;
    let east_now = current(store, town.east.id).await;
    let second = propose(
        store,
        "李规划",
        vec![
            reshaped(&west_now, old_west.clone()),
            reshaped(&east_now, strip(119.65, 119.7)),
        ],
    )
    .await;
    let later = soon(120);
    store.apply_changeset(&plan(&second, later)).await.unwrap();

    let history = store.grid_history(town.west.id).await.unwrap();
    let summary: Vec<_> = history
        .iter()
        .map(|r| {
            (
                r.version,
                r.valid_from,
                r.valid_to,
                r.author.clone(),
                bits(&r.grid.geometry),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, imported.valid_from, Some(at), None, bits(&old_west)),
            (
                2,
                at,
                Some(later),
                Some("王规划".to_owned()),
                bits(&moved_west)
            ),
            (3, later, None, Some("李规划".to_owned()), bits(&old_west)),
        ],
        "every version, oldest first"
    );

    let cases = [
        ("before the grids were stored", imported.valid_from - one_microsecond(), None),
        ("as imported", imported.valid_from, Some(&old_west)),
        ("just before the first apply", at - one_microsecond(), Some(&old_west)),
        ("at the first apply", at, Some(&moved_west)),
        ("just before the second", later - one_microsecond(), Some(&moved_west)),
        ("at the second apply", later, Some(&old_west)),
    ];
    for (label, when, expected) in cases {
        let villages = store.grids_as_of(Some(2), when).await.unwrap();
        let west = villages.iter().find(|g| g.id == town.west.id);
        assert_eq!(
            west.map(|g| bits(&g.geometry)),
            expected.map(bits),
            "{label}: the west village"
        );
        let levels: Vec<_> = villages.iter().map(|g| g.level).collect();
        let expected_count = if expected.is_some() { 2 } else { 0 };
        assert_eq!(levels, vec![2; expected_count], "{label}: villages only");
    }
    let everything = store.grids_as_of(None, at).await.unwrap();
    let codes: Vec<_> = everything.iter().map(|g| g.code.to_string()).collect();
    assert_eq!(codes, [TOWN, WEST, EAST], "every level, by level and code");
    assert_eq!(
        everything.iter().map(|g| g.version).collect::<Vec<_>>(),
        [1, 2, 2],
        "the versions in force then"
    );
}

pub async fn a_stale_base_version_is_refused_and_changes_nothing(store: &dyn Store) {
    let town = seed(store).await;
    let ids = [town.town.id, town.west.id, town.east.id];
    let made_from_v1 = |west_to: f64| {
        vec![
            reshaped(&town.west, strip(119.6, west_to)),
            reshaped(&town.east, strip(west_to, 119.7)),
        ]
    };
    let first = propose(store, "王规划", made_from_v1(119.66)).await;
    let rival = propose(store, "李规划", made_from_v1(119.64)).await;
    store
        .apply_changeset(&plan(&first, soon(10)))
        .await
        .unwrap();
    // Now from version 2: one change set retires the east village, another redraws it.
    let west = current(store, town.west.id).await;
    let east = current(store, town.east.id).await;
    let retire = propose(
        store,
        "王规划",
        vec![reshaped(&west, strip(119.6, 119.7)), retired(&east)],
    )
    .await;
    let redraw = propose(store, "张规划", vec![reshaped(&east, strip(119.66, 119.7))]).await;
    store
        .apply_changeset(&plan(&retire, soon(20)))
        .await
        .unwrap();

    let cases = [
        ("made from version 1 of grids now at 2", &rival, "version"),
        ("made from a grid retired since", &redraw, "retired"),
    ];
    for (label, stale, mentions) in cases {
        let changesets = [first.id, rival.id, retire.id, redraw.id];
        let before = snapshot(store, &ids, &changesets, &[]).await;

        let result = store.apply_changeset(&plan(stale, soon(30))).await;

        match result {
            Err(StoreError::Stale(message)) => {
                assert!(message.contains(mentions), "{label}: {message:?}");
                assert!(message.contains(EAST) || message.contains(WEST), "{label}: {message:?}");
            }
            other => panic!("{label}: expected Stale, got {other:?}"),
        }
        assert_eq!(
            snapshot(store, &ids, &changesets, &[]).await,
            before,
            "{label}: nothing changed"
        );
        assert_eq!(
            store.changeset(stale.id).await.unwrap().status,
            ChangeSetStatus::Proposed,
            "{label}: still proposed"
        );
    }
}

pub async fn a_failure_part_way_through_apply_leaves_every_table_unchanged(store: &dyn Store) {
    let town = seed(store).await;
    let workers = store
        .insert_workers(&[worker("李明", &[EAST]), worker("王芳", &[WEST, EAST])])
        .await
        .unwrap();
    let (report, first_step) = east_incident(&town);
    let filed = store.insert_incident(&report, &first_step).await.unwrap();
    let mut accepted = filed.clone();
    accepted.state = IncidentState::new(IncidentStatus::Accepted, None).unwrap();
    let accepted = store
        .update_incident(
            &accepted,
            &step(Some(IncidentAction::Accept), Utc::now().trunc_subsecs(6)),
        )
        .await
        .unwrap();
    let merge = propose(
        store,
        "王规划",
        vec![reshaped(&town.west, strip(119.6, 119.7)), retired(&town.east)],
    )
    .await;
    // The east village retired and a new grid given its code, which grids never reuse.
    let reuse = propose(
        store,
        "李规划",
        vec![
            reshaped(&town.west, strip(119.6, 119.66)),
            retired(&town.east),
            created(EAST, &town.town, strip(119.66, 119.7)),
        ],
    )
    .await;
    let at = soon(10);
    let mut unknown_transfer = east_into_west(&town, &merge, &accepted, at);
    unknown_transfer.transfers = vec![(code("320282102207"), Some(town.west.code.clone()))];
    let cases = [
        (
            "a new grid whose code already exists",
            plan(&reuse, at),
            "conflict",
        ),
        (
            "a reroute of an incident whose revision moved on",
            east_into_west(&town, &merge, &filed, at),
            "conflict",
        ),
        (
            "a transfer from a grid not in the change set",
            unknown_transfer,
            "invalid",
        ),
    ];
    let ids = [town.town.id, town.west.id, town.east.id];
    let changesets = [merge.id, reuse.id];
    for (label, failing, expected) in cases {
        let before = snapshot(store, &ids, &changesets, &[filed.id]).await;

        let result = store.apply_changeset(&failing).await;

        let refused = match &result {
            Err(StoreError::Conflict(_)) => "conflict",
            Err(StoreError::Invalid(_)) => "invalid",
            _ => "something else",
        };
        assert_eq!(refused, expected, "{label}: {result:?}");
        assert_eq!(
            snapshot(store, &ids, &changesets, &[filed.id]).await,
            before,
            "{label}: every table as it was"
        );
    }

    // The same plan with the incident as it now is goes through, so the refusals above
    // came from the step that failed and not from a plan that could never apply.
    let applied = store
        .apply_changeset(&east_into_west(&town, &merge, &accepted, at))
        .await
        .unwrap();
    assert_eq!(applied.status, ChangeSetStatus::Applied);
    let rerouted = store.incident(filed.id).await.unwrap();
    assert_eq!(rerouted.responsible.grid, Some(town.west.id));
    assert_eq!(rerouted.chain, filed.chain, "the chain it was filed under");
    assert_eq!(rerouted.status(), IncidentStatus::Accepted, "still accepted");
    assert_eq!(rerouted.revision, accepted.revision + 1);
    let events = store.incident_events(filed.id).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        (last.action, last.from, last.to, last.at),
        (
            Some(IncidentAction::Reroute),
            Some(IncidentStatus::Accepted),
            IncidentStatus::Accepted,
            at
        ),
        "{events:?}"
    );
    assert_eq!(
        last.details.responsible.as_ref().and_then(|r| r.grid),
        Some(town.west.id),
        "the step names the grid that took it over"
    );
    let moved: Vec<_> = store
        .workers()
        .await
        .unwrap()
        .into_iter()
        .map(|w| (w.id, w.grid_ids))
        .collect();
    assert_eq!(
        moved,
        [
            (workers[0].id, vec![town.west.id]),
            (workers[1].id, vec![town.west.id])
        ]
    );
}

pub async fn retiring_moves_workers_assignments_as_the_transfers_say(store: &dyn Store) {
    let town = seed(store).await;
    let west_grid = store
        .insert_grids(&[new_grid(WEST_GRID, "太华村第一网格", strip(119.6, 119.65))])
        .await
        .unwrap()
        .remove(0);
    let staff = store
        .insert_workers(&[
            worker("李明", &[EAST]),
            worker("王芳", &[WEST, EAST]),
            worker("张伟", &[WEST_GRID]),
            worker("刘洋", &[TOWN]),
        ])
        .await
        .unwrap();
    let versions = store.data_versions().await.unwrap();
    let changeset = propose(
        store,
        "王规划",
        vec![
            retired(&town.east),
            reshaped(&town.west, strip(119.6, 119.7)),
            retired(&west_grid),
        ],
    )
    .await;
    let transfers = vec![
        (town.east.code.clone(), Some(town.west.code.clone())),
        (west_grid.code.clone(), None),
    ];

    store
        .apply_changeset(&ApplyPlan {
            transfers,
            ..plan(&changeset, soon(10))
        })
        .await
        .unwrap();

    let cases = [
        ("moves from the east to the west", &staff[0], vec![town.west.id]),
        ("is on the west once", &staff[1], vec![town.west.id]),
        ("loses a grid retired without successor", &staff[2], vec![]),
        ("keeps a grid the change set leaves alone", &staff[3], vec![town.town.id]),
    ];
    for (label, before, expected) in cases {
        let after = store.worker(before.id).await.unwrap();
        assert_eq!(after.grid_ids, expected, "{} {label}", before.name);
    }
    assert_eq!(
        store.data_versions().await.unwrap(),
        DataVersions {
            grids: versions.grids + 1,
            workers: versions.workers + 1,
            ..versions
        }
    );
    let in_service: Vec<_> = store
        .grids(GridFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.code.to_string())
        .collect();
    assert_eq!(in_service, [TOWN, WEST], "retired grids are not listed");
    let gone = store.grid(town.east.id).await;
    assert!(matches!(gone, Err(StoreError::NotFound(_))), "{gone:?}");
    let east_history = store.grid_history(town.east.id).await.unwrap();
    assert_eq!(
        east_history
            .iter()
            .map(|r| (r.version, r.retired))
            .collect::<Vec<_>>(),
        [(1, false), (2, true)],
        "the retirement is the last version"
    );
}

/// What the test asks of a change set.
#[derive(Debug, Clone, Copy)]
enum Decision {
    Apply,
    Discard,
}

pub async fn discarding_and_deciding_twice_are_conflicts(store: &dyn Store) {
    let town = seed(store).await;
    let moved = |west_to: f64| {
        vec![
            reshaped(&town.west, strip(119.6, west_to)),
            reshaped(&town.east, strip(west_to, 119.7)),
        ]
    };
    let dropped = propose(store, "王规划", moved(119.64)).await;
    let kept = propose(store, "李规划", moved(119.66)).await;
    let at = soon(10);

    let discarded = store.discard_changeset(dropped.id, at).await.unwrap();

    assert_eq!(
        (discarded.status, discarded.decided_at),
        (ChangeSetStatus::Discarded, Some(at))
    );
    assert_eq!(store.changeset(dropped.id).await.unwrap(), discarded);
    assert_eq!(current(store, town.west.id).await, town.west, "no grid changed");
    store
        .apply_changeset(&plan(&kept, soon(20)))
        .await
        .unwrap();

    let cases = [
        ("discarding a discarded one", &dropped, Decision::Discard, "discarded"),
        ("applying a discarded one", &dropped, Decision::Apply, "discarded"),
        ("applying an applied one again", &kept, Decision::Apply, "applied"),
        ("discarding an applied one", &kept, Decision::Discard, "applied"),
    ];
    let ids = [town.town.id, town.west.id, town.east.id];
    for (label, changeset, decision, status) in cases {
        let before = snapshot(store, &ids, &[dropped.id, kept.id], &[]).await;

        let result = match decision {
            Decision::Apply => store.apply_changeset(&plan(changeset, soon(30))).await,
            Decision::Discard => store.discard_changeset(changeset.id, soon(30)).await,
        };

        match result {
            Err(StoreError::Conflict(message)) => {
                assert!(message.contains(status), "{label}: {message:?}");
            }
            other => panic!("{label}: expected a conflict, got {other:?}"),
        }
        assert_eq!(
            snapshot(store, &ids, &[dropped.id, kept.id], &[]).await,
            before,
            "{label}: nothing changed"
        );
    }
    let unknown = ChangeSet {
        id: kept.id + 1000,
        ..dropped.clone()
    };
    for decision in [Decision::Apply, Decision::Discard] {
        let result = match decision {
            Decision::Apply => store.apply_changeset(&plan(&unknown, soon(30))).await,
            Decision::Discard => store.discard_changeset(unknown.id, soon(30)).await,
        };
        assert!(
            matches!(result, Err(StoreError::NotFound(_))),
            "{decision:?} an unknown change set: {result:?}"
        );
    }
}

/// PostGIS re-checks, inside the apply's transaction and with its own functions, that the
/// families a change set touches still cover their parents exactly once; a plan that
/// bypassed the service's checks is refused as [`StoreError::Invalid`] and stores nothing.
/// (SQLite has no geometry functions: there, the service's checks are all there is.)
#[tokio::test]
async fn postgis_refuses_a_plan_that_leaves_an_overlap_or_a_gap_by_its_own_recheck() {
    let fixture = crate::common::postgres_store().await;
    let store = fixture.store.as_ref();
    let town = seed(store).await;
    let ids = [town.town.id, town.west.id, town.east.id];
    let cases = [
        (
            "the west village pushed into the east",
            vec![reshaped(&town.west, strip(119.6, 119.66))],
        ),
        (
            "the west village pulled back, leaving a gap",
            vec![reshaped(&town.west, strip(119.6, 119.64))],
        ),
        (
            "both villages moved apart",
            vec![
                reshaped(&town.west, strip(119.6, 119.64)),
                reshaped(&town.east, strip(119.66, 119.7)),
            ],
        ),
    ];
    for (label, grids) in cases {
        let changeset = propose(store, "王规划", grids).await;
        let before = snapshot(store, &ids, &[changeset.id], &[]).await;

        let result = store.apply_changeset(&plan(&changeset, soon(10))).await;

        match result {
            Err(StoreError::Invalid(message)) => {
                assert!(message.contains("m²"), "{label}: {message:?}");
            }
            other => panic!("{label}: expected Invalid, got {other:?}"),
        }
        assert_eq!(
            snapshot(store, &ids, &[changeset.id], &[]).await,
            before,
            "{label}: nothing changed"
        );
    }

    // The same boundary moved in both villages covers the town once and goes through.
    let consistent = propose(
        store,
        "王规划",
        vec![
            reshaped(&town.west, strip(119.6, 119.66)),
            reshaped(&town.east, strip(119.66, 119.7)),
        ],
    )
    .await;
    let applied = store.apply_changeset(&plan(&consistent, soon(10))).await;
    assert!(applied.is_ok(), "{applied:?}");
}
