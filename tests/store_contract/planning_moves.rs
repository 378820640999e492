//! Contract cases for what an apply moves besides the grids (workers' assignments and
//! re-routed incidents, as the plan says), for deciding a change set twice, and, on PostGIS
//! only, for the database's own coverage re-check. Instantiated for every backend by
//! `contract!` in `store_contract.rs`.

use super::TOWN;
use super::planning::{
    EAST, WEST, WEST_GRID, current, east_into_west, plan, propose, reshaped, retired, seed,
    snapshot, soon, strip,
};
use super::planning_apply::{Staffed, staffed};
use super::workers::worker;
use crate::common::{bits, new_grid};
use gridlink::domain::GridScope;
use gridlink::domain::{ChangeSet, ChangeSetStatus, IncidentAction, IncidentStatus};
use gridlink::store::{ApplyPlan, DataVersions, GridFilter, Store, StoreError};

pub async fn an_apply_reroutes_incidents_and_moves_workers_as_its_plan_says(store: &dyn Store) {
    let Staffed {
        town,
        workers,
        filed,
        accepted,
        merge,
    } = staffed(store).await;
    let at = soon(10);

    let applied = store
        .apply_changeset(&east_into_west(&town, &merge, &accepted, at))
        .await
        .unwrap()
        .changeset;
    assert_eq!(applied.status, ChangeSetStatus::Applied);
    let rerouted = store.incident(&GridScope::All, filed.id).await.unwrap();
    assert_eq!(rerouted.responsible.grid, Some(town.west.id));
    assert_eq!(rerouted.chain, filed.chain, "the chain it was filed under");
    assert_eq!(
        rerouted.status(),
        IncidentStatus::Accepted,
        "still accepted"
    );
    assert_eq!(rerouted.revision, accepted.revision + 1);
    let events = store
        .incident_events(&GridScope::All, filed.id)
        .await
        .unwrap();
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
        .workers(&GridScope::All)
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
        (
            "moves from the east to the west",
            &staff[0],
            vec![town.west.id],
        ),
        ("is on the west once", &staff[1], vec![town.west.id]),
        ("loses a grid retired without successor", &staff[2], vec![]),
        (
            "keeps a grid the change set leaves alone",
            &staff[3],
            vec![town.town.id],
        ),
    ];
    for (label, before, expected) in cases {
        let after = store.worker(&GridScope::All, before.id).await.unwrap();
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
        .grids(&GridScope::All, GridFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.code.to_string())
        .collect();
    assert_eq!(in_service, [TOWN, WEST], "retired grids are not listed");
    // Incidents and history still name a retired grid, so it is still read by id, as
    // its retired version.
    let gone = store.grid(&GridScope::All, town.east.id).await.unwrap();
    assert_eq!(
        (gone.version, bits(&gone.geometry)),
        (2, bits(&town.east.geometry))
    );
    let east_history = store
        .grid_history(&GridScope::All, town.east.id)
        .await
        .unwrap();
    assert_eq!(
        east_history
            .iter()
            .map(|r| (r.version, r.retired))
            .collect::<Vec<_>>(),
        [(1, false), (2, true)],
        "the retirement is the last version"
    );
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
    assert_eq!(
        current(store, town.west.id).await,
        town.west,
        "no grid changed"
    );
    store.apply_changeset(&plan(&kept, soon(20))).await.unwrap();

    let cases = [
        (
            "discarding a discarded one",
            &dropped,
            Decision::Discard,
            "discarded",
        ),
        (
            "applying a discarded one",
            &dropped,
            Decision::Apply,
            "discarded",
        ),
        (
            "applying an applied one again",
            &kept,
            Decision::Apply,
            "applied",
        ),
        (
            "discarding an applied one",
            &kept,
            Decision::Discard,
            "applied",
        ),
    ];
    let ids = [town.town.id, town.west.id, town.east.id];
    for (label, changeset, decision, status) in cases {
        let before = snapshot(store, &ids, &[dropped.id, kept.id], &[]).await;

        let result = match decision {
            Decision::Apply => store
                .apply_changeset(&plan(changeset, soon(30)))
                .await
                .map(|applied| applied.changeset),
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
            Decision::Apply => store
                .apply_changeset(&plan(&unknown, soon(30)))
                .await
                .map(|applied| applied.changeset),
            Decision::Discard => store.discard_changeset(unknown.id, soon(30)).await,
        };
        assert!(
            matches!(result, Err(StoreError::NotFound(_))),
            "{decision:?} an unknown change set: {result:?}"
        );
    }
}
