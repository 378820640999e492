//! Contract cases for `data_versions`: each committed write bumps the version of what it
//! changed, once, and a refused write bumps nothing. Instantiated for every backend by
//! `contract!` in `store_contract.rs`.

use super::cases::camera;
use super::workers::{time, worker};
use super::{GRID, VILLAGE, lonlat, seed_town};
use crate::common::{new_grid, square, taihua_levels};
use gridlink::store::{DataVersions, Dataset, Store};

async fn assert_versions(store: &dyn Store, [grids, workers, cameras]: [i64; 3], after: &str) {
    let expected = DataVersions {
        grids,
        workers,
        cameras,
    };
    assert_eq!(
        store.data_versions().await.unwrap(),
        expected,
        "after {after}"
    );
}

pub async fn each_write_bumps_the_versions_of_what_it_changed(store: &dyn Store) {
    assert_versions(store, [0, 0, 0], "nothing").await;
    seed_town(store).await;
    assert_versions(store, [1, 0, 0], "the town's grids").await;

    store.put_levels(&taihua_levels()).await.unwrap();
    store
        .insert_cameras(&[camera("C001", 119.65, 31.15)])
        .await
        .unwrap();
    store.insert_grids(&[]).await.unwrap();
    store.insert_workers(&[]).await.unwrap();
    assert_versions(store, [1, 0, 1], "levels, a camera and empty inserts").await;

    let id = store
        .insert_workers(&[worker("李明", &[GRID])])
        .await
        .unwrap()[0]
        .id;
    assert_versions(store, [1, 1, 1], "a worker").await;
    let at = time(1_790_000_000, 0);
    store
        .record_position(id, &fix(lonlat(119.65, 31.15), at), at)
        .await
        .unwrap();
    assert_versions(store, [1, 1, 1], "a position bumps nothing").await;
    let west = new_grid("320282102205", "石门村", square(119.5, 31.1, 0.1));
    store.insert_grids(&[west]).await.unwrap();
    assert_versions(store, [2, 1, 1], "a grid").await;

    let east = new_grid("320282102204", "胥锦村", square(119.7, 31.1, 0.1));
    let both = Dataset {
        grids: vec![east],
        workers: vec![worker("张伟", &["320282102204"])],
        ..Dataset::default()
    };
    store.insert_dataset(&both).await.unwrap();
    assert_versions(store, [3, 2, 1], "a dataset of grids and workers").await;
    let cameras = Dataset {
        cameras: vec![camera("C002", 119.66, 31.16)],
        ..Dataset::default()
    };
    store.insert_dataset(&cameras).await.unwrap();
    assert_versions(store, [3, 2, 2], "a dataset of cameras").await;
}

pub async fn a_refused_write_bumps_nothing(store: &dyn Store) {
    seed_town(store).await;
    let id = store
        .insert_workers(&[worker("李明", &[GRID])])
        .await
        .unwrap()[0]
        .id;
    let at = time(1_790_000_000, 0);
    store
        .record_position(id, &fix(lonlat(119.65, 31.15), at), at)
        .await
        .unwrap();
    assert_versions(store, [1, 1, 0], "the seed").await;
    let fresh = || new_grid("320282102204", "胥锦村", square(119.7, 31.1, 0.1));
    let again = new_grid(VILLAGE, "太华村", square(119.6, 31.1, 0.1));
    let lost = || worker("张伟", &["320282102299"]);
    // Its grids go in (and bump) before its workers fail, in the same transaction.
    let half = Dataset {
        grids: vec![fresh()],
        workers: vec![lost()],
        ..Dataset::default()
    };

    let refused = [
        (
            "a duplicate grid",
            store.insert_grids(&[fresh(), again]).await.map(drop),
        ),
        (
            "a worker in an unknown grid",
            store
                .insert_workers(&[worker("王芳", &[GRID]), lost()])
                .await
                .map(drop),
        ),
        (
            "a stale position",
            store
                .record_position(id, &fix(lonlat(119.7, 31.2), at), at)
                .await
                .map(drop),
        ),
        (
            "an unknown worker's position",
            store
                .record_position(id + 99, &fix(lonlat(119.7, 31.2), at), at)
                .await
                .map(drop),
        ),
        (
            "a dataset refused half way",
            store.insert_dataset(&half).await.map(drop),
        ),
    ];

    for (label, result) in refused {
        assert!(result.is_err(), "{label} was stored");
    }
    assert_versions(store, [1, 1, 0], "refused writes").await;
}

fn fix(
    position: gridlink::domain::LonLat,
    at: chrono::DateTime<chrono::Utc>,
) -> gridlink::domain::Fix {
    gridlink::domain::Fix {
        position,
        accuracy_m: 5.0,
        at,
    }
}
