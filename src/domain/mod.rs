//! The domain model: grids in a hierarchy of levels, cameras and grid workers.
//!
//! Types here hold only valid values and do no I/O; parsing from the outside world
//! happens at the edge (`http`, `import`) through the constructors in this module.

#[macro_use]
mod text_enum;
mod access;
mod calendar;
mod camera;
mod category;
mod changeset;
mod code;
mod coord;
mod geometry;
mod grid;
mod incident;
mod level;
mod linkage;
mod scope;
mod shift;
mod stats;
mod worker;

pub use access::{Caller, Grant, GrantId, GrantView, Permission, Role, Roles, User, UserId};
pub use calendar::{
    BusinessCalendar, CalendarError, DEFAULT_YELLOW_FRACTION, Urgency, WorkingPeriod,
    china_standard_time, standard_periods,
};
pub use camera::{
    Camera, CameraChange, CameraError, CameraId, CameraKind, CameraRecord, CameraStatus,
    FieldOfView, Heading, NewCamera, StreamUrl, non_empty, parse_kind, parse_status,
};
pub use category::{Category, CategoryError, SubCategory, TimeLimit, parse_categories};
pub use changeset::{
    ChangeSet, ChangeSetId, ChangeSetStatus, GridEdit, GridMove, GridRevision, GridVersion, Impact,
    PlannedGrid, Problem, ProblemKind, Reassignment, Reroute, Severity,
};
pub use code::{CodeError, GridCode};
pub use coord::{Bbox, CoordError, LonLat};
pub use geometry::{GeometryProblem, check_boundary, first_self_intersection};
pub use grid::{Grid, GridId, NewGrid};
pub use incident::{
    CaseNumber, ChainEntry, EventDetails, Incident, IncidentAction, IncidentEvent, IncidentId,
    IncidentSource, IncidentState, IncidentStatus, NewIncident, NewIncidentEvent, PhotoId,
    Priority, Responsible, RosterEntry, Routing, RoutingError, Rules, StateError, StepError,
    StepRequest, Target, TransitionError, allowed_actions, escalate, next, route, step,
};
pub use level::{Level, LevelNo};
pub use linkage::{
    Alert, AlertEvent, AlertEventKind, AlertId, AlertSource, AlertStatus, Call, CallId, CallStatus,
    NewAlert, NewCall,
};
pub use scope::GridScope;
pub use shift::{Shift, ShiftError, ShiftSpec};
pub use stats::{
    CategoryFigures, CategoryGrouping, CategoryLevel, Figures, GridStats, IncidentFact,
    OpenByColour, OpenCount, OpenCounts, Period, PeriodFigures, Satisfaction, StatsGrid,
    StatsReport, TallyOptions, TimeToClose, colour_at, duty_classes, open_counts, tally,
};
pub use text_enum::UnknownWord;
pub use worker::{Fix, NewWorker, Worker, WorkerId, WorkerRole};
