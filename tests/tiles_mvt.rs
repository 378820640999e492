//! Vector tiles, decoded as a map client would: the features, their properties and ids,
//! geometry within the buffer and wound as MVT 2.1 says, neighbours without gaps, and the
//! demo town end to end from the store.

mod common;
#[path = "tiles_mvt/decode.rs"]
mod decode;
#[path = "tiles_mvt/fixtures.rs"]
mod fixtures;

use decode::{POINT, POLYGON, Prop, doubled_area, parts, props};
use fixtures::{camera, grid, rect, tile_at};
use gridlink::domain::Camera;
use gridlink::domain::GridScope;
use gridlink::store::{GridFilter, Store};
use gridlink::tiles::{
    BUFFER, EXTENT, Scene, TileCoord, VectorLayer, clip_area, mercator, render_mvt,
};
use std::collections::BTreeSet;
use std::path::Path;

fn decoded(scene: &Scene, tile: TileCoord, layer: VectorLayer) -> decode::Layer {
    let mut tile = decode::tile(&render_mvt(scene, tile, layer).expect("a tile"));
    assert_eq!(tile.layers.len(), 1, "one layer per tile");
    let layer_out = tile.layers.remove(0);
    assert_eq!(layer_out.name.as_deref(), Some(layer.name()));
    assert_eq!(
        (layer_out.version, layer_out.extent),
        (Some(2), Some(EXTENT))
    );
    layer_out
}

fn assert_within_buffer(rings: &[Vec<[i64; 2]>]) {
    let range = -i64::from(BUFFER)..=i64::from(EXTENT + BUFFER);
    for p in rings.iter().flatten() {
        assert!(
            range.contains(&p[0]) && range.contains(&p[1]),
            "{p:?} outside {range:?}"
        );
    }
}

#[test]
fn a_tile_over_two_grids_holds_both_with_their_properties_and_ids() {
    let grids = [
        grid(
            11,
            "320282102202001",
            120,
            rect(119.646, 31.168, 119.650, 31.172),
            vec![],
        ),
        grid(
            12,
            "320282102202002",
            90,
            rect(119.650, 31.168, 119.654, 31.172),
            vec![],
        ),
        grid(
            13,
            "320282102203001",
            50,
            rect(119.900, 31.168, 119.904, 31.172),
            vec![],
        ),
    ];
    let scene = Scene::new(1, &grids, &[]);

    let layer = decoded(&scene, tile_at(119.65, 31.17, 14), VectorLayer::Grids);

    let ids: Vec<u64> = layer.features.iter().map(|f| f.id.unwrap()).collect();
    assert_eq!(ids, [11, 12], "the grid far away is left out");
    for (feature, expected) in layer.features.iter().zip(scene.grids()) {
        assert_eq!(feature.r#type, Some(POLYGON));
        let props = props(&layer, feature);
        let density = expected.households_per_km2().round() as i64;
        // 0.004° by 0.004° at 31.17° N: 381 m by 444 m.
        let approx = expected.households as f64 / 0.169;
        assert!(
            (density as f64 - approx).abs() < approx * 0.01,
            "{density} households per km², not about {approx}"
        );
        let want = [
            ("id", Prop::Int(expected.id)),
            ("code", Prop::Text(expected.code.clone())),
            ("name", Prop::Text(expected.name.clone())),
            ("level", Prop::Int(3)),
            ("households", Prop::Int(expected.households)),
            ("residents", Prop::Int(expected.residents)),
            ("households_per_km2", Prop::Int(density)),
        ];
        assert_eq!(
            props,
            want.map(|(k, v)| (k.to_owned(), v)).into(),
            "grid {}",
            expected.id
        );
        assert_eq!(parts(feature).len(), 1, "one ring for a square");
    }
}

#[test]
fn geometry_stays_within_the_buffer_and_exteriors_wind_clockwise_around_anticlockwise_holes() {
    // Two large grids with a hole each, one wound as RFC 7946 wants and one the other way,
    // both reaching far beyond a zoom 16 tile at their shared corner.
    let hole = |w: f64, s: f64| rect(w, s, w + 0.001, s + 0.001);
    let mut reversed = rect(119.65, 31.12, 119.70, 31.17);
    reversed.reverse();
    let mut reversed_hole = hole(119.6505, 31.1685);
    reversed_hole.reverse();
    let grids = [
        grid(
            1,
            "320282102201",
            10,
            rect(119.60, 31.17, 119.65, 31.22),
            vec![hole(119.6490, 31.1705)],
        ),
        grid(2, "320282102202", 10, reversed, vec![reversed_hole]),
    ];
    let scene = Scene::new(1, &grids, &[]);

    let layer = decoded(&scene, tile_at(119.65, 31.17, 16), VectorLayer::Grids);

    assert_eq!(layer.features.len(), 2);
    for feature in &layer.features {
        let rings = parts(feature);
        assert_within_buffer(&rings);
        let areas: Vec<i64> = rings.iter().map(|r| doubled_area(r)).collect();
        assert_eq!(areas.len(), 2, "exterior and hole of grid {:?}", feature.id);
        assert!(
            areas[0] > 0 && areas[1] < 0,
            "grid {:?}: {areas:?}",
            feature.id
        );
    }
}

#[test]
fn the_cameras_layer_holds_exactly_the_cameras_in_the_tile_and_its_buffer() {
    // Every 5 m, across a zoom 16 tile (about 520 m) and its 8 m buffer and beyond.
    let cameras: Vec<Camera> = (0..160)
        .flat_map(|i| (0..240).map(move |j| (i, j)))
        .map(|(i, j)| {
            camera(
                i * 240 + j + 1,
                119.646 + i as f64 * 0.00005,
                31.163 + j as f64 * 0.00005,
            )
        })
        .collect();
    let scene = Scene::new(1, &[], &cameras);
    let tile = tile_at(119.65, 31.17, 16);

    let layer = decoded(&scene, tile, VectorLayer::Cameras);

    let got: BTreeSet<u64> = layer.features.iter().map(|f| f.id.unwrap()).collect();
    let want: BTreeSet<u64> = scene
        .cameras_in(clip_area(tile))
        .iter()
        .map(|c| c.id as u64)
        .collect();
    let inside: BTreeSet<u64> = scene
        .cameras_in(tile.bounds())
        .iter()
        .map(|c| c.id as u64)
        .collect();
    assert_eq!(got, want);
    assert!(
        inside.len() > 10 && inside.len() < want.len(),
        "some in the tile, some in its buffer"
    );
    assert!(got.len() < cameras.len(), "not every camera");
    for feature in &layer.features {
        assert_eq!(feature.r#type, Some(POINT));
        let points = parts(feature);
        assert_eq!(points.len(), 1);
        assert_within_buffer(&points);
        let id = feature.id.unwrap() as i64;
        let expected = &cameras[(id - 1) as usize];
        let at = tile.to_tile(
            mercator(expected.location.lon(), expected.location.lat()),
            f64::from(EXTENT),
        );
        assert_eq!(points[0][0], [at.x.round() as i64, at.y.round() as i64]);
        let props = props(&layer, feature);
        assert_eq!(props["code"], Prop::Text(expected.code.clone()));
        assert_eq!(props["kind"], Prop::Text(expected.kind.as_str().into()));
        assert_eq!(props["status"], Prop::Text("online".into()));
        assert_eq!(props["id"], Prop::Int(id));
        assert_eq!(props.len(), VectorLayer::Cameras.fields().len());
    }
}

#[test]
fn a_retired_camera_is_left_out_of_the_scene_and_the_cameras_layer() {
    let mut retired = camera(2, 119.6501, 31.1701);
    retired.retired_at = chrono::DateTime::from_timestamp(1_795_420_800, 0);
    let scene = Scene::new(1, &[], &[camera(1, 119.65, 31.17), retired]);
    let tile = tile_at(119.65, 31.17, 16);

    let layer = decoded(&scene, tile, VectorLayer::Cameras);

    let ids: Vec<u64> = layer.features.iter().filter_map(|f| f.id).collect();
    assert_eq!(ids, [1], "only the camera in service");
    assert_eq!(scene.cameras().len(), 1, "nor searchable");
}

#[test]
fn an_empty_area_gives_an_empty_but_valid_tile() {
    let grids = [grid(
        1,
        "320282102",
        10,
        rect(119.6, 31.1, 119.7, 31.2),
        vec![],
    )];
    let scene = Scene::new(1, &grids, &[camera(1, 119.65, 31.15)]);
    let atlantic = tile_at(-30.0, 40.0, 14);

    for layer in VectorLayer::ALL {
        let bytes = render_mvt(&scene, atlantic, layer).unwrap();
        assert!(decode::tile(&bytes).layers.is_empty(), "{layer:?}");
    }
}

/// A boundary of 61 vertices wandering up to 20 m either side of lon 119.65.
fn zigzag() -> Vec<(f64, f64)> {
    let mut state = 7u64;
    (0..=60)
        .map(|i| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let jitter = ((state >> 33) as f64 / f64::from(1u32 << 31)) * 2.0 - 1.0;
            let off = if i == 0 || i == 60 {
                0.0
            } else {
                jitter * 0.0002
            };
            (119.65 + off, 31.165 + f64::from(i) * 0.01 / 60.0)
        })
        .collect()
}

/// The ring's vertices with x in `band`, as one run in ring order; fails if they are not
/// consecutive, as they would not be on one shared edge.
fn run_in_band(ring: &[[i64; 2]], band: &std::ops::RangeInclusive<i64>) -> Vec<[i64; 2]> {
    let inside = |i: usize| band.contains(&ring[i % ring.len()][0]);
    let start = (0..ring.len())
        .find(|&i| !inside(i) && inside(i + 1))
        .expect("the ring reaches the band")
        + 1;
    let run: Vec<[i64; 2]> = (start..start + ring.len())
        .take_while(|&i| inside(i))
        .map(|i| ring[i % ring.len()])
        .collect();
    assert_eq!(
        run.len(),
        (0..ring.len()).filter(|&i| inside(i)).count(),
        "one run"
    );
    run
}

#[test]
fn neighbouring_grids_share_identical_vertices_along_their_common_edge_at_every_zoom() {
    let edge = zigzag();
    let mut west = vec![(119.64, 31.165)];
    west.extend(&edge);
    west.extend([(119.64, 31.175), (119.64, 31.165)]);
    let mut east: Vec<(f64, f64)> = vec![(119.65, 31.165), (119.66, 31.165), (119.66, 31.175)];
    east.extend(edge.iter().rev());
    let grids = [
        grid(1, "320282102201", 10, west, vec![]),
        grid(2, "320282102202", 10, east, vec![]),
    ];
    let scene = Scene::new(1, &grids, &[]);

    for z in 8..=18 {
        let tile = tile_at(119.65, 31.17, z);
        let layer = decoded(&scene, tile, VectorLayer::Grids);
        let x = |lon: f64| {
            tile.to_tile(mercator(lon, 31.17), f64::from(EXTENT))
                .x
                .round() as i64
        };
        let band = x(119.6498)..=x(119.6502);
        let rings: Vec<Vec<[i64; 2]>> = layer.features.iter().map(|f| parts(f).remove(0)).collect();
        assert_eq!(rings.len(), 2, "zoom {z}");
        assert_within_buffer(&rings);

        let (west_run, mut east_run) =
            (run_in_band(&rings[0], &band), run_in_band(&rings[1], &band));
        east_run.reverse();
        assert!(west_run.len() >= 2, "zoom {z}: {west_run:?}");
        assert_eq!(west_run, east_run, "zoom {z}: the shared edge differs");
    }
}

/// The demo town, imported into `store`, as a scene.
async fn demo_scene(store: &dyn Store) -> Scene {
    gridlink::import::import_dataset(store, Path::new("geodata/taihua"))
        .await
        .expect("the demo town imports");
    let grids = store
        .grids(&GridScope::All, GridFilter::default())
        .await
        .expect("grids");
    Scene::new(
        0,
        &grids,
        &store.cameras(&GridScope::All, None).await.expect("cameras"),
    )
}

#[tokio::test]
async fn a_demo_town_tile_holds_the_chain_of_its_centre_and_the_cameras_near_it() {
    let store = gridlink::store::connect("sqlite::memory:").await.unwrap();
    let scene = demo_scene(store.as_ref()).await;
    // The README's example point: 茂花村第1网格第4微网格 and its ancestors.
    let chain = [
        "320282102",
        "320282102202",
        "320282102202001",
        "320282102202001004",
    ];

    for z in [8, 12, 14, 16, 20] {
        let tile = tile_at(119.65, 31.17, z);
        let grids = decoded(&scene, tile, VectorLayer::Grids);
        let codes: BTreeSet<String> = grids
            .features
            .iter()
            .map(|f| match &props(&grids, f)["code"] {
                Prop::Text(code) => code.clone(),
                Prop::Int(other) => panic!("code {other}"),
            })
            .collect();
        for code in chain {
            assert!(codes.contains(code), "zoom {z}: {code} missing");
        }
        let meeting: BTreeSet<u64> = scene
            .grids_in(clip_area(tile))
            .iter()
            .map(|g| g.id as u64)
            .collect();
        for feature in &grids.features {
            assert!(meeting.contains(&feature.id.unwrap()), "zoom {z}");
            let rings = parts(feature);
            assert_within_buffer(&rings);
            assert!(
                doubled_area(&rings[0]) > 0,
                "zoom {z}: grid {:?} winds anticlockwise",
                feature.id
            );
        }

        let got: Vec<u64> = match render_mvt(&scene, tile, VectorLayer::Cameras).unwrap() {
            bytes if bytes.is_empty() => Vec::new(),
            bytes => decode::tile(&bytes).layers[0]
                .features
                .iter()
                .map(|f| f.id.unwrap())
                .collect(),
        };
        let want: Vec<u64> = scene
            .cameras_in(clip_area(tile))
            .iter()
            .map(|c| c.id as u64)
            .collect();
        assert_eq!(got, want, "zoom {z}: cameras in code order");
        assert!(!want.is_empty() || z > 14, "zoom {z}: the town's cameras");
    }
}

#[tokio::test]
async fn both_stores_give_the_same_tile_bytes() {
    let (sqlite, postgres) = (common::sqlite_store().await, common::postgres_store().await);
    let on_sqlite = demo_scene(sqlite.store.as_ref()).await;
    let on_postgres = demo_scene(postgres.store.as_ref()).await;

    for z in [10, 13, 15, 17] {
        let tile = tile_at(119.65, 31.17, z);
        for layer in VectorLayer::ALL {
            let bytes = render_mvt(&on_sqlite, tile, layer).unwrap();
            assert!(!bytes.is_empty(), "zoom {z} {layer:?}");
            assert_eq!(
                bytes,
                render_mvt(&on_postgres, tile, layer).unwrap(),
                "zoom {z} {layer:?}"
            );
        }
    }
}
