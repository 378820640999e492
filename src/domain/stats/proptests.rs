//! Properties of [`tally`] on random facts over a random choice of listed grids.

use super::*;
use chrono::TimeDelta;
use proptest::prelude::*;

/// Codes facts may carry: listed candidates first, then codes never listed.
const CODES: &[&str] = &[
    "320282102",
    "320282102200",
    "320282102201",
    "320282102202",
    "320282102200001",
    "320282102200002",
    "320282102201001",
    "320282102201002",
    "320282102202001",
    "320282102202002",
    // Never listed: a micro-grid, a grid of a listed village, another town.
    "320282102200001004",
    "320282102202009",
    "320282103",
];
/// How many of `CODES` may be listed.
const LISTABLE: usize = 10;
const CATEGORIES: &[&str] = &["a", "b", "c"];

fn at(hours: i64) -> DateTime<Utc> {
    "2026-11-20T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::hours(hours)
}

fn fact() -> impl Strategy<Value = IncidentFact> {
    (
        0..CODES.len(),
        0..IncidentStatus::ALL.len(),
        (0_i64..400, 0_i64..100, 0_i64..300, 0_i64..300),
        (0_u8..8, 0..CATEGORIES.len()),
    )
        .prop_map(
            |(code, status, (from, took, yellow, due), (rating, category))| {
                let status = IncidentStatus::ALL[status];
                let closed = matches!(status, IncidentStatus::Closed | IncidentStatus::Archived);
                IncidentFact {
                    grid_code: GridCode::parse(CODES[code]).unwrap(),
                    category: CATEGORIES[category].to_owned(),
                    status,
                    reported_at: at(from),
                    closed_at: closed.then(|| at(from + took)),
                    deadline: at(from + due),
                    yellow_at: at(from + yellow.min(due)),
                    satisfaction: (rating > 0).then_some(rating),
                }
            },
        )
}

fn listed(mask: u16) -> Vec<StatsGrid> {
    (0..LISTABLE)
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| StatsGrid {
            id: i as GridId,
            code: GridCode::parse(CODES[i]).unwrap(),
            name: format!("网格{i}"),
            level: 1,
            parent_id: None,
        })
        .collect()
}

/// The listed grid deepest above or at `code`, if any.
fn deepest<'a>(grids: &'a [StatsGrid], code: &str) -> Option<&'a StatsGrid> {
    grids
        .iter()
        .filter(|g| code.starts_with(g.code.as_str()))
        .max_by_key(|g| g.code.as_str().len())
}

/// The nearest-rank percentile straight from its definition: the smallest value such that
/// at least `percent` % of the values are less than or equal to it.
fn by_definition(values: &[i64], percent: usize) -> Option<f64> {
    values
        .iter()
        .copied()
        .filter(|&v| values.iter().filter(|&&w| w <= v).count() * 100 >= percent * values.len())
        .min()
        .map(|seconds| seconds as f64 / 3600.0)
}

fn counts(f: &Figures) -> [u64; 6] {
    [
        f.received,
        f.closed,
        f.rejected,
        f.open.blue,
        f.open.yellow,
        f.open.red,
    ]
}

fn add(a: [u64; 6], b: [u64; 6]) -> [u64; 6] {
    std::array::from_fn(|i| a[i] + b[i])
}

proptest! {
    #[test]
    fn a_parent_counts_its_children_plus_what_lies_on_it_directly(
        facts in prop::collection::vec(fact(), 0..80),
        mask in 1_u16..(1 << LISTABLE),
        now in 0_i64..500,
    ) {
        // Arrange
        let grids = listed(mask);

        // Act
        let report = tally(&facts, &grids, at(now), &TallyOptions::default());

        // Assert
        for parent in &report.grids {
            let children = report.grids.iter().filter(|child| {
                let code = child.code.as_str();
                code != parent.code.as_str()
                    && code.get(..code.len() - 3)
                        .and_then(|up| deepest(&grids, up))
                        .is_some_and(|up| up.code == parent.code)
            });
            let direct = facts.iter().filter(|f| {
                deepest(&grids, f.grid_code.as_str()).is_some_and(|g| g.code == parent.code)
            });
            let direct = tally(
                &direct.cloned().collect::<Vec<_>>(),
                &grids,
                at(now),
                &TallyOptions::default(),
            );
            let own = report.grids.iter().position(|g| g.code == parent.code).unwrap();
            let expected = children
                .map(|c| counts(&c.figures))
                .fold(counts(&direct.grids[own].figures), add);
            prop_assert_eq!(counts(&parent.figures), expected, "{}", parent.code);
        }
    }

    #[test]
    fn percentiles_and_breakdowns_agree_with_a_direct_count(
        facts in prop::collection::vec(fact(), 0..80),
        mask in 1_u16..(1 << LISTABLE),
    ) {
        // Arrange
        let grids = listed(mask);
        let options = TallyOptions {
            by_category: Some(CategoryGrouping::SubCategory),
            by_period: Some(Period::Day),
            reported: None,
        };

        // Act
        let report = tally(&facts, &grids, at(250), &options);

        // Assert
        for grid in &report.grids {
            let durations: Vec<i64> = facts
                .iter()
                .filter(|f| f.grid_code.as_str().starts_with(grid.code.as_str()))
                .filter_map(|f| Some((f.closed_at? - f.reported_at).num_seconds()))
                .collect();
            let times = grid.figures.time_to_close;
            prop_assert_eq!(times.median_hours, by_definition(&durations, 50));
            prop_assert_eq!(times.p90_hours, by_definition(&durations, 90));
            let total = counts(&grid.figures);
            let by_category = grid.by_category.iter().map(|c| counts(&c.figures));
            prop_assert_eq!(by_category.fold([0; 6], add), total);
            let by_period = grid.by_period.iter().map(|c| counts(&c.figures));
            prop_assert_eq!(by_period.fold([0; 6], add), total);
        }
    }
}
