//! Grid workers and the other staff who answer for a grid.

use super::{GridId, LonLat, Shift};
use chrono::{DateTime, Utc};

/// Store-assigned identifier of a worker.
pub type WorkerId = i64;

text_enum! {
    /// What a person does in the grid system.
    pub enum WorkerRole {
        /// Grid chief (网格长), usually a village or town cadre.
        GridChief => "grid_chief",
        /// Full-time grid worker (专职网格员) of a comprehensive grid.
        FullTime => "full_time",
        /// Micro-grid liaison (微网格联络员).
        Liaison => "liaison",
        /// Volunteer (志愿者) of a micro-grid.
        Volunteer => "volunteer",
        /// Staff of a town department assigned down to grids (下沉人员).
        DepartmentStaff => "department_staff",
    }
}

/// A stored worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Worker {
    /// Identifier.
    pub id: WorkerId,
    /// Full name.
    pub name: String,
    /// Role in the grid system.
    pub role: WorkerRole,
    /// The town department, for department staff.
    pub department: Option<String>,
    /// Mobile number to call.
    pub phone: String,
    /// Grids the worker answers for.
    pub grid_ids: Vec<GridId>,
    /// Whether the worker is on duty now.
    pub on_duty: bool,
    /// Last position the worker's phone reported.
    pub position: Option<LonLat>,
    /// When that position was reported.
    pub position_at: Option<DateTime<Utc>>,
    /// The weekly shifts the worker is on duty in.
    pub shifts: Vec<Shift>,
}

impl Worker {
    /// Whether one of the worker's shifts covers `at`.
    #[must_use]
    pub fn on_shift(&self, at: DateTime<Utc>) -> bool {
        self.shifts.iter().any(|s| s.covers(at))
    }
}

/// A position a worker's phone reported (one point of the patrol track, 巡查轨迹).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    /// Where.
    pub position: LonLat,
    /// The phone's estimate of its error, in metres (at least 0).
    pub accuracy_m: f64,
    /// When, by the phone's clock.
    pub at: DateTime<Utc>,
}

/// A worker about to be stored: assigned grids are named by code.
#[derive(Debug, Clone, PartialEq)]
pub struct NewWorker {
    /// Full name.
    pub name: String,
    /// Role in the grid system.
    pub role: WorkerRole,
    /// The town department, for department staff.
    pub department: Option<String>,
    /// Mobile number.
    pub phone: String,
    /// Codes of the grids the worker answers for.
    pub grid_codes: Vec<super::GridCode>,
    /// Whether the worker is on duty.
    pub on_duty: bool,
    /// Last known position.
    pub position: Option<LonLat>,
    /// When that position was reported.
    pub position_at: Option<DateTime<Utc>>,
    /// The weekly shifts the worker is on duty in.
    pub shifts: Vec<Shift>,
}
