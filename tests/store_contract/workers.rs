//! Contract cases for workers: assignments, positions reported over time, and a whole
//! dataset stored at once. Instantiated for every backend by `contract!` in
//! `store_contract.rs`.

use super::cases::camera;
use super::{GRID, TOWN, VILLAGE, assert_conflict_naming, code, lonlat, seed_town, taihua_levels};
use crate::common::{new_grid, next_up, square};
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use gridlink::domain::GridScope;
use gridlink::domain::{Fix, LonLat, NewWorker, Shift, Worker, WorkerId, WorkerRole};
use gridlink::store::{Dataset, DatasetCounts, GridFilter, Store, StoreError};

pub(crate) fn worker(name: &str, grids: &[&str]) -> NewWorker {
    NewWorker {
        name: name.to_owned(),
        role: WorkerRole::FullTime,
        department: None,
        phone: "13800000000".to_owned(),
        grid_codes: grids.iter().map(|c| code(c)).collect(),
        on_duty: false,
        position: None,
        position_at: None,
        shifts: Vec::new(),
    }
}

/// Reports a position through `Store::record_position` and reads the worker back.
async fn report(
    store: &dyn Store,
    id: WorkerId,
    position: LonLat,
    at: DateTime<Utc>,
) -> Result<Worker, StoreError> {
    let fix = Fix {
        position,
        accuracy_m: 5.0,
        at,
    };
    store.record_position(id, &fix, at).await?;
    store.worker(&GridScope::All, id).await
}

pub async fn workers_round_trip_with_their_grid_assignments(store: &dyn Store) {
    let [_, village, grid] = <[_; 3]>::try_from(seed_town(store).await).unwrap();
    let mut staff = worker("王芳", &[GRID, VILLAGE]);
    staff.role = WorkerRole::DepartmentStaff;
    staff.department = Some("综治办".to_owned());
    staff.on_duty = true;
    staff.position = Some(lonlat(next_up(119.65), 31.123_456_7));
    staff.position_at = chrono::DateTime::from_timestamp(1_750_000_000, 123_456_000);
    let stored = store
        .insert_workers(&[worker("李明", &[GRID]), staff])
        .await
        .unwrap();

    assert_eq!(stored[0].grid_ids, [grid.id]);
    assert_eq!(stored[1].grid_ids, [village.id, grid.id], "in id order");
    assert_eq!(
        store.worker(&GridScope::All, stored[1].id).await.unwrap(),
        stored[1]
    );
    assert_eq!(store.workers(&GridScope::All).await.unwrap(), stored);
}

pub async fn workers_by_ids_are_those_known_once_each_in_id_order(store: &dyn Store) {
    let [_, village, grid] = <[_; 3]>::try_from(seed_town(store).await).unwrap();
    let stored = store
        .insert_workers(&[
            worker("李明", &[GRID]),
            worker("王芳", &[GRID, VILLAGE]),
            worker("张伟", &[]),
        ])
        .await
        .unwrap();
    let [li, wang, zhang] = <[_; 3]>::try_from(stored).unwrap();
    // Past a thousand ids, so more than one batch of bound parameters.
    let many: Vec<WorkerId> = (1..=2500).rev().collect();
    let unknown = zhang.id + 1000;

    let cases: [(&str, Vec<WorkerId>, Vec<_>); 5] = [
        ("none asked", vec![], vec![]),
        ("one", vec![wang.id], vec![wang.clone()]),
        (
            "out of order, repeated, with an unknown id",
            vec![zhang.id, unknown, li.id, zhang.id],
            vec![li.clone(), zhang.clone()],
        ),
        ("only unknown ids", vec![unknown, -1], vec![]),
        ("many", many, vec![li.clone(), wang.clone(), zhang.clone()]),
    ];
    for (label, ids, expected) in cases {
        assert_eq!(
            store.workers_by_ids(&GridScope::All, &ids).await.unwrap(),
            expected,
            "{label}"
        );
    }
    assert_eq!(wang.grid_ids, [village.id, grid.id], "with their grids");
}

pub async fn a_worker_with_an_unknown_grid_is_a_conflict_and_stores_nothing(store: &dyn Store) {
    seed_town(store).await;
    let result = store
        .insert_workers(&[worker("李明", &[GRID]), worker("张伟", &["320282102299"])])
        .await;
    assert_conflict_naming(result, "320282102299");
    assert_eq!(store.workers(&GridScope::All).await.unwrap(), []);
}

/// Seeds the town and stores one worker in it.
async fn seeded_worker(store: &dyn Store, new: NewWorker) -> WorkerId {
    seed_town(store).await;
    store.insert_workers(&[new]).await.unwrap()[0].id
}

pub(crate) fn time(seconds: i64, nanos: u32) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, nanos).unwrap()
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub async fn a_later_position_is_recorded_and_an_earlier_or_equal_one_is_a_conflict(
    store: &dyn Store,
) {
    let first = time(1_790_000_000, 0);
    let mut known = worker("李明", &[GRID]);
    known.on_duty = true;
    known.position = Some(lonlat(119.61, 31.11));
    known.position_at = Some(first);
    let id = seeded_worker(store, known).await;
    let later = first + TimeDelta::seconds(30);
    let there = lonlat(next_up(119.62), 31.12);

    let moved = report(store, id, there, later).await.unwrap();

    assert_eq!(
        (moved.position, moved.position_at),
        (Some(there), Some(later))
    );
    assert_eq!(
        store.worker(&GridScope::All, id).await.unwrap(),
        moved,
        "as stored"
    );
    for (label, stale) in [("earlier", later - TimeDelta::seconds(1)), ("equal", later)] {
        let result = report(store, id, lonlat(119.7, 31.2), stale).await;
        match result {
            Err(StoreError::Conflict(message)) => {
                for t in [stale, later] {
                    assert!(message.contains(&rfc3339(t)), "{label}: {message:?}");
                }
            }
            other => panic!("{label}: expected a conflict, got {other:?}"),
        }
    }
    assert_eq!(
        store.worker(&GridScope::All, id).await.unwrap(),
        moved,
        "stale reports change nothing"
    );
}

pub async fn a_first_position_is_recorded_for_a_worker_without_one(store: &dyn Store) {
    let [_, village, grid] = <[_; 3]>::try_from(seed_town(store).await).unwrap();
    let stored = store
        .insert_workers(&[worker("王芳", &[GRID, VILLAGE])])
        .await
        .unwrap();
    let at = time(1_790_000_000, 0);

    let moved = report(store, stored[0].id, lonlat(119.65, 31.15), at)
        .await
        .unwrap();

    assert_eq!(moved.position, Some(lonlat(119.65, 31.15)));
    assert_eq!(moved.position_at, Some(at));
    assert_eq!(moved.grid_ids, [village.id, grid.id], "assignments kept");
    assert_eq!(
        (moved.name.as_str(), moved.on_duty),
        ("王芳", false),
        "only the position changes"
    );
}

pub async fn a_position_for_an_unknown_worker_is_not_found(store: &dyn Store) {
    let result = report(store, 42, lonlat(119.65, 31.15), time(1_790_000_000, 0)).await;
    match result {
        Err(StoreError::NotFound(what)) => assert_eq!(what, "worker 42"),
        other => panic!("expected worker 42 not found, got {other:?}"),
    }
}

pub async fn position_times_are_kept_to_the_microsecond(store: &dyn Store) {
    let id = seeded_worker(store, worker("李明", &[GRID])).await;
    let p = lonlat(119.65, 31.15);

    let moved = report(store, id, p, time(1_790_000_000, 123_456_789))
        .await
        .unwrap();

    assert_eq!(moved.position_at, Some(time(1_790_000_000, 123_456_000)));
    let same_microsecond = report(store, id, p, time(1_790_000_000, 123_456_999)).await;
    assert!(
        matches!(same_microsecond, Err(StoreError::Conflict(_))),
        "{same_microsecond:?}"
    );
}

pub async fn concurrent_reports_leave_the_latest_position_and_fail_only_as_conflicts(
    store: &dyn Store,
) {
    let id = seeded_worker(store, worker("李明", &[GRID])).await;
    let before = store.data_versions().await.unwrap().workers;
    let send = |k: i32| {
        let at = time(1_790_000_000 + i64::from(k), 0);
        report(store, id, lonlat(119.6 + f64::from(k) * 0.01, 31.15), at)
    };

    let results = tokio::join!(send(3), send(1), send(4), send(2));

    let results = [results.0, results.1, results.2, results.3];
    for result in &results {
        assert!(
            matches!(result, Ok(_) | Err(StoreError::Conflict(_))),
            "{result:?}"
        );
    }
    let recorded = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(
        store.data_versions().await.unwrap().workers,
        before,
        "positions bump no version: replicas poll the track instead"
    );
    let track = store
        .positions_since(&GridScope::All, time(0, 0))
        .await
        .unwrap();
    assert_eq!(
        track.len(),
        recorded,
        "each recorded report is one point of the track, none is lost"
    );
    let last = store.worker(&GridScope::All, id).await.unwrap();
    assert_eq!(last.position_at, Some(time(1_790_000_004, 0)));
    assert_eq!(last.position, Some(lonlat(119.6 + 4.0 * 0.01, 31.15)));
}

pub async fn a_whole_dataset_is_stored_in_one_transaction(store: &dyn Store) {
    let dataset = Dataset {
        levels: taihua_levels(),
        grids: vec![
            new_grid(TOWN, "太华镇", square(119.6, 31.1, 0.2)),
            new_grid(VILLAGE, "太华村", square(119.6, 31.1, 0.1)),
        ],
        cameras: vec![camera("C001", 119.65, 31.15)],
        workers: vec![worker("李明", &[VILLAGE])],
    };
    let mut broken = dataset.clone();
    broken.workers.push(worker("张伟", &["320282102299"]));

    assert_conflict_naming(store.insert_dataset(&broken).await, "320282102299");
    assert_eq!(store.levels().await.unwrap(), [], "not even the levels");
    assert_eq!(store.cameras(&GridScope::All, None).await.unwrap(), []);

    let counts = store.insert_dataset(&dataset).await.unwrap();
    let expected = DatasetCounts {
        levels: 4,
        grids: 2,
        cameras: 1,
        workers: 1,
    };
    assert_eq!(counts, expected);
    let grids = store
        .grids(&GridScope::All, GridFilter::default())
        .await
        .unwrap();
    assert_eq!(
        grids[1].parent_id,
        Some(grids[0].id),
        "parent in the same dataset"
    );
    assert_eq!(
        store.workers(&GridScope::All).await.unwrap()[0].grid_ids,
        [grids[1].id]
    );
    assert_eq!(code(VILLAGE), grids[1].code);
}

pub async fn shifts_round_trip_and_every_read_of_a_worker_agrees(store: &dyn Store) {
    seed_town(store).await;
    let day = Shift::from_parts(0x1f, 8 * 60, 20 * 60).unwrap();
    let night = Shift::from_parts(0x60, 20 * 60, 8 * 60).unwrap();
    let mut staff = worker("王芳", &[GRID, VILLAGE]);
    staff.shifts = vec![day, night];
    let stored = store
        .insert_workers(&[staff, worker("李明", &[])])
        .await
        .unwrap();
    let (id, bare) = (stored[0].id, stored[1].id);

    let one = store.worker(&GridScope::All, id).await.unwrap();
    let listed = store.workers(&GridScope::All).await.unwrap();
    let by_ids = store
        .workers_by_ids(&GridScope::All, &[bare, id])
        .await
        .unwrap();

    assert_eq!(one.shifts, [day, night]);
    assert_eq!(one.grid_ids.len(), 2);
    assert_eq!(
        listed.iter().find(|w| w.id == id),
        Some(&one),
        "the list agrees"
    );
    assert_eq!(by_ids[0], one, "a read by ids agrees, in id order");
    assert_eq!(
        store.worker(&GridScope::All, bare).await.unwrap(),
        by_ids[1],
        "no grids, no shifts"
    );
    store.replace_shifts(id, &[night]).await.unwrap();
    assert_eq!(
        store.worker(&GridScope::All, id).await.unwrap().shifts,
        [night]
    );
    let unknown = store.replace_shifts(id + 99, &[night]).await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound(_))),
        "{unknown:?}"
    );
}
