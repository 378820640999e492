//! Incident statistics: `tally` over 1,000,000 synthetic facts and a four-level town of
//! 125 grids (1 town, 8 villages, 25 grids, 91 micro-grids, Taihua's shape). Run with
//! `cargo bench --bench stats`; figures go in BENCHMARKS.md.

#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gridlink::demo::SplitMix64;
use gridlink::domain::{
    CategoryGrouping, GridCode, IncidentFact, IncidentStatus, Period, StatsGrid, TallyOptions,
    tally,
};
use std::collections::HashMap;
use std::hint::black_box;

const FACTS: usize = 1_000_000;
/// Grids per village and micro-grids per grid, as in Taihua: 25 grids, 91 micro-grids.
const GRIDS_PER_VILLAGE: [u16; 8] = [3, 3, 3, 3, 3, 3, 3, 4];

/// The town's 125 grids, parents first.
fn town() -> Vec<StatsGrid> {
    let mut grids = Vec::new();
    let mut add = |code: GridCode, level, parent_id| {
        let id = grids.len() as i64 + 1;
        grids.push(StatsGrid {
            id,
            name: format!("网格{code}"),
            code,
            level,
            parent_id,
        });
        id
    };
    let town = GridCode::parse("320282102").expect("a valid code");
    let town_id = add(town.clone(), 1, None);
    let mut grid_no = 0;
    for (v, grids_here) in (200..).zip(GRIDS_PER_VILLAGE) {
        let village = town.child(v).expect("sequence in 1..=999");
        let village_id = add(village.clone(), 2, Some(town_id));
        for g in 1..=grids_here {
            let grid = village.child(g).expect("sequence in 1..=999");
            let grid_id = add(grid.clone(), 3, Some(village_id));
            // 91 = 25 · 3 + 16: the first 16 grids have four micro-grids.
            let micro_grids = if grid_no < 16 { 4 } else { 3 };
            grid_no += 1;
            for m in 1..=micro_grids {
                add(
                    grid.child(m).expect("sequence in 1..=999"),
                    4,
                    Some(grid_id),
                );
            }
        }
    }
    assert_eq!(grids.len(), 125);
    grids
}

/// Forty sub-categories in fifteen duty classes.
fn categories() -> (Vec<String>, HashMap<String, String>) {
    let subs: Vec<String> = (0..40)
        .map(|i| format!("class{:02}_sub{i:02}", i % 15))
        .collect();
    let classes = subs
        .iter()
        .map(|sub| (sub.clone(), sub[..7].to_owned()))
        .collect();
    (subs, classes)
}

/// Reproducible facts over 2026 on grids of every level (73 % on micro-grids); 85 % closed or
/// archived, 3 % rejected, the rest open.
fn facts(grids: &[StatsGrid], subs: &[String]) -> Vec<IncidentFact> {
    let start: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().expect("an instant");
    let mut rng = SplitMix64::new(0x5EED, 7);
    let mut below = |n: u64| rng.next_u64() % n;
    (0..FACTS)
        .map(|_| {
            let grid = &grids[below(grids.len() as u64) as usize];
            let reported_at = start + TimeDelta::seconds(below(365 * 86_400) as i64);
            let limit = TimeDelta::hours(2 + below(240) as i64);
            let status = match below(100) {
                0..=74 => IncidentStatus::Closed,
                75..=84 => IncidentStatus::Archived,
                85..=87 => IncidentStatus::Rejected,
                _ => IncidentStatus::Handling,
            };
            let closed = matches!(status, IncidentStatus::Closed | IncidentStatus::Archived);
            IncidentFact {
                grid_code: grid.code.clone(),
                category: subs[below(subs.len() as u64) as usize].clone(),
                status,
                reported_at,
                closed_at: closed
                    .then(|| reported_at + TimeDelta::seconds(below(400 * 3600) as i64)),
                deadline: reported_at + limit,
                yellow_at: reported_at + limit * 3 / 4,
                satisfaction: (closed && below(10) < 8).then(|| 1 + below(5) as u8),
            }
        })
        .collect()
}

fn tallies(c: &mut Criterion) {
    let grids = town();
    let (subs, classes) = categories();
    let facts = facts(&grids, &subs);
    let now: DateTime<Utc> = "2026-12-31T12:00:00Z".parse().expect("an instant");

    let mut group = c.benchmark_group("tally");
    group.sample_size(10);
    group.throughput(Throughput::Elements(FACTS as u64));
    let cases = [
        ("1m_facts_totals", TallyOptions::default()),
        (
            "1m_facts_by_duty_class_and_week",
            TallyOptions {
                by_category: Some(CategoryGrouping::DutyClass(classes)),
                by_period: Some(Period::Week),
                reported: None,
            },
        ),
        (
            "1m_facts_by_sub_category_and_day",
            TallyOptions {
                by_category: Some(CategoryGrouping::SubCategory),
                by_period: Some(Period::Day),
                reported: None,
            },
        ),
    ];
    for (name, options) in &cases {
        group.bench_function(*name, |b| {
            b.iter(|| {
                tally(black_box(&facts), black_box(&grids), now, options)
                    .grids
                    .len()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, tallies);
criterion_main!(benches);
