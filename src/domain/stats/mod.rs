//! Incident statistics for town leaders: per grid and rolled up every level, received,
//! closed, closure rate, open incidents by colour, overdue, time to close, satisfaction, by
//! category and by period; as JSON (serde) and CSV ([`StatsReport::to_csv`]). Pure: the
//! store reads [`IncidentFact`]s in one narrow query and [`tally`] does the rest.
//!
//! Definitions, used throughout:
//! - **Roll-up.** A grid's figures cover every incident whose grid code equals the grid's
//!   code or starts with it. An incident whose code matches no listed grid still counts for
//!   every listed grid above it; one under no listed grid counts nowhere.
//! - **Outcome**, read from the status: `rejected` (invalid or duplicate) incidents are
//!   counted only as `rejected`, never as received, so they do not dilute the closure rate;
//!   `closed` and `archived` ones are **closed**; every other status is **open**. So
//!   `received = closed + open.blue + open.yellow + open.red`.
//! - **Colour** of an open incident at `now`: see [`colour_at`]. **Overdue** = open and red.
//! - **Closed late**: closed at or after the deadline, the instant it would have turned red.
//! - **Time to close**: wall-clock `closed_at - reported_at` of closed incidents, counted in
//!   whole seconds (sub-second parts dropped), given in hours. A close recorded before the
//!   report (clock skew) counts as zero; a duration beyond 136 years (`u32::MAX` seconds)
//!   as 136 years. Percentiles are by **nearest rank**: the p-th percentile of `n`
//!   values is the smallest value such that at least p % of the values are less than or
//!   equal to it, i.e. the `ceil(p·n/100)`-th smallest. It is always an observed duration;
//!   the median of an even count is the lower middle value. A closed incident without
//!   `closed_at` counts as closed but takes no part in time to close or lateness.
//! - **Satisfaction**: ratings 1..=5 of closed incidents (recorded at close; a reopened
//!   incident's old rating is ignored until it closes again); other values are ignored.
//!   Satisfied = a rating of 4 or 5.
//! - **Periods** are days, Monday-based ISO weeks or months of `reported_at` in China
//!   Standard Time.

mod counts;
mod csv;
mod engine;
mod percentile;
mod period;
mod table;
mod tree;

pub use counts::{OpenCount, OpenCounts, open_counts};

use super::{Category, GridCode, GridId, IncidentStatus, LevelNo, Urgency};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// What statistics need of one incident; a store reads these in one narrow query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentFact {
    /// Deepest grid of the incident's chain at report time.
    pub grid_code: GridCode,
    /// Sub-category code, e.g. `market_food_safety`.
    pub category: String,
    /// Where the incident stands; decides its outcome (see the module documentation).
    pub status: IncidentStatus,
    /// When it was reported.
    pub reported_at: DateTime<Utc>,
    /// When it was closed; set while closed or archived.
    pub closed_at: Option<DateTime<Utc>>,
    /// When it turns red.
    pub deadline: DateTime<Utc>,
    /// An open incident is yellow once `now > yellow_at`.
    pub yellow_at: DateTime<Utc>,
    /// The reporter's rating, 1..=5, recorded at close.
    pub satisfaction: Option<u8>,
}

impl IncidentFact {
    /// The incident's colour at `now`, or `None` when it is not open.
    #[must_use]
    pub fn colour_at(&self, now: DateTime<Utc>) -> Option<Urgency> {
        self.status
            .is_open()
            .then(|| colour_at(self.deadline, self.yellow_at, now))
    }
}

/// The colour of an open incident at `now`: red once `now >= deadline`, else yellow once
/// `now > yellow_at`, else blue.
#[must_use]
pub fn colour_at(deadline: DateTime<Utc>, yellow_at: DateTime<Utc>, now: DateTime<Utc>) -> Urgency {
    if now >= deadline {
        Urgency::Red
    } else if now > yellow_at {
        Urgency::Yellow
    } else {
        Urgency::Blue
    }
}

/// A grid to report on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsGrid {
    /// The grid's identifier.
    pub id: GridId,
    /// Its code; its figures cover every incident whose code starts with it.
    pub code: GridCode,
    /// Display name, in Chinese.
    pub name: String,
    /// Its level number (1 at the top).
    pub level: LevelNo,
    /// The grid one level up, `None` at the top.
    pub parent_id: Option<GridId>,
}

text_enum! {
    /// A calendar period of `reported_at` in China Standard Time, for the breakdown by period.
    pub enum Period {
        /// A day, labelled like `2026-11-23`.
        Day => "day",
        /// An ISO week starting Monday, labelled with its ISO week-year like `2026-W48`.
        Week => "week",
        /// A month, labelled like `2026-11`.
        Month => "month",
    }
}

text_enum! {
    /// Which category codes the breakdown by category uses.
    pub enum CategoryLevel {
        /// Sub-category codes as the incidents carry them.
        SubCategory => "sub_category",
        /// Duty-class codes (职责类别).
        DutyClass => "duty_class",
    }
}

/// How to group incidents in the breakdown by category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CategoryGrouping {
    /// One row per sub-category code.
    SubCategory,
    /// One row per duty class, by a map from sub-category code to class code (see
    /// [`duty_classes`]); a sub-category code the map lacks keeps its own code, so no
    /// incident drops out of the breakdown.
    DutyClass(HashMap<String, String>),
}

impl CategoryGrouping {
    /// The level of codes the grouping produces.
    #[must_use]
    pub fn level(&self) -> CategoryLevel {
        match self {
            Self::SubCategory => CategoryLevel::SubCategory,
            Self::DutyClass(_) => CategoryLevel::DutyClass,
        }
    }
}

/// The map from each sub-category code to its duty class's code, for
/// [`CategoryGrouping::DutyClass`].
#[must_use]
pub fn duty_classes(categories: &[Category]) -> HashMap<String, String> {
    categories
        .iter()
        .flat_map(|class| {
            class
                .sub_categories
                .iter()
                .map(|sub| (sub.code.clone(), class.code.clone()))
        })
        .collect()
}

/// Which breakdowns [`tally`] adds to each grid's total.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TallyOptions {
    /// Add a breakdown by category, grouped so.
    pub by_category: Option<CategoryGrouping>,
    /// Add a breakdown by period of `reported_at`.
    pub by_period: Option<Period>,
    /// Count only incidents reported within this half-open range; all when `None`.
    pub reported: Option<std::ops::Range<DateTime<Utc>>>,
}

/// The figures of one grid, or of one grid and category or period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Incidents received, rejected ones excepted.
    pub received: u64,
    /// Incidents closed or archived.
    pub closed: u64,
    /// Incidents rejected as invalid or duplicate; not part of `received`.
    pub rejected: u64,
    /// `closed / received`, from 0 to 1; `None` when nothing was received.
    pub closure_rate: Option<f64>,
    /// Open incidents by colour.
    pub open: OpenByColour,
    /// Open incidents past their deadline (the red ones).
    pub overdue: u64,
    /// Closed incidents closed at or after their deadline.
    pub closed_late: u64,
    /// How long closed incidents took.
    pub time_to_close: TimeToClose,
    /// The reporters' ratings of closed incidents.
    pub satisfaction: Satisfaction,
}

/// Open incidents by colour (红黄蓝) at the report's `now`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OpenByColour {
    /// On time.
    pub blue: u64,
    /// Close to the deadline.
    pub yellow: u64,
    /// Overdue.
    pub red: u64,
}

/// Nearest-rank percentiles of the time to close, in hours; `None` when nothing closed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TimeToClose {
    /// The 50th percentile (the lower middle value of an even count).
    pub median_hours: Option<f64>,
    /// The 90th percentile.
    pub p90_hours: Option<f64>,
}

/// Satisfaction ratings; the shares are `None` when nothing was rated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Satisfaction {
    /// How many closed incidents were rated.
    pub rated: u64,
    /// The mean rating, from 1 to 5.
    pub mean: Option<f64>,
    /// The share of ratings of 4 or 5, from 0 to 1.
    pub satisfied_share: Option<f64>,
}

/// One grid's figures and breakdowns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridStats {
    /// The grid's identifier.
    pub id: GridId,
    /// Its code.
    pub code: GridCode,
    /// Its name.
    pub name: String,
    /// Its level number.
    pub level: LevelNo,
    /// Its parent's identifier.
    pub parent_id: Option<GridId>,
    /// Every incident of the grid and the grids below it.
    pub figures: Figures,
    /// By category, in code order; only categories with at least one incident here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_category: Vec<CategoryFigures>,
    /// By period, oldest first; only periods with at least one incident here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_period: Vec<PeriodFigures>,
}

/// A grid's figures for one category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryFigures {
    /// The sub-category or duty-class code.
    pub category: String,
    /// The figures.
    pub figures: Figures,
}

/// A grid's figures for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodFigures {
    /// The period's label, e.g. `2026-W48`.
    pub period: String,
    /// The figures.
    pub figures: Figures,
}

/// Statistics of every requested grid, as [`tally`] computes them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsReport {
    /// The instant at which open incidents were coloured.
    pub now: DateTime<Utc>,
    /// The codes of the breakdown by category, if there is one.
    pub by_category: Option<CategoryLevel>,
    /// The period of the breakdown by period, if there is one.
    pub by_period: Option<Period>,
    /// One entry per requested grid, in code order (ties by id); grids without incidents
    /// have zeros.
    pub grids: Vec<GridStats>,
}

/// Tallies `facts` for every grid of `grids`, colouring open incidents at `now`.
///
/// Runs in time linear in the facts (plus a selection per grid and breakdown cell for the
/// percentiles) and allocates per distinct code and category, not per fact.
#[must_use]
pub fn tally(
    facts: &[IncidentFact],
    grids: &[StatsGrid],
    now: DateTime<Utc>,
    options: &TallyOptions,
) -> StatsReport {
    engine::tally(facts, grids, now, options)
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
