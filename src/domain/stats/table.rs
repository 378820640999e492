//! One breakdown as a table of cells `key * nodes + node`: counts added into each fact's
//! deepest node and then rolled up from the last node to the first, and the percentiles of
//! close durations.
//!
//! Durations are laid out by cell in cell order (a counting sort), so the durations of a
//! node's whole subtree within one key form one contiguous slice. Nodes are processed from
//! the last to the first, so a node's children are done before it and their percentiles
//! narrow the search for its own (see `percentile`). Selecting reorders only the slice of
//! the node at hand, whose descendants are done, and leaves the contents of every
//! enclosing slice unchanged.

use super::percentile::{Quantiles, Windows};
use super::tree::{NONE, Tree};
use super::{Figures, OpenByColour, Satisfaction, TimeToClose};
use crate::domain::Urgency;

/// How one fact counts, whatever its cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Rejected,
    Closed,
    Open(Urgency),
}

/// What a table needs of one fact besides its cell.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tallied {
    pub(super) outcome: Outcome,
    pub(super) late: bool,
    /// Whether `seconds` holds a time to close.
    pub(super) timed: bool,
    /// 1..=5, or 0 when not rated.
    pub(super) rating: u8,
    pub(super) seconds: u32,
}

/// Counts of one cell: direct at first, then rolled up. `u32` suffices: overflowing one
/// would take four billion facts in memory.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counts {
    rejected: u32,
    closed: u32,
    open: [u32; 3],
    closed_late: u32,
    timed: u32,
    rated: u32,
    satisfied: u32,
    rating_sum: u64,
}

impl Counts {
    fn count(&mut self, fact: Tallied) {
        match fact.outcome {
            Outcome::Rejected => self.rejected += 1,
            Outcome::Closed => self.closed += 1,
            Outcome::Open(colour) => self.open[colour as usize] += 1,
        }
        self.closed_late += u32::from(fact.late);
        self.timed += u32::from(fact.timed);
        self.rated += u32::from(fact.rating > 0);
        self.satisfied += u32::from(fact.rating >= 4);
        self.rating_sum += u64::from(fact.rating);
    }

    fn add(&mut self, other: &Self) {
        self.rejected += other.rejected;
        self.closed += other.closed;
        for (mine, theirs) in self.open.iter_mut().zip(other.open) {
            *mine += theirs;
        }
        self.closed_late += other.closed_late;
        self.timed += other.timed;
        self.rated += other.rated;
        self.satisfied += other.satisfied;
        self.rating_sum += other.rating_sum;
    }
}

/// Direct counts and durations of every cell, before the roll-up.
pub(super) struct Cells {
    pub(super) keys: usize,
    pub(super) counts: Vec<Counts>,
    /// Durations in cell order; cell `c`'s are `seconds[starts[c]..starts[c + 1]]`.
    pub(super) seconds: Vec<u32>,
    pub(super) starts: Vec<usize>,
}

impl Cells {
    /// Cells of facts given as (cell, fact) pairs; `facts` is called twice.
    pub(super) fn gather<I>(keys: usize, nodes: usize, facts: impl Fn() -> I) -> Self
    where
        I: Iterator<Item = (usize, Tallied)>,
    {
        let mut counts = vec![Counts::default(); keys * nodes];
        for (cell, fact) in facts() {
            counts[cell].count(fact);
        }
        let starts = starts(counts.iter().map(|c| c.timed as usize));
        let mut next = starts.clone();
        let mut seconds = vec![0; starts.last().copied().unwrap_or_default()];
        for (cell, fact) in facts().filter(|(_, fact)| fact.timed) {
            seconds[next[cell]] = fact.seconds;
            next[cell] += 1;
        }
        Self {
            keys,
            counts,
            seconds,
            starts,
        }
    }
}

/// Running sums from 0, one more than there are lengths.
fn starts(lengths: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut starts = vec![0];
    let mut total = 0;
    starts.extend(lengths.map(|len| {
        total += len;
        total
    }));
    starts
}

/// One breakdown, rolled up, with the percentiles of every cell.
pub(super) struct Table {
    nodes: usize,
    counts: Vec<Counts>,
    /// Median and 90th percentile of close durations, in seconds.
    times: Vec<Option<Quantiles>>,
}

impl Table {
    /// Rolls `cells` up `tree` and computes every node's percentiles.
    pub(super) fn new(cells: Cells, tree: &Tree) -> Self {
        let Cells {
            keys,
            mut counts,
            mut seconds,
            starts,
        } = cells;
        let nodes = tree.len();
        let mut times = vec![None; counts.len()];
        let mut windows = Windows::default();
        for base in (0..keys).map(|key| key * nodes) {
            for node in (0..nodes).rev() {
                let cell = base + node;
                let (start, own_end) = (starts[cell], starts[cell + 1]);
                let end = starts[base + tree.end[node] as usize];
                let children = tree.children(node).filter_map(|child| times[base + child]);
                times[cell] =
                    windows.of_subtree(&mut seconds[start..end], own_end - start, children);
                let parent = tree.parent[node];
                if parent != NONE {
                    let direct = counts[cell];
                    counts[base + parent as usize].add(&direct);
                }
            }
        }
        Self {
            nodes,
            counts,
            times,
        }
    }

    /// The figures of a cell, `None` when it has no incident.
    pub(super) fn figures(&self, key: usize, node: usize) -> Option<Figures> {
        let cell = key * self.nodes + node;
        let c = &self.counts[cell];
        let closed = u64::from(c.closed);
        let received = closed + c.open.iter().copied().map(u64::from).sum::<u64>();
        if received + u64::from(c.rejected) == 0 {
            return None;
        }
        let share = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
        let hours = |seconds: u32| f64::from(seconds) / 3600.0;
        let times = self.times[cell];
        let [blue, yellow, red] = c.open.map(u64::from);
        let rated = u64::from(c.rated);
        Some(Figures {
            received,
            closed,
            rejected: u64::from(c.rejected),
            closure_rate: share(closed, received),
            open: OpenByColour { blue, yellow, red },
            overdue: red,
            closed_late: u64::from(c.closed_late),
            time_to_close: TimeToClose {
                median_hours: times.map(|(median, _)| hours(median)),
                p90_hours: times.map(|(_, p90)| hours(p90)),
            },
            satisfaction: Satisfaction {
                rated,
                mean: share(c.rating_sum, rated),
                satisfied_share: share(u64::from(c.satisfied), rated),
            },
        })
    }

    /// The non-empty cells of `node`, in key order, named by `names`.
    pub(super) fn cells_of<T>(
        &self,
        node: usize,
        names: &[String],
        make: impl Fn(String, Figures) -> T,
    ) -> Vec<T> {
        names
            .iter()
            .enumerate()
            .filter_map(|(key, name)| Some(make(name.clone(), self.figures(key, node)?)))
            .collect()
    }
}
