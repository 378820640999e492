//! Incidents (事件): the workflow that moves them through the closed loop, what one holds,
//! and who answers for it.

mod model;
mod routing;
mod step;
mod workflow;

pub use model::{
    CaseNumber, ChainEntry, EventDetails, Incident, IncidentEvent, IncidentId, IncidentSource,
    NewIncident, NewIncidentEvent, PhotoId, Priority, Responsible,
};
pub use routing::{RosterEntry, Routing, RoutingError, escalate, route};
pub use step::{Rules, StepError, StepRequest, step};
pub use workflow::{
    IncidentAction, IncidentState, IncidentStatus, StateError, Target, TransitionError,
    allowed_actions, next,
};
