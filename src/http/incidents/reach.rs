//! Which incidents a caller sees and may act on. Grid scope comes first; within it a grid
//! worker sees only what is assigned to them, and department staff only what is routed
//! to their department. A step needs its own permission over the incident's grids, and
//! the reporter's contact is shown only to those who may see it.

use super::super::{ApiError, RequestContext};
use crate::domain::{GridScope, Incident, IncidentAction, Permission, WorkerId};
use crate::store::IncidentFilter;

/// How far a caller's view of incidents reaches.
pub(in crate::http) struct Reach {
    /// The grids.
    pub scope: GridScope,
    narrow: Narrow,
}

enum Narrow {
    /// Every incident in scope.
    Nothing,
    /// Only those assigned to this worker (none for an account that is no worker).
    Assigned(Option<WorkerId>),
    /// Only those routed to this department.
    Department(Option<String>),
}

impl Reach {
    /// The reach of the caller: their widest way of reading incidents.
    pub(in crate::http) fn of(ctx: &RequestContext) -> Self {
        let of = |p| ctx.scope_for(p);
        let read = of(Permission::IncidentsRead);
        if !read.is_nothing() {
            return Self {
                scope: read,
                narrow: Narrow::Nothing,
            };
        }
        let assigned = of(Permission::IncidentsReadAssigned);
        if !assigned.is_nothing() {
            return Self {
                scope: assigned,
                narrow: Narrow::Assigned(ctx.worker_id()),
            };
        }
        let department = ctx.caller.as_ref().and_then(|c| c.user.department.clone());
        Self {
            scope: of(Permission::IncidentsReadDepartment),
            narrow: Narrow::Department(department),
        }
    }

    /// `filter` narrowed to what the caller sees.
    pub fn narrow(&self, filter: &mut IncidentFilter) {
        match &self.narrow {
            Narrow::Nothing => {}
            // No worker has id 0: an account that is no worker sees nothing assigned.
            Narrow::Assigned(worker) => filter.assignee = Some(worker.unwrap_or(0)),
            Narrow::Department(department) => {
                filter.department = Some(department.clone().unwrap_or_default());
            }
        }
    }

    /// A 403 unless the caller sees `incident` (already read within [`Reach::scope`]).
    pub fn check(&self, incident: &Incident) -> Result<(), ApiError> {
        let sees = match &self.narrow {
            Narrow::Nothing => true,
            Narrow::Assigned(worker) => worker.is_some() && incident.assignee == *worker,
            Narrow::Department(department) => {
                department.is_some() && incident.responsible.department == *department
            }
        };
        if sees {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "incident {} is neither assigned to you nor routed to your department",
                incident.id
            )))
        }
    }
}

/// A 403 unless the caller may take `action` on `incident`: the action's permission over
/// a grid of the incident's chain.
pub(super) fn may_step(
    ctx: &RequestContext,
    action: IncidentAction,
    incident: &Incident,
) -> Result<(), ApiError> {
    let codes = incident.chain.iter().map(|c| c.code.as_str());
    let allowed = action.permission().is_some_and(|p| {
        ctx.caller
            .as_ref()
            .is_some_and(|caller| caller.may_any(p, codes))
    });
    if allowed {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "\"{action}\" on incident {} needs {} over its grid",
            incident.id,
            action
                .permission()
                .map_or("a planner's change set", |p| p.as_str())
        )))
    }
}

/// Whether the caller may see how to reach the reporter of `incident`.
pub(super) fn sees_contact(ctx: &RequestContext, incident: &Incident) -> bool {
    let codes = incident.chain.iter().map(|c| c.code.as_str());
    ctx.caller
        .as_ref()
        .is_some_and(|c| c.may_any(Permission::IncidentsContact, codes))
}
