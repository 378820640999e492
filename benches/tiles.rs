//! Cold raster tiles over the demo town: every iteration draws and encodes a PNG from the
//! scene, with no cache in front. Run with `cargo bench --bench tiles`; figures go in
//! BENCHMARKS.md.

#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use gridlink::tiles::{RasterLayer, Scene, TileCoord, render_png};
use std::hint::black_box;

fn raster(c: &mut Criterion) {
    let (grids, cameras) = common::demo_town();
    let scene = Scene::new(1, &grids, &cameras);
    let mut group = c.benchmark_group("raster_cold");
    let layers = [
        ("grids", RasterLayer::Grids { level: None }),
        ("density", RasterLayer::Density),
    ];
    for z in [14, 16] {
        // On several boundaries, well inside the town.
        let tile = TileCoord::containing(119.65, 31.17, z).expect("zoom in range");
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
