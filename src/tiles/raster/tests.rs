//! Raster tiles decoded and checked pixel by pixel over a small synthetic town.
//!
//! The town spans 119.60–119.70° E, 31.12–31.22° N; two villages split it at 119.65° E;
//! four micro-grids split the villages at 31.17° N, so that parallel is a micro-grid edge
//! only, and the meridian 119.65° E is a village edge.

use super::*;
use crate::domain::{Grid, GridCode};
use crate::tiles::mercator;
use geo::{MultiPolygon, polygon};
use image::RgbaImage;

const SPLIT_LON: f64 = 119.65;
const SPLIT_LAT: f64 = 31.17;

fn square(id: i64, code: &str, level: LevelNo, (w, s, e, n): (f64, f64, f64, f64)) -> Grid {
    square_with(id, code, level, (w, s, e, n), 100)
}

fn square_with(
    id: i64,
    code: &str,
    level: LevelNo,
    (w, s, e, n): (f64, f64, f64, f64),
    households: i64,
) -> Grid {
    Grid {
        id,
        code: GridCode::parse(code).unwrap(),
        name: code.to_owned(),
        level,
        parent_id: None,
        geometry: MultiPolygon(vec![polygon![
            (x: w, y: s), (x: e, y: s), (x: e, y: n), (x: w, y: n), (x: w, y: s)
        ]]),
        households,
        residents: households * 3,
        version: 1,
    }
}

/// Town, two villages and four micro-grids with the given households (NW, SW, NE, SE).
fn town_with(households: [i64; 4]) -> Scene {
    let (w, s, e, n) = (119.60, 31.12, 119.70, 31.22);
    let mut grids = vec![
        square(1, "320282102", 1, (w, s, e, n)),
        square(2, "320282102200", 2, (w, s, SPLIT_LON, n)),
        square(3, "320282102201", 2, (SPLIT_LON, s, e, n)),
    ];
    let micro = [
        ("320282102200001001", (w, SPLIT_LAT, SPLIT_LON, n)),
        ("320282102200001002", (w, s, SPLIT_LON, SPLIT_LAT)),
        ("320282102201001001", (SPLIT_LON, SPLIT_LAT, e, n)),
        ("320282102201001002", (SPLIT_LON, s, e, SPLIT_LAT)),
    ];
    for ((id, (code, bounds)), households) in (4..).zip(micro).zip(households) {
        grids.push(square_with(id, code, 4, bounds, households));
    }
    Scene::new(1, &grids, &[])
}

fn town() -> Scene {
    town_with([100, 100, 100, 100])
}

fn tile_at(lon: f64, lat: f64, z: u32) -> TileCoord {
    TileCoord::containing(lon, lat, z).unwrap()
}

/// Where a point falls on a tile of `side` pixels, as a pixel index.
fn pixel_at(tile: TileCoord, lon: f64, lat: f64, side: u32) -> (u32, u32) {
    let p = tile.to_tile(mercator(lon, lat), f64::from(side));
    (p.x.floor() as u32, p.y.floor() as u32)
}

fn png(scene: &Scene, tile: TileCoord, scale: u8, layer: RasterLayer) -> RgbaImage {
    let bytes = render_png(scene, tile, scale, layer).unwrap();
    image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
        .unwrap()
        .to_rgba8()
}

const ALL: RasterLayer = RasterLayer::Grids { level: None };

fn close(a: image::Rgba<u8>, b: image::Rgba<u8>, tolerance: u8) -> bool {
    a.0.iter().zip(b.0).all(|(x, y)| x.abs_diff(y) <= tolerance)
}

#[test]
fn tiles_are_256_px_and_512_px_at_2x() {
    let tile = tile_at(SPLIT_LON, 31.19, 14);
    assert_eq!(png(&town(), tile, 1, ALL).dimensions(), (256, 256));
    assert_eq!(png(&town(), tile, 2, ALL).dimensions(), (512, 512));
    assert!(matches!(
        render_png(&town(), tile, 3, ALL),
        Err(RasterError::Scale(3))
    ));
}

#[test]
fn a_village_boundary_is_drawn_where_it_crosses_the_tile_and_nothing_away_from_it() {
    let tile = tile_at(SPLIT_LON, 31.19, 14);
    let image = png(&town(), tile, 1, ALL);
    let (x, y) = pixel_at(tile, SPLIT_LON, 31.19, 256);

    let on_edge = *image.get_pixel(x, y);
    let village = style::level_style(2);
    assert!(on_edge[3] >= 200, "{on_edge:?}");
    assert!(
        close(
            on_edge,
            image::Rgba([village.rgb[0], village.rgb[1], village.rgb[2], on_edge[3]]),
            3
        ),
        "{on_edge:?}"
    );
    for away in [x - 40, x + 40] {
        assert_eq!(image.get_pixel(away, y)[3], 0, "column {away}");
    }
}

#[test]
fn a_2x_tile_draws_the_same_boundary_at_twice_the_pixels() {
    let tile = tile_at(SPLIT_LON, 31.19, 14);
    let image = png(&town(), tile, 2, ALL);
    let (x, y) = pixel_at(tile, SPLIT_LON, 31.19, 512);
    assert!(image.get_pixel(x, y)[3] >= 200);
    // 2 px at scale 1 is 4 px at scale 2: the pixel next to the edge's is covered too.
    assert!(image.get_pixel(x + 1, y)[3] >= 100 || image.get_pixel(x - 1, y)[3] >= 100);
    assert_eq!(image.get_pixel(x + 80, y)[3], 0);
}

#[test]
fn neighbouring_tiles_meet_without_seams_or_doubled_edges() {
    // The micro-grid edge along 31.17° N crosses the border between these two tiles.
    let west = tile_at(119.62, SPLIT_LAT, 15);
    let east = TileCoord::new(15, west.x() + 1, west.y()).unwrap();
    let (left, right) = (png(&town(), west, 1, ALL), png(&town(), east, 1, ALL));
    let (_, row) = pixel_at(west, 119.62, SPLIT_LAT, 256);
    assert!(
        left.get_pixel(255, row)[3] > 0,
        "the edge is drawn at the border"
    );
    for y in 0..256 {
        let (a, b) = (*left.get_pixel(255, y), *right.get_pixel(0, y));
        assert!(close(a, b, 1), "row {y}: {a:?} | {b:?}");
    }

    // One canvas spanning both tiles draws exactly what the two tiles draw.
    let tile = Frame::tile(west, 1);
    let wide = Frame { width: 512, ..tile };
    let canvas = render(&town(), &wide, ALL).unwrap();
    for y in 0..256 {
        for x in 0..512 {
            let expected = if x < 256 {
                left.get_pixel(x, y)
            } else {
                right.get_pixel(x - 256, y)
            };
            let got = canvas.pixel(x, y).unwrap().demultiply();
            let got = image::Rgba([got.red(), got.green(), got.blue(), got.alpha()]);
            assert!(
                close(got, *expected, 1),
                "({x}, {y}): {got:?} vs {expected:?}"
            );
        }
    }
}

#[test]
fn a_shared_edge_is_no_darker_than_an_edge_of_one_grid() {
    let only_north = Scene::new(
        1,
        &[square(
            4,
            "320282102200001001",
            4,
            (119.60, SPLIT_LAT, SPLIT_LON, 31.22),
        )],
        &[],
    );
    let tile = tile_at(119.62, SPLIT_LAT, 15);
    let micro = RasterLayer::Grids { level: Some(4) };
    let (shared, single) = (
        png(&town(), tile, 1, micro),
        png(&only_north, tile, 1, micro),
    );
    let (x, y) = pixel_at(tile, 119.62, SPLIT_LAT, 256);
    for row in y - 1..=y + 1 {
        assert_eq!(
            shared.get_pixel(x, row),
            single.get_pixel(x, row),
            "row {row}"
        );
    }
    assert!(shared.get_pixel(x, y)[3] > 0);
}

#[test]
fn micro_grids_are_absent_at_zoom_10_and_present_at_zoom_15() {
    for (z, drawn) in [(10, false), (15, true)] {
        let tile = tile_at(119.625, SPLIT_LAT, z);
        let (x, y) = pixel_at(tile, 119.625, SPLIT_LAT, 256);
        let alpha = png(&town(), tile, 1, ALL).get_pixel(x, y)[3];
        assert_eq!(alpha > 0, drawn, "zoom {z}: alpha {alpha}");
    }
}

#[test]
fn a_single_level_layer_draws_that_levels_edges_in_its_own_style() {
    let tile = tile_at(SPLIT_LON, SPLIT_LAT + 0.01, 14);
    let village_edge = pixel_at(tile, SPLIT_LON, SPLIT_LAT + 0.01, 256);
    let micro_edge = pixel_at(tile, SPLIT_LON - 0.005, SPLIT_LAT, 256);

    let villages = png(&town(), tile, 1, RasterLayer::Grids { level: Some(2) });
    assert!(villages.get_pixel(village_edge.0, village_edge.1)[3] >= 200);
    assert_eq!(villages.get_pixel(micro_edge.0, micro_edge.1)[3], 0);

    // Micro-grids alone draw their share of the village edge, as micro-grid edges.
    let micro = png(&town(), tile, 1, RasterLayer::Grids { level: Some(4) });
    let fine = *micro.get_pixel(village_edge.0, village_edge.1);
    let style = style::level_style(4);
    assert!(fine[3] > 0 && fine[3] < 200, "{fine:?}");
    assert!(
        close(
            fine,
            image::Rgba([style.rgb[0], style.rgb[1], style.rgb[2], fine[3]]),
            3
        ),
        "{fine:?}"
    );
}

#[test]
fn density_fills_differ_for_different_densities_and_let_the_basemap_through() {
    let scene = town_with([100, 2000, 500, 5000]);
    let tile = tile_at(SPLIT_LON, SPLIT_LAT, 12);
    let image = png(&scene, tile, 1, RasterLayer::Density);
    let inside = [
        (119.63, 31.19),
        (119.63, 31.15),
        (119.67, 31.19),
        (119.67, 31.15),
    ];
    let colours: Vec<image::Rgba<u8>> = inside
        .iter()
        .map(|&(lon, lat)| {
            let (x, y) = pixel_at(tile, lon, lat, 256);
            *image.get_pixel(x, y)
        })
        .collect();
    for (i, a) in colours.iter().enumerate() {
        assert!(a[3] > 100 && a[3] < 200, "semi-transparent: {a:?}");
        for b in &colours[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert_eq!(scene.density_breaks().len(), 3);
}

#[test]
fn a_high_zoom_tile_clips_kilometre_long_edges_and_still_draws_them() {
    let tile = tile_at(119.625, SPLIT_LAT, 20);
    let image = png(&town(), tile, 1, ALL);
    let (x, y) = pixel_at(tile, 119.625, SPLIT_LAT, 256);
    assert!(image.get_pixel(x, y)[3] > 0);
    let away = if y > 128 { y - 60 } else { y + 60 };
    assert_eq!(image.get_pixel(x, away)[3], 0);
}

#[test]
fn a_tile_outside_every_grid_is_fully_transparent() {
    let image = png(&town(), tile_at(0.0, 0.0, 14), 1, ALL);
    assert!(image.pixels().all(|p| p[3] == 0));
}
