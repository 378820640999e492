//! Contract cases for applying change sets: a version more per grid with the old kept in
//! the history, "as of" a time, a stale base version, and a failure part-way through.
//! Instantiated for every backend by `contract!` in `store_contract.rs`.

use super::planning::{
    EAST, Seeded, WEST, created, current, east_incident, east_into_west, one_microsecond, plan,
    propose, reshaped, retired, seed, snapshot, soon, step, strip,
};
use super::workers::worker;
use super::{TOWN, code};
use crate::common::bits;
use chrono::{DateTime, SubsecRound, Utc};
use gridlink::domain::GridScope;
use gridlink::domain::{
    ChangeSet, ChangeSetStatus, Incident, IncidentAction, IncidentState, IncidentStatus, Worker,
};
use gridlink::store::{DataVersions, Store, StoreError};

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

    let applied = store
        .apply_changeset(&plan(&first, at))
        .await
        .unwrap()
        .changeset;

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

    let history = store
        .grid_history(&GridScope::All, town.west.id)
        .await
        .unwrap();
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
}

/// Two applies on the seeded town: the shared boundary moved east at `at` by one
/// planner, and back at `later` by another.
pub(crate) struct MovedTwice {
    town: Seeded,
    imported_from: DateTime<Utc>,
    at: DateTime<Utc>,
    later: DateTime<Utc>,
}

async fn move_twice(store: &dyn Store) -> MovedTwice {
    let town = seed(store).await;
    let mut applied_at = Vec::new();
    for (author, boundary, minutes) in [("王规划", 119.66, 60), ("李规划", 119.65, 120)] {
        let (west, east) = (
            current(store, town.west.id).await,
            current(store, town.east.id).await,
        );
        let changeset = propose(
            store,
            author,
            vec![
                reshaped(&west, strip(119.6, boundary)),
                reshaped(&east, strip(boundary, 119.7)),
            ],
        )
        .await;
        let at = soon(minutes);
        store.apply_changeset(&plan(&changeset, at)).await.unwrap();
        applied_at.push(at);
    }
    let imported_from = store
        .grid_history(&GridScope::All, town.west.id)
        .await
        .unwrap()[0]
        .valid_from;
    MovedTwice {
        town,
        imported_from,
        at: applied_at[0],
        later: applied_at[1],
    }
}

pub async fn every_version_is_kept_oldest_first_and_as_of_answers_the_one_in_force_then(
    store: &dyn Store,
) {
    let MovedTwice {
        town,
        imported_from,
        at,
        later,
    } = move_twice(store).await;
    let (old_west, moved_west) = (strip(119.6, 119.65), strip(119.6, 119.66));
    let history = store
        .grid_history(&GridScope::All, town.west.id)
        .await
        .unwrap();
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
            (1, imported_from, Some(at), None, bits(&old_west)),
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
        (
            "before the grids were stored",
            imported_from - one_microsecond(),
            None,
        ),
        ("as imported", imported_from, Some(&old_west)),
        (
            "just before the first apply",
            at - one_microsecond(),
            Some(&old_west),
        ),
        ("at the first apply", at, Some(&moved_west)),
        (
            "just before the second",
            later - one_microsecond(),
            Some(&moved_west),
        ),
        ("at the second apply", later, Some(&old_west)),
    ];
    for (label, when, expected) in cases {
        let villages = store
            .grids_as_of(&GridScope::All, Some(2), when)
            .await
            .unwrap();
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
    let everything = store.grids_as_of(&GridScope::All, None, at).await.unwrap();
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
                assert!(
                    message.contains(EAST) || message.contains(WEST),
                    "{label}: {message:?}"
                );
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

/// The seeded town with two workers on the east village, an accepted incident there
/// (as filed and as accepted) and a proposed change set retiring the east into the west.
pub(crate) struct Staffed {
    pub(crate) town: Seeded,
    pub(crate) workers: Vec<Worker>,
    pub(crate) filed: Incident,
    pub(crate) accepted: Incident,
    pub(crate) merge: ChangeSet,
}

pub(crate) async fn staffed(store: &dyn Store) -> Staffed {
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
        vec![
            reshaped(&town.west, strip(119.6, 119.7)),
            retired(&town.east),
        ],
    )
    .await;
    Staffed {
        town,
        workers,
        filed,
        accepted,
        merge,
    }
}

pub async fn a_failure_part_way_through_apply_leaves_every_table_unchanged(store: &dyn Store) {
    let Staffed {
        town,
        filed,
        accepted,
        merge,
        ..
    } = staffed(store).await;
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
}
