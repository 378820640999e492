//! Point-to-grid lookups on the demo town: single whole-chain lookups and a batch of
//! 1,000,000 random points. Run with `cargo bench --bench locate`; figures go in
//! BENCHMARKS.md.

#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

mod common;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use geo::Coord;
use gridlink::demo::SplitMix64;
use gridlink::spatial::GridIndex;
use std::hint::black_box;

/// The demo town's grids, indexed.
fn demo_index() -> GridIndex {
    GridIndex::new(common::demo_town().0)
}

/// Reproducible points spread over the town's bounding box.
fn random_points(index: &GridIndex, n: usize) -> Vec<Coord<f64>> {
    let town = index
        .locate_at_level(
            Coord {
                x: 119.65,
                y: 31.17,
            },
            1,
        )
        .and_then(gridlink::spatial::IndexedGrid::bbox)
        .expect("the demo town contains 119.65, 31.17");
    let mut rng = SplitMix64::new(0x5EED, 0);
    (0..n)
        .map(|_| Coord {
            x: rng.range(town.min().x, town.max().x),
            y: rng.range(town.min().y, town.max().y),
        })
        .collect()
}

fn lookups(c: &mut Criterion) {
    let index = demo_index();
    let points = random_points(&index, 1_000_000);

    let mut single = c.benchmark_group("single");
    single.throughput(Throughput::Elements(1));
    let mut next = points.iter().cycle();
    single.bench_function("whole_chain_lookup", |b| {
        b.iter(|| {
            let p = *next.next().expect("endless");
            let chain = index.locate(black_box(p));
            // Walk the whole chain, as an answer would.
            chain.map_or(0, |g| {
                index.ancestors_and_self(g).map(|a| a.id).sum::<i64>()
            })
        });
    });
    let mut next = points.iter().cycle();
    single.bench_function("chain_as_api_links", |b| {
        // The chain as the API serialises it: an owned list of links.
        b.iter(|| {
            index
                .chain_at(black_box(*next.next().expect("endless")))
                .len()
        });
    });
    single.finish();

    let mut batch = c.benchmark_group("batch");
    batch.sample_size(10);
    batch.throughput(Throughput::Elements(points.len() as u64));
    batch.bench_function("locate_1m_points", |b| {
        b.iter_batched(
            || (),
            |()| {
                index
                    .locate_many(black_box(&points))
                    .iter()
                    .flatten()
                    .count()
            },
            BatchSize::PerIteration,
        );
    });
    batch.finish();
}

criterion_group!(benches, lookups);
criterion_main!(benches);
