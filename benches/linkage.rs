//! Nearest available workers under position updates (issue 5): 10,000 workers, all
//! available, spread over a county-sized area around 119.65° E, 31.17° N, in the
//! `SpatialIndex` the service shares (so its `RwLock` is measured too). One thread applies
//! 1,000 `move_worker` calls per second, paced to a schedule, with ever-newer times, while
//! this thread times single `nearest_available(p, 5, …)` calls at random points with
//! `Instant`. Also the same with no updates, and the cost of one `move_worker` alone.
//!
//! `cargo bench --bench linkage` (criterion is not used: it reports means and medians, and
//! the target is a p99). `LINKAGE_SECONDS` sets how long each timed phase runs (default
//! 10; 0.2 under `cargo test`). Figures go in BENCHMARKS.md.

#![allow(missing_docs, reason = "a benchmark binary")]

use chrono::{DateTime, TimeDelta, Utc};
use gridlink::demo::SplitMix64;
use gridlink::domain::{LonLat, Shift, Worker, WorkerId, WorkerRole};
use gridlink::spatial::{Availability, GridIndex, Roster, SpatialIndex, WorkerIndex};
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const WORKERS: usize = 10_000;
const UPDATES_PER_S: u32 = 1_000;
const K: usize = 5;
/// The area: about 48 km east–west by 44 km north–south, a county around the demo town.
const WEST: f64 = 119.40;
const EAST: f64 = 119.90;
const SOUTH: f64 = 30.97;
const NORTH: f64 = 31.37;
/// Largest step of one position update, in degrees (about 50 m): a worker on patrol.
const STEP: f64 = 0.0005;

fn point(rng: &mut SplitMix64) -> LonLat {
    LonLat::new(rng.range(WEST, EAST), rng.range(SOUTH, NORTH)).expect("inside the area")
}

/// 10,000 on-duty workers on a shift covering every hour, each with a position of `at`.
fn workers(at: DateTime<Utc>) -> Vec<Worker> {
    let always = Shift::from_parts(0x7f, 0, 0).expect("every day, 24 hours");
    let mut rng = SplitMix64::new(0x5EED, 5);
    (1..=WORKERS as WorkerId)
        .map(|id| Worker {
            id,
            name: format!("worker {id}"),
            role: WorkerRole::FullTime,
            department: None,
            phone: format!("139{id:08}"),
            grid_ids: Vec::new(),
            on_duty: true,
            position: Some(point(&mut rng)),
            position_at: Some(at),
            shifts: vec![always],
        })
        .collect()
}

fn index(workers: &[Worker]) -> SpatialIndex {
    SpatialIndex::new(
        GridIndex::new(Vec::new()),
        WorkerIndex::new(workers),
        Roster::new(workers),
    )
}

/// Latencies in nanoseconds, summarised.
struct Summary {
    samples: Vec<u64>,
}

impl Summary {
    fn new(mut samples: Vec<u64>) -> Self {
        samples.sort_unstable();
        Self { samples }
    }

    fn at(&self, q: f64) -> f64 {
        let i = ((self.samples.len() as f64 * q).ceil() as usize).clamp(1, self.samples.len());
        self.samples[i - 1] as f64 / 1000.0
    }

    fn line(&self) -> String {
        let mean = self.samples.iter().sum::<u64>() as f64 / self.samples.len() as f64 / 1000.0;
        format!(
            "{} samples: mean {mean:.1} µs, p50 {:.1} µs, p99 {:.1} µs, p99.9 {:.1} µs, max {:.1} µs",
            self.samples.len(),
            self.at(0.50),
            self.at(0.99),
            self.at(0.999),
            self.at(1.0),
        )
    }
}

/// Times single nearest-5 queries at random points for `run`; checks each found 5.
fn time_queries(index: &SpatialIndex, rule: &Availability, run: Duration, seed: u64) -> Summary {
    let mut rng = SplitMix64::new(seed, 7);
    let mut samples = Vec::with_capacity(2_000_000);
    let until = Instant::now() + run;
    while Instant::now() < until {
        let p = point(&mut rng);
        let start = Instant::now();
        let found = index.nearest_available(black_box(p), K, rule, &|_| false);
        let took = start.elapsed();
        assert_eq!(found.len(), K, "every worker is available");
        samples.push(took.as_nanos() as u64);
    }
    Summary::new(samples)
}

/// Moves worker after worker by a small step, `UPDATES_PER_S` a second on an absolute
/// schedule (sleeping until each slot), each report a millisecond newer than the last,
/// until `stop`; answers how many it applied and over how long.
fn paced_updates(
    index: &SpatialIndex,
    from: DateTime<Utc>,
    stop: &AtomicBool,
) -> (u64, Duration, Duration) {
    let mut rng = SplitMix64::new(0x5EED, 11);
    let mut positions: Vec<LonLat> = workers(from)
        .iter()
        .map(|w| w.position.expect("placed"))
        .collect();
    let interval = Duration::from_secs(1) / UPDATES_PER_S;
    let start = Instant::now();
    let mut worst_lag = Duration::ZERO;
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let due = start + interval * n as u32;
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
        } else {
            worst_lag = worst_lag.max(now - due);
        }
        let i = rng.next_u64() as usize % WORKERS;
        let p = positions[i];
        let moved = LonLat::new(
            (p.lon() + rng.range(-STEP, STEP)).clamp(WEST, EAST),
            (p.lat() + rng.range(-STEP, STEP)).clamp(SOUTH, NORTH),
        )
        .expect("inside the area");
        positions[i] = moved;
        let at = from + TimeDelta::milliseconds(n as i64 + 1);
        assert!(index.move_worker(i as WorkerId + 1, moved, at), "newer");
        n += 1;
    }
    (n, start.elapsed(), worst_lag)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this too, and then a
    // short smoke run that every phase works is enough.
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let run = match std::env::var("LINKAGE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        Some(seconds) => Duration::from_secs(seconds),
        None if benchmarking => Duration::from_secs(10),
        None => Duration::from_millis(200),
    };
    let now = Utc::now();
    // Positions a minute old, updates newer by the millisecond: all fresh throughout.
    let placed = now - TimeDelta::minutes(1);
    let rule = Availability {
        now,
        freshness: TimeDelta::minutes(10),
    };
    let workers = workers(placed);
    let build = Instant::now();
    let index = Arc::new(index(&workers));
    println!(
        "linkage: {WORKERS} workers over {WEST}–{EAST} E, {SOUTH}–{NORTH} N, all available; \
         index built in {:.1} ms; nearest {K}, {} s per phase",
        build.elapsed().as_secs_f64() * 1000.0,
        run.as_secs()
    );

    // Warm up caches and the branch predictor before anything is recorded.
    time_queries(&index, &rule, Duration::from_secs(1), 1);

    let idle = time_queries(&index, &rule, run, 2);
    println!("nearest_available, no updates: {}", idle.line());

    let stop = Arc::new(AtomicBool::new(false));
    let updates_thread = {
        let (index, stop) = (Arc::clone(&index), Arc::clone(&stop));
        std::thread::spawn(move || paced_updates(&index, placed, &stop))
    };
    let busy = time_queries(&index, &rule, run, 3);
    stop.store(true, Ordering::Relaxed);
    let (updates, took, worst_lag) = updates_thread.join().expect("the updates finished");
    println!(
        "nearest_available, {UPDATES_PER_S} move_worker/s beside it: {}",
        busy.line()
    );
    println!(
        "  updates applied: {updates} in {:.2} s = {:.0}/s (worst lag behind schedule {:.2} ms)",
        took.as_secs_f64(),
        updates as f64 / took.as_secs_f64(),
        worst_lag.as_secs_f64() * 1000.0
    );

    // One move_worker alone (write lock, R-tree remove and insert), 100,000 times.
    let mut rng = SplitMix64::new(0x5EED, 13);
    let from = placed + TimeDelta::hours(1);
    let samples = (0..100_000u32)
        .map(|n| {
            let id = (rng.next_u64() % WORKERS as u64) as WorkerId + 1;
            let p = point(&mut rng);
            let at = from + TimeDelta::milliseconds(i64::from(n));
            let start = Instant::now();
            let moved = index.move_worker(black_box(id), p, at);
            let took = start.elapsed();
            assert!(moved, "newer");
            took.as_nanos() as u64
        })
        .collect();
    println!("move_worker alone: {}", Summary::new(samples).line());
}
