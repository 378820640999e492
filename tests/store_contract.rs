//! The storage contract, written once and run against every backend.
//!
//! Each case is an `async fn(&dyn Store)` in `cases`; `contract!` instantiates all of
//! them as `#[tokio::test]`s for one backend, so SQLite and PostGIS cannot drift apart.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail the test on purpose"
)]

mod common;
// The worker cases, in a file of their own to keep each file short.
#[path = "store_contract/workers.rs"]
mod workers;
// The incident cases.
#[path = "store_contract/incidents.rs"]
mod incidents;
// The camera registry cases.
#[path = "store_contract/cameras.rs"]
mod cameras;
// The video-linkage cases.
#[path = "store_contract/linkage.rs"]
mod linkage;
// The data-version cases.
#[path = "store_contract/versions.rs"]
mod versions;
// The grid-planning cases: change sets, versions, history and as-of.
#[path = "store_contract/planning.rs"]
mod planning;
// Applying change sets, and PostGIS's own re-check.
#[path = "store_contract/planning_apply.rs"]
mod planning_apply;
// Grid scopes: every read filters by its scope in SQL as `GridScope::includes` does.
#[path = "store_contract/scope.rs"]
mod scope;
// What an apply moves besides grids, deciding twice, and PostGIS's own re-check.
#[path = "store_contract/planning_moves.rs"]
mod planning_moves;

use common::{bits, new_grid, next_up, random_star, square, taihua_levels};
use geo::{LineString, MultiPolygon, Polygon};
use gridlink::domain::GridScope;
use gridlink::domain::{Bbox, CameraKind, CameraStatus, GridCode, LonLat, NewCamera, StreamUrl};
use gridlink::store::{GridFilter, Store, StoreError};

macro_rules! contract {
    ($backend:ident, $make:path) => {
        contract!(@cases $backend, $make;
            levels_round_trip_and_rename,
            grids_round_trip_with_bit_exact_coordinates,
            parents_resolve_by_code_within_one_insert_and_across_inserts,
            a_duplicate_code_is_a_conflict_and_stores_nothing,
            an_unknown_parent_or_level_is_a_conflict_and_stores_nothing,
            grids_filter_by_level_and_by_exact_bbox,
            unknown_ids_are_not_found,
            cameras_round_trip_and_filter_by_bbox,
            an_edit_replaces_what_it_names_keeps_the_rest_and_can_clear_the_heading,
            a_retired_camera_is_found_by_id_but_not_listed_and_cannot_change_again,
            editing_or_retiring_an_unknown_camera_is_not_found,
            workers_round_trip_with_their_grid_assignments,
            workers_by_ids_are_those_known_once_each_in_id_order,
            a_worker_with_an_unknown_grid_is_a_conflict_and_stores_nothing,
            a_later_position_is_recorded_and_an_earlier_or_equal_one_is_a_conflict,
            a_first_position_is_recorded_for_a_worker_without_one,
            a_position_for_an_unknown_worker_is_not_found,
            position_times_are_kept_to_the_microsecond,
            concurrent_reports_leave_the_latest_position_and_fail_only_as_conflicts,
            a_whole_dataset_is_stored_in_one_transaction,
            shifts_round_trip_and_every_read_of_a_worker_agrees,
            each_write_bumps_the_versions_of_what_it_changed,
            a_refused_write_bumps_nothing,
            an_incident_round_trips_with_its_chain_and_first_event,
            an_update_appends_an_event_and_a_stale_revision_is_a_conflict,
            unknown_incidents_are_not_found,
            pages_filter_by_status_colour_grid_and_category_newest_first,
            photos_attach_once_and_a_taken_photo_stores_nothing,
            closing_times_and_satisfaction_round_trip,
            facts_are_what_statistics_need_and_follow_changes_by_time,
            filing_near_answers_the_earlier_incidents_the_filter_selects_and_not_itself,
            tracks_keep_every_fix_and_answer_them_by_worker_and_day,
            one_call_at_a_time_holds_an_alert,
            of_two_answers_to_one_call_exactly_one_wins_and_files_one_incident,
            every_step_of_an_alert_is_recorded_in_order,
            an_alert_nobody_answered_is_given_up_and_opens_again_with_a_new_call,
            purging_tracks_deletes_old_points_and_keeps_last_positions,
            a_proposed_change_set_round_trips,
            applying_a_reshape_bumps_the_version_and_keeps_the_old_one_in_the_history,
            a_stale_base_version_is_refused_and_changes_nothing,
            every_version_is_kept_oldest_first_and_as_of_answers_the_one_in_force_then,
            a_failure_part_way_through_apply_leaves_every_table_unchanged,
            an_apply_reroutes_incidents_and_moves_workers_as_its_plan_says,
            retiring_moves_workers_assignments_as_the_transfers_say,
            discarding_and_deciding_twice_are_conflicts,
            a_village_scope_reads_only_the_grids_of_its_subtree,
            a_village_scope_reads_only_the_incidents_filed_in_it,
            a_village_scope_reads_only_the_workers_assigned_in_it,
            an_empty_scope_reads_nothing,
            the_sql_filter_agrees_with_the_scope_in_memory,
        );
    };
    (@cases $backend:ident, $make:path; $($case:ident),+ $(,)?) => {
        mod $backend {
            $(
                #[tokio::test]
                async fn $case() {
                    let fixture = $make().await;
                    super::cases::$case(fixture.store.as_ref()).await;
                }
            )+
        }
    };
}

contract!(sqlite, crate::common::sqlite_store);
contract!(postgres, crate::common::postgres_store);

const TOWN: &str = "320282102";
const VILLAGE: &str = "320282102203";
const GRID: &str = "320282102203001";

fn code(s: &str) -> GridCode {
    GridCode::parse(s).unwrap()
}

fn lonlat(lon: f64, lat: f64) -> LonLat {
    LonLat::new(lon, lat).unwrap()
}

fn bbox(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> Bbox {
    Bbox::new(lonlat(min_lon, min_lat), lonlat(max_lon, max_lat)).unwrap()
}

async fn seed_town(store: &dyn Store) -> Vec<gridlink::domain::Grid> {
    store.put_levels(&taihua_levels()).await.unwrap();
    store
        .insert_grids(&[
            new_grid(TOWN, "太华镇", square(119.6, 31.1, 0.2)),
            new_grid(VILLAGE, "太华村", square(119.6, 31.1, 0.1)),
            new_grid(GRID, "太华村第一网格", square(119.6, 31.1, 0.05)),
        ])
        .await
        .unwrap()
}

async fn grid_count(store: &dyn Store) -> usize {
    store
        .grids(&GridScope::All, GridFilter::default())
        .await
        .unwrap()
        .len()
}

fn assert_conflict_naming(result: Result<impl std::fmt::Debug, StoreError>, code: &str) {
    match result {
        Err(StoreError::Conflict(message)) => {
            assert!(message.contains(code), "{message:?} should name {code}");
        }
        other => panic!("expected a conflict naming {code}, got {other:?}"),
    }
}

mod cases {
    use super::*;

    pub async fn levels_round_trip_and_rename(store: &dyn Store) {
        let mut levels = taihua_levels();
        levels.reverse();
        store.put_levels(&levels).await.unwrap();
        assert_eq!(store.levels().await.unwrap(), taihua_levels(), "top first");

        let mut renamed = taihua_levels()[3].clone();
        renamed.name_en = String::from("micro grid");
        store
            .put_levels(std::slice::from_ref(&renamed))
            .await
            .unwrap();
        assert_eq!(store.levels().await.unwrap()[3], renamed);
    }

    pub async fn grids_round_trip_with_bit_exact_coordinates(store: &dyn Store) {
        store.put_levels(&taihua_levels()).await.unwrap();
        // 119.65 plus one ulp, and 1e-7 steps computed in floating point (no short decimals).
        let awkward = next_up(119.65);
        let steps = LineString::from(
            (0..8)
                .map(|k| {
                    (
                        awkward + f64::from(k) * 1e-7,
                        31.2 + f64::from(k * k) * 1e-7,
                    )
                })
                .chain([(awkward + 7e-7, 31.1), (awkward, 31.1)])
                .collect::<Vec<_>>(),
        );
        let mut polygons = vec![Polygon::new(steps, vec![])];
        polygons.push(random_star(0x9e37_79b9_7f4a_7c15, (119.9, 31.3), 0.01, 40));
        // Near the origin a fixed number of decimal places keeps few significant digits.
        polygons.push(random_star(42, (1.234e-4, -5.678e-4), 1e-5, 40));
        let geometry = MultiPolygon::new(polygons);
        let inserted = store
            .insert_grids(&[new_grid(TOWN, "太华镇", geometry.clone())])
            .await
            .unwrap();

        let by_id = store.grid(&GridScope::All, inserted[0].id).await.unwrap();
        let by_code = store
            .grid_by_code(&GridScope::All, &code(TOWN))
            .await
            .unwrap();
        let listed = store
            .grids(&GridScope::All, GridFilter::default())
            .await
            .unwrap();
        for (how, grid) in [
            ("by id", &by_id),
            ("by code", &by_code),
            ("listed", &listed[0]),
        ] {
            assert_eq!(grid, &inserted[0], "{how}");
            assert_eq!(
                bits(&grid.geometry),
                bits(&geometry),
                "{how}: coordinates moved"
            );
        }
        assert_eq!(
            (by_id.households, by_id.residents, by_id.name.as_str()),
            (60, 180, "太华镇")
        );
    }

    pub async fn parents_resolve_by_code_within_one_insert_and_across_inserts(store: &dyn Store) {
        let [town, village, grid] = <[_; 3]>::try_from(seed_town(store).await).unwrap();
        assert_eq!(town.parent_id, None);
        assert_eq!(village.parent_id, Some(town.id));
        assert_eq!(grid.parent_id, Some(village.id));

        let micro = new_grid(
            "320282102203001004",
            "第四微网格",
            square(119.6, 31.1, 0.01),
        );
        let stored = store.insert_grids(&[micro]).await.unwrap();
        assert_eq!(stored[0].parent_id, Some(grid.id));
        assert_eq!(
            store
                .grid(&GridScope::All, stored[0].id)
                .await
                .unwrap()
                .parent_id,
            Some(grid.id)
        );
    }

    pub async fn a_duplicate_code_is_a_conflict_and_stores_nothing(store: &dyn Store) {
        seed_town(store).await;
        let before = grid_count(store).await;
        let fresh = new_grid("320282102204", "胥锦村", square(119.7, 31.1, 0.1));

        let again = new_grid(VILLAGE, "太华村", square(119.6, 31.1, 0.1));
        assert_conflict_naming(store.insert_grids(&[fresh.clone(), again]).await, VILLAGE);
        let twice = store.insert_grids(&[fresh.clone(), fresh.clone()]).await;
        assert_conflict_naming(twice, "320282102204");

        assert_eq!(grid_count(store).await, before);
        let missing = store.grid_by_code(&GridScope::All, &fresh.code).await;
        assert!(
            matches!(missing, Err(StoreError::NotFound(_))),
            "{missing:?}"
        );
    }

    pub async fn an_unknown_parent_or_level_is_a_conflict_and_stores_nothing(store: &dyn Store) {
        seed_town(store).await;
        let before = grid_count(store).await;
        let fresh = new_grid("320282102204", "胥锦村", square(119.7, 31.1, 0.1));

        let orphan = new_grid(
            "320282102205001",
            "石门村第一网格",
            square(119.8, 31.1, 0.05),
        );
        assert_conflict_naming(
            store.insert_grids(&[fresh.clone(), orphan]).await,
            "320282102205001",
        );
        let mut too_deep = new_grid(
            "320282102203001005",
            "第五微网格",
            square(119.6, 31.1, 0.01),
        );
        too_deep.level = 9;
        assert_conflict_naming(
            store.insert_grids(&[fresh, too_deep]).await,
            "320282102203001005",
        );

        assert_eq!(grid_count(store).await, before);
    }

    pub async fn grids_filter_by_level_and_by_exact_bbox(store: &dyn Store) {
        seed_town(store).await;
        let east = new_grid("320282102204", "胥锦村", square(119.7, 31.1, 0.1));
        store.insert_grids(&[east]).await.unwrap();
        let codes = |grids: Vec<gridlink::domain::Grid>| -> Vec<String> {
            grids.into_iter().map(|g| g.code.to_string()).collect()
        };
        let villages = GridFilter {
            level: Some(2),
            bbox: None,
        };
        assert_eq!(
            codes(store.grids(&GridScope::All, villages).await.unwrap()),
            [VILLAGE, "320282102204"]
        );

        // The west village spans lon 119.6..=119.7 (as computed: 119.6 + 0.1).
        let west_edge = 119.6 + 0.1;
        let just_below = f64::from_bits(119.6_f64.to_bits() - 1);
        let cases = [
            (
                "touching the west edge",
                bbox(119.5, 31.0, 119.6, 31.15),
                vec![TOWN, VILLAGE, GRID],
            ),
            (
                "one ulp short of it",
                bbox(119.5, 31.0, just_below, 31.15),
                vec![],
            ),
            (
                "east of the west village",
                bbox(next_up(west_edge), 31.15, 119.75, 31.16),
                vec![TOWN, "320282102204"],
            ),
        ];
        for (label, query, expected) in cases {
            let filter = GridFilter {
                level: None,
                bbox: Some(query),
            };
            assert_eq!(
                codes(store.grids(&GridScope::All, filter).await.unwrap()),
                expected,
                "{label}"
            );
        }
        let both = GridFilter {
            level: Some(3),
            bbox: Some(bbox(119.0, 31.0, 120.0, 32.0)),
        };
        assert_eq!(
            codes(store.grids(&GridScope::All, both).await.unwrap()),
            [GRID]
        );
    }

    pub async fn unknown_ids_are_not_found(store: &dyn Store) {
        let not_found = |r: Result<String, StoreError>, what: &str| match r {
            Err(StoreError::NotFound(m)) => assert_eq!(m, what),
            other => panic!("expected {what} not found, got {other:?}"),
        };
        not_found(
            store.grid(&GridScope::All, 42).await.map(|g| g.name),
            "grid 42",
        );
        not_found(
            store
                .grid_by_code(&GridScope::All, &code(TOWN))
                .await
                .map(|g| g.name),
            "grid 320282102",
        );
        not_found(
            store.camera(&GridScope::All, 42).await.map(|c| c.name),
            "camera 42",
        );
        not_found(
            store.worker(&GridScope::All, 42).await.map(|w| w.name),
            "worker 42",
        );
    }

    pub(crate) fn camera(code: &str, lon: f64, lat: f64) -> NewCamera {
        NewCamera {
            code: code.to_owned(),
            name: format!("{code} 路口"),
            location: lonlat(lon, lat),
            kind: CameraKind::Dome,
            stream_url: StreamUrl::parse(&format!("rtsp://10.0.0.1/{code}")).unwrap(),
            status: CameraStatus::Online,
            heading: None,
            field_of_view: None,
        }
    }

    pub async fn cameras_round_trip_and_filter_by_bbox(store: &dyn Store) {
        let awkward = next_up(119.65);
        let new = [
            camera("C002", awkward, 31.15),
            camera("C001", 119.75, 31.12),
        ];
        let stored = store.insert_cameras(&new).await.unwrap();
        assert_eq!(
            store.camera(&GridScope::All, stored[0].id).await.unwrap(),
            stored[0]
        );
        assert_eq!(
            store
                .camera(&GridScope::All, stored[0].id)
                .await
                .unwrap()
                .location
                .lon()
                .to_bits(),
            awkward.to_bits()
        );
        let all = store.cameras(&GridScope::All, None).await.unwrap();
        assert_eq!(
            all.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(),
            ["C001", "C002"]
        );

        let west = store
            .cameras(&GridScope::All, Some(bbox(119.6, 31.1, awkward, 31.2)))
            .await
            .unwrap();
        assert_eq!(west, [stored[0].clone()], "a camera on the edge is inside");
        let short = bbox(119.6, 31.1, 119.65, 31.2);
        assert_eq!(
            store.cameras(&GridScope::All, Some(short)).await.unwrap(),
            [],
            "one ulp short"
        );

        let duplicate = store
            .insert_cameras(&[camera("C003", 119.7, 31.1), camera("C001", 119.7, 31.1)])
            .await;
        assert_conflict_naming(duplicate, "C001");
        assert_eq!(store.cameras(&GridScope::All, None).await.unwrap().len(), 2);
    }

    pub use super::cameras::*;
    pub use super::incidents::*;
    pub use super::linkage::*;
    pub use super::planning::*;
    pub use super::planning_apply::*;
    pub use super::planning_moves::*;
    pub use super::scope::*;
    pub use super::versions::*;
    pub use super::workers::*;
}

/// PostGIS checks validity itself (`CHECK (ST_IsValid(geom))`). SQLite stores what it is
/// given: there, refusing invalid boundaries is the importer's job, so this is PostGIS-only.
#[tokio::test]
async fn postgis_refuses_a_bow_tie_as_invalid_and_stores_nothing() {
    let fixture = common::postgres_store().await;
    let store = fixture.store.as_ref();
    store.put_levels(&taihua_levels()).await.unwrap();
    let ring = LineString::from(vec![
        (119.6, 31.1),
        (119.7, 31.2),
        (119.7, 31.1),
        (119.6, 31.2),
    ]);
    let bow_tie = MultiPolygon::new(vec![Polygon::new(ring, vec![])]);

    let result = store
        .insert_grids(&[new_grid(TOWN, "太华镇", bow_tie)])
        .await;

    match result {
        Err(StoreError::Invalid(message)) => {
            assert!(message.contains(TOWN), "{message:?}");
            assert!(
                !message.contains("grids_geom_valid"),
                "{message:?} names a constraint"
            );
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(grid_count(store).await, 0);
}
