//! Nearest-rank percentiles of close durations: the `ceil(p·n/100)`-th smallest of `n`
//! values, which is the smallest value such that at least p % of the values are less than
//! or equal to it.
//!
//! A grid's durations are the union of its own incidents' and its children's, whose
//! percentiles are known by the time the grid's turn comes. The union's p-th percentile
//! lies between the smallest and the largest of its parts' p-th percentiles: at the
//! largest, every part, and so the union, has at least p % of its values at or below it;
//! below the smallest, every part, and so the union, has fewer. So one scan counts the
//! values below that window and collects those inside it, and the selection runs on the
//! window alone, typically a small share of the values. Only the finest grids, and
//! subtrees of fewer than 512 values, select over all their values.

/// The median and the 90th percentile.
pub(super) type Quantiles = (u32, u32);

/// The nearest-rank `percent`-th of `n` values, as a 0-based index into them sorted.
fn nearest_rank(n: usize, percent: usize) -> usize {
    (percent * n).div_ceil(100).max(1) - 1
}

/// The nearest-rank median and 90th percentile; reorders `values`.
pub(super) fn median_and_p90(values: &mut [u32]) -> Option<Quantiles> {
    if values.is_empty() {
        return None;
    }
    let (at_50, at_90) = (
        nearest_rank(values.len(), 50),
        nearest_rank(values.len(), 90),
    );
    let (below, &mut p90, _) = values.select_nth_unstable(at_90);
    let median = if at_50 == at_90 {
        p90
    } else {
        *below.select_nth_unstable(at_50).1
    };
    Some((median, p90))
}

/// Below this many values, selecting over all of them beats scanning for windows.
const SMALL: usize = 512;

/// Scratch space for [`Windows::of_subtree`], reused from one grid to the next.
#[derive(Default)]
pub(super) struct Windows {
    median: Vec<u32>,
    p90: Vec<u32>,
}

impl Windows {
    /// The median and 90th percentile of a node's subtree: `values` holds the node's own
    /// values (the first `own`) and then its children's, whose percentiles `children`
    /// lists (see the module documentation). Reorders `values`.
    pub(super) fn of_subtree(
        &mut self,
        values: &mut [u32],
        own: usize,
        children: impl Iterator<Item = Quantiles>,
    ) -> Option<Quantiles> {
        if values.len() < SMALL || own >= values.len() {
            return median_and_p90(values);
        }
        let own = median_and_p90(&mut values[..own]);
        self.within_windows(values, own.into_iter().chain(children))
    }

    /// The median and 90th percentile of `values`, the union of parts whose own
    /// percentiles `parts` lists, by windows whatever the number of values.
    fn within_windows(
        &mut self,
        values: &mut [u32],
        parts: impl Iterator<Item = Quantiles>,
    ) -> Option<Quantiles> {
        let (mut median, mut p90) = ((u32::MAX, 0), (u32::MAX, 0));
        for (m, p) in parts {
            median = (median.0.min(m), median.1.max(m));
            p90 = (p90.0.min(p), p90.1.max(p));
        }
        self.median.clear();
        self.p90.clear();
        let (mut below_median, mut below_p90) = (0, 0);
        for &value in &*values {
            below_median += usize::from(value < median.0);
            below_p90 += usize::from(value < p90.0);
            if median.0 <= value && value <= median.1 {
                self.median.push(value);
            }
            if p90.0 <= value && value <= p90.1 {
                self.p90.push(value);
            }
        }
        let n = values.len();
        let median = nearest_rank(n, 50)
            .checked_sub(below_median)
            .filter(|&at| at < self.median.len());
        let p90 = nearest_rank(n, 90)
            .checked_sub(below_p90)
            .filter(|&at| at < self.p90.len());
        match (median, p90) {
            (Some(m), Some(p)) => Some((
                *self.median.select_nth_unstable(m).1,
                *self.p90.select_nth_unstable(p).1,
            )),
            // Not the case when the parts' percentiles are right; select over everything.
            _ => median_and_p90(values),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nearest_rank_picks_the_smallest_value_covering_the_percentage() {
        let cases: &[(&[u32], Quantiles)] = &[
            (&[7], (7, 7)),
            (&[2, 1], (1, 2)),
            (&[3, 1, 2], (2, 3)),
            (&[10, 9, 8, 7, 6, 5, 4, 3, 2, 1], (5, 9)),
            (&[11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1], (6, 10)),
        ];
        for (values, expected) in cases {
            let mut values = values.to_vec();
            assert_eq!(median_and_p90(&mut values), Some(*expected), "{values:?}");
        }
        assert_eq!(median_and_p90(&mut []), None);
    }

    proptest! {
        #[test]
        fn a_union_has_the_percentiles_of_all_its_values(
            parts in prop::collection::vec(prop::collection::vec(0_u32..50, 1..30), 1..6),
        ) {
            // Arrange
            let mut all: Vec<u32> = parts.concat();
            let known: Vec<Quantiles> = parts
                .into_iter()
                .filter_map(|mut part| median_and_p90(&mut part))
                .collect();

            let expected = median_and_p90(&mut all.clone());

            // Act
            let union = Windows::default().within_windows(&mut all, known.into_iter());

            // Assert
            prop_assert_eq!(union, expected);
        }
    }
}
