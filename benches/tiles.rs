//! Cold raster tiles over the demo town: every iteration draws and encodes a PNG from the
//! scene, with no cache in front. Run with `cargo bench --bench tiles`; figures go in
//! BENCHMARKS.md.

#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use gridlink::store::GridFilter;
use gridlink::tiles::{RasterLayer, Scene, TileCoord, render_png};
use std::hint::black_box;
use std::path::Path;

/// The demo town, loaded the way the service loads it: through the importer and a store.
fn demo_scene() -> Scene {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(async {
        let store = gridlink::store::connect("sqlite::memory:")
            .await
            .expect("in-memory store");
        gridlink::import::import_dataset(store.as_ref(), Path::new("geodata/taihua"))
            .await
            .expect("demo dataset");
        let grids = store.grids(GridFilter::default()).await.expect("grids");
        let cameras = store.cameras(None).await.expect("cameras");
        Scene::new(1, &grids, &cameras)
    })
}

/// The tile holding 119.65° E, 31.17° N (inside the town, on several boundaries).
fn tile_in_town(z: u32) -> TileCoord {
    let (lon, lat) = (119.65_f64, 31.17_f64);
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let y = ((1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0 * n).floor();
    TileCoord::new(z, x, y as u32).expect("a tile in the town")
}

fn raster(c: &mut Criterion) {
    let scene = demo_scene();
    let mut group = c.benchmark_group("raster_cold");
    let layers = [
        ("grids", RasterLayer::Grids { level: None }),
        ("density", RasterLayer::Density),
    ];
    for z in [14, 16] {
        let tile = tile_in_town(z);
        for (name, layer) in layers {
            for scale in [1, 2] {
                let id = format!("{name}_z{z}_{}px", 256 * u32::from(scale));
                group.bench_function(id, |b| {
                    b.iter(|| {
                        render_png(&scene, black_box(tile), scale, layer)
                            .expect("tile")
                            .len()
                    });
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, raster);
criterion_main!(benches);
