//! Contract cases for the camera registry: edits, moves, retirement and codes. Each write
//! bumps the cameras' version, so other replicas reload their scenes. Instantiated for
//! every backend by `contract!` in `store_contract.rs`.

use super::cases::camera;
use super::workers::time;
use super::{assert_conflict_naming, lonlat};
use crate::common::next_up;
use gridlink::domain::GridScope;
use gridlink::domain::{CameraChange, CameraStatus, FieldOfView, Heading, StreamUrl};
use gridlink::store::{Store, StoreError};

async fn cameras_version(store: &dyn Store) -> i64 {
    store.data_versions().await.unwrap().cameras
}

pub async fn an_edit_replaces_what_it_names_keeps_the_rest_and_can_clear_the_heading(
    store: &dyn Store,
) {
    let mut new = camera("C001", 119.65, 31.15);
    new.heading = Some(Heading::new(45.5).unwrap());
    new.field_of_view = Some(FieldOfView::new(90.0).unwrap());
    let [stored] = <[_; 1]>::try_from(store.insert_cameras(&[new]).await.unwrap()).unwrap();
    assert_eq!(
        store.camera(&GridScope::All, stored.id).await.unwrap(),
        stored,
        "heading and fov stored"
    );
    let before = cameras_version(store).await;

    let moved_to = lonlat(next_up(119.7), 31.12);
    let change = CameraChange {
        name: Some("太华村桥头".to_owned()),
        location: Some(moved_to),
        stream_url: Some(StreamUrl::parse("https://cdn.example/c1.m3u8?t=1").unwrap()),
        status: Some(CameraStatus::Fault),
        heading: Some(None),
        ..CameraChange::default()
    };
    let changed = store.update_camera(stored.id, &change).await.unwrap();

    assert_eq!(
        store.camera(&GridScope::All, stored.id).await.unwrap(),
        changed,
        "as stored"
    );
    assert_eq!(changed.name, "太华村桥头");
    assert_eq!(
        changed.location.lon().to_bits(),
        moved_to.lon().to_bits(),
        "bit exact"
    );
    assert_eq!(changed.stream_url, "https://cdn.example/c1.m3u8?t=1");
    assert_eq!(changed.status, CameraStatus::Fault);
    assert_eq!(changed.heading, None, "cleared");
    assert_eq!(
        changed.field_of_view, stored.field_of_view,
        "left as it was"
    );
    assert_eq!((changed.code.as_str(), changed.kind), ("C001", stored.kind));
    assert_eq!(cameras_version(store).await, before + 1, "one bump");
}

pub async fn a_retired_camera_is_found_by_id_but_not_listed_and_cannot_change_again(
    store: &dyn Store,
) {
    let stored = store
        .insert_cameras(&[camera("C001", 119.65, 31.15), camera("C002", 119.66, 31.15)])
        .await
        .unwrap();
    let id = stored[0].id;
    let at = time(1_795_420_800, 123_456_789);
    let before = cameras_version(store).await;

    let retired = store.retire_camera(id, at).await.unwrap();

    let kept = time(1_795_420_800, 123_456_000);
    assert_eq!(retired.retired_at, Some(kept), "kept to the microsecond");
    assert_eq!(
        store.camera(&GridScope::All, id).await.unwrap(),
        retired,
        "still found by id"
    );
    let listed = store.cameras(&GridScope::All, None).await.unwrap();
    assert_eq!(listed, [stored[1].clone()], "no longer listed");
    assert_eq!(cameras_version(store).await, before + 1);

    assert_conflict_naming(store.retire_camera(id, at).await, &format!("camera {id}"));
    let rename = CameraChange {
        name: Some("新名".to_owned()),
        ..CameraChange::default()
    };
    assert_conflict_naming(store.update_camera(id, &rename).await, "retired");
    assert_conflict_naming(
        store.insert_cameras(&[camera("C001", 119.6, 31.1)]).await,
        "C001",
    );
    assert_eq!(
        cameras_version(store).await,
        before + 1,
        "refusals bump nothing"
    );
    assert_eq!(store.camera_codes().await.unwrap(), ["C001", "C002"]);
}

pub async fn editing_or_retiring_an_unknown_camera_is_not_found(store: &dyn Store) {
    let change = CameraChange::default();
    let edit = store.update_camera(42, &change).await;
    assert!(
        matches!(&edit, Err(StoreError::NotFound(m)) if m == "camera 42"),
        "{edit:?}"
    );
    let retire = store.retire_camera(42, time(1_795_420_800, 0)).await;
    assert!(
        matches!(&retire, Err(StoreError::NotFound(m)) if m == "camera 42"),
        "{retire:?}"
    );
    assert_eq!(cameras_version(store).await, 0);
}
