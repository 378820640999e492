//! Change sets: a planner's redrawing of grids, checked and previewed as one unit, then
//! applied whole or discarded (网格调整).

use super::{GridCode, GridId, IncidentId, LevelNo, WorkerId};
use chrono::{DateTime, Utc};
use geo::{Geometry, MultiPolygon};
use serde::{Deserialize, Serialize};

/// Store-assigned identifier of a change set.
pub type ChangeSetId = i64;

/// A grid's version: 1 when it is stored, one more each time a change set changes it.
pub type GridVersion = i64;

text_enum! {
    /// Where a change set stands.
    pub enum ChangeSetStatus {
        /// Checked and previewed, waiting to be applied or discarded.
        Proposed => "proposed",
        /// Applied: its grids are the current ones (or were, until a later change set).
        Applied => "applied",
        /// Discarded without being applied.
        Discarded => "discarded",
    }
}

/// One grid as a planner's edit asks for it, before it is resolved against the stored
/// grids (`POST /api/changesets`).
#[derive(Debug, Clone, PartialEq)]
pub struct GridEdit {
    /// The grid edited; `None` for a new grid.
    pub id: Option<GridId>,
    /// The version the planner started from; required for an existing grid.
    pub version: Option<GridVersion>,
    /// The new boundary; `None` retires the grid.
    pub geometry: Option<MultiPolygon<f64>>,
    /// A new grid's parent; ignored for an existing grid.
    pub parent_id: Option<GridId>,
    /// A new name; a new grid without one is named after its parent and code.
    pub name: Option<String>,
    /// New household count; by default carried over in proportion to area.
    pub households: Option<i64>,
    /// New resident count; by default carried over in proportion to area.
    pub residents: Option<i64>,
}

/// A grid as a change set leaves it: resolved against the stored grids, codes assigned.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedGrid {
    /// The grid, `None` until a new grid is stored.
    pub id: Option<GridId>,
    /// The version the change set was made from; 0 for a new grid.
    pub base_version: GridVersion,
    /// The grid's code: kept for an existing grid, the next free one under the parent
    /// for a new grid.
    pub code: GridCode,
    /// Display name.
    pub name: String,
    /// Level number.
    pub level: LevelNo,
    /// The parent, `None` at the top.
    pub parent_id: Option<GridId>,
    /// The boundary after the change; `None` when the change set retires the grid.
    pub geometry: Option<MultiPolygon<f64>>,
    /// Households after the change.
    pub households: i64,
    /// Residents after the change.
    pub residents: i64,
}

impl PlannedGrid {
    /// Whether the change set retires this grid.
    #[must_use]
    pub fn retires(&self) -> bool {
        self.geometry.is_none()
    }
}

text_enum! {
    /// What a problem found by the checks is about.
    pub enum ProblemKind {
        /// The boundary is not OGC-valid (a self-intersection, a spike, an unclosed ring).
        Invalid => "invalid",
        /// Part of a grid lies outside its parent.
        OutsideParent => "outside_parent",
        /// Two siblings share area.
        Overlap => "overlap",
        /// Part of a parent is covered by none of its children.
        Gap => "gap",
        /// A gap, overlap or part of a grid smaller than the sliver area: usually a vertex
        /// that missed its neighbour's.
        Sliver => "sliver",
        /// The edit does not fit the grids it names: an unknown grid, a retired parent, a
        /// retired grid that still has children.
        Reference => "reference",
        /// A level's rule, such as the households a micro-grid should hold.
        LevelRule => "level_rule",
    }
}

text_enum! {
    /// Whether a problem stops the change set from being applied.
    pub enum Severity {
        /// Must be fixed before the change set can be applied.
        Error => "error",
        /// Shown to the planner; does not stop the change set.
        Warning => "warning",
    }
}

/// One problem the checks found, with where it is so the map can draw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// What it is about.
    pub kind: ProblemKind,
    /// Whether it stops the change set.
    pub severity: Severity,
    /// What is wrong, in words.
    pub message: String,
    /// Area of the fault in square metres (0 for a point fault or a rule).
    pub area_m2: f64,
    /// The grids involved, by code.
    pub grids: Vec<GridCode>,
    /// Where: the faulty area, or a point for a self-intersection; `None` when it has no
    /// place (an unknown grid id).
    pub geometry: Option<Geometry<f64>>,
}

impl Problem {
    /// Whether the problem stops the change set from being applied.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// That something would change grid: its deepest grid before and after, by code (`None`
/// outside every grid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridMove {
    /// The camera or incident.
    pub id: i64,
    /// Its deepest grid now.
    pub from: Option<GridCode>,
    /// Its deepest grid after the change set.
    pub to: Option<GridCode>,
}

/// That an open incident would be re-routed: the grid whose team holds it, before and
/// after (see `planning::impact` for the rule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reroute {
    /// The incident.
    pub id: IncidentId,
    /// Its deepest grid now.
    pub from: Option<GridCode>,
    /// Its deepest grid after the change set.
    pub to: Option<GridCode>,
    /// The grid whose team holds it now.
    pub responsible_from: Option<GridCode>,
    /// The grid whose team will hold it.
    pub responsible_to: Option<GridCode>,
}

/// That a worker's assignment would move from a retired grid to the grid that takes over
/// most of its area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reassignment {
    /// The worker.
    pub worker_id: WorkerId,
    /// The worker's name, for the list the planner reads.
    pub name: String,
    /// The retired grid.
    pub from: GridCode,
    /// The grid taking over; `None` when no grid of the change set takes any of its area
    /// and the assignment simply ends.
    pub to: Option<GridCode>,
}

/// What a change set would change beyond the grids themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Impact {
    /// Cameras whose deepest grid changes.
    pub cameras: Vec<GridMove>,
    /// Open incidents whose point's deepest grid changes, and where they are re-routed.
    pub incidents: Vec<Reroute>,
    /// Workers' assignments that move off retired grids.
    pub assignments: Vec<Reassignment>,
    /// Households whose grid changes, estimated from the area that changes hands at the
    /// finest level the change set touches (households are counted per grid, not placed).
    pub households: i64,
}

/// A stored change set.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSet {
    /// Identifier.
    pub id: ChangeSetId,
    /// Why the grids are redrawn.
    pub reason: String,
    /// Who proposed it.
    pub author: String,
    /// Where it stands.
    pub status: ChangeSetStatus,
    /// When it was proposed.
    pub created_at: DateTime<Utc>,
    /// When it was applied or discarded.
    pub decided_at: Option<DateTime<Utc>>,
    /// The grids as it leaves them.
    pub grids: Vec<PlannedGrid>,
    /// What the checks found when it was proposed (or last tried).
    pub problems: Vec<Problem>,
    /// What it would change.
    pub impact: Impact,
}

impl ChangeSet {
    /// Whether any problem stops it from being applied.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

/// One version of a grid, as its history lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct GridRevision {
    /// The grid as it was in this version.
    pub grid: super::Grid,
    /// The version.
    pub version: GridVersion,
    /// Since when this version held.
    pub valid_from: DateTime<Utc>,
    /// Until when; `None` for the current version of a grid in service.
    pub valid_to: Option<DateTime<Utc>>,
    /// Whether this version retired the grid.
    pub retired: bool,
    /// The change set that made it; `None` for a grid as imported.
    pub changeset: Option<ChangeSetId>,
    /// Its author.
    pub author: Option<String>,
    /// Its reason.
    pub reason: Option<String>,
}
