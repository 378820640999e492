//! How [`tally`](super::tally) runs fast: one pass over the facts turns each into a small
//! [`Row`] of integers (its node in the code tree, see `tree`; how it counts; its category
//! and period), and each breakdown, the total included, is then a table of cells built from
//! the rows (see `table`). Nothing is allocated per fact: the rows are one allocation, and
//! codes are looked up, never copied.

use super::table::{Cells, Outcome, Table, Tallied};
use super::tree::{Code, CodeMap, Tree};
use super::{
    CategoryFigures, CategoryGrouping, GridStats, IncidentFact, IncidentStatus, PeriodFigures,
    StatsGrid, StatsReport, TallyOptions, colour_at,
};
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};

/// What the tables keep of one fact.
#[derive(Debug, Clone, Copy)]
struct Row {
    tallied: Tallied,
    node: u32,
    category: u32,
    period: i32,
}

pub(super) fn tally(
    facts: &[IncidentFact],
    grids: &[StatsGrid],
    now: DateTime<Utc>,
    options: &TallyOptions,
) -> StatsReport {
    let tree = Tree::new(grids);
    let nodes = tree.len();
    let mut categories = Interner::default();
    let mut rows = Vec::with_capacity(facts.len());
    for fact in facts {
        if options
            .reported
            .as_ref()
            .is_some_and(|range| !range.contains(&fact.reported_at))
        {
            continue;
        }
        let Some(node) = tree.node_of(fact.grid_code.as_str()) else {
            continue;
        };
        let reported = fact.reported_at.timestamp();
        rows.push(Row {
            tallied: tallied(fact, reported, now),
            node,
            category: match options.by_category {
                Some(_) => categories.id(&fact.category),
                None => 0,
            },
            period: options.by_period.map_or(0, |p| p.key(reported)),
        });
    }

    let totals = Cells::gather(1, nodes, || {
        rows.iter().map(|row| (row.node as usize, row.tallied))
    });
    let totals = Table::new(totals, &tree);
    let by_category = options.by_category.as_ref().map(|grouping| {
        let (names, group_of) = categories.grouped(grouping);
        let cells = Cells::gather(names.len(), nodes, || {
            rows.iter().map(|row| {
                let key = group_of[row.category as usize] as usize;
                (key * nodes + row.node as usize, row.tallied)
            })
        });
        (names, Table::new(cells, &tree))
    });
    let by_period = options.by_period.map(|period| {
        let (ids, keys) = PeriodIds::new(rows.iter().map(|row| row.period));
        let cells = Cells::gather(keys.len(), nodes, || {
            rows.iter()
                .map(|row| (ids.id(row.period) * nodes + row.node as usize, row.tallied))
        });
        let labels: Vec<String> = keys.iter().map(|&k| period.label_of_key(k)).collect();
        (labels, Table::new(cells, &tree))
    });

    let mut order: Vec<&StatsGrid> = grids.iter().collect();
    order.sort_by(|a, b| a.code.cmp(&b.code).then(a.id.cmp(&b.id)));
    let grids = order
        .into_iter()
        .map(|grid| {
            let node = tree.node(grid.code.as_str());
            GridStats {
                id: grid.id,
                code: grid.code.clone(),
                name: grid.name.clone(),
                level: grid.level,
                parent_id: grid.parent_id,
                figures: totals.figures(0, node).unwrap_or_default(),
                by_category: by_category.as_ref().map_or_else(Vec::new, |(names, t)| {
                    t.cells_of(node, names, |category, figures| CategoryFigures {
                        category,
                        figures,
                    })
                }),
                by_period: by_period.as_ref().map_or_else(Vec::new, |(labels, t)| {
                    t.cells_of(node, labels, |period, figures| PeriodFigures {
                        period,
                        figures,
                    })
                }),
            }
        })
        .collect();
    StatsReport {
        now,
        by_category: options.by_category.as_ref().map(CategoryGrouping::level),
        by_period: options.by_period,
        grids,
    }
}

/// How `fact`, reported at `reported` (Unix seconds), counts at `now`.
fn tallied(fact: &IncidentFact, reported: i64, now: DateTime<Utc>) -> Tallied {
    let outcome = match fact.status {
        IncidentStatus::Rejected => Outcome::Rejected,
        IncidentStatus::Closed | IncidentStatus::Archived => Outcome::Closed,
        _ => Outcome::Open(colour_at(fact.deadline, fact.yellow_at, now)),
    };
    let closed_at = fact.closed_at.filter(|_| outcome == Outcome::Closed);
    Tallied {
        outcome,
        late: closed_at.is_some_and(|at| at >= fact.deadline),
        timed: closed_at.is_some(),
        rating: match fact.satisfaction {
            Some(r @ 1..=5) if outcome == Outcome::Closed => r,
            _ => 0,
        },
        seconds: closed_at.map_or(0, |at| {
            u32::try_from((at.timestamp() - reported).max(0)).unwrap_or(u32::MAX)
        }),
    }
}

/// Category codes as small integers, seen in the facts' order.
#[derive(Default)]
struct Interner<'a> {
    ids: CodeMap<'a, u32>,
    codes: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    fn id(&mut self, code: &'a str) -> u32 {
        if let Some(&id) = self.ids.get(&Code(code)) {
            return id;
        }
        let id = self.codes.len() as u32;
        self.ids.insert(Code(code), id);
        self.codes.push(code);
        id
    }

    /// The group names in code order, and each interned code's group.
    fn grouped(&self, grouping: &CategoryGrouping) -> (Vec<String>, Vec<u32>) {
        let group = |code: &'a str| -> &str {
            match grouping {
                CategoryGrouping::SubCategory => code,
                CategoryGrouping::DutyClass(classes) => classes.get(code).map_or(code, |c| c),
            }
        };
        let names: BTreeSet<&str> = self.codes.iter().map(|c| group(c)).collect();
        let position: HashMap<&str, u32> = names.iter().zip(0..).map(|(n, i)| (*n, i)).collect();
        let group_of = self.codes.iter().map(|c| position[group(c)]).collect();
        (names.into_iter().map(str::to_owned).collect(), group_of)
    }
}

/// Dense ids of the distinct period keys in order: a direct table when they span a
/// realistic range, a binary search otherwise (facts centuries apart).
enum PeriodIds {
    Table { first: i32, ids: Vec<u32> },
    Search(Vec<i32>),
}

impl PeriodIds {
    const MAX_TABLE: i64 = 1 << 16;

    /// The ids and the distinct keys, in order.
    fn new(keys: impl Iterator<Item = i32> + Clone) -> (Self, Vec<i32>) {
        let (first, last) = keys
            .clone()
            .fold((i32::MAX, i32::MIN), |(lo, hi), k| (lo.min(k), hi.max(k)));
        if first <= last && i64::from(last) - i64::from(first) < Self::MAX_TABLE {
            const ABSENT: u32 = u32::MAX;
            let mut ids = vec![ABSENT; (last - first) as usize + 1];
            for key in keys {
                ids[(key - first) as usize] = 0;
            }
            let mut distinct = Vec::new();
            for (key, id) in (first..).zip(&mut ids) {
                if *id != ABSENT {
                    *id = distinct.len() as u32;
                    distinct.push(key);
                }
            }
            (Self::Table { first, ids }, distinct)
        } else {
            let mut distinct: Vec<i32> = keys.collect();
            distinct.sort_unstable();
            distinct.dedup();
            (Self::Search(distinct.clone()), distinct)
        }
    }

    fn id(&self, key: i32) -> usize {
        match self {
            Self::Table { first, ids } => ids[(key - first) as usize] as usize,
            Self::Search(keys) => keys.binary_search(&key).unwrap_or_default(),
        }
    }
}
