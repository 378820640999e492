//! One step of an incident's loop: an action with what it carries (a note, photos, an
//! assignee, a satisfaction score…) applied to a stored incident, giving the changed
//! incident and the event to append. Pure: the rules that need data (time limits, the
//! calendar, escalation) come in through [`Rules`].

use super::{
    EventDetails, Incident, IncidentAction, IncidentId, NewIncidentEvent, PhotoId, Priority,
    Routing, RoutingError, TransitionError,
};
use crate::domain::{BusinessCalendar, TimeLimit, WorkerId};
use chrono::{DateTime, Utc};

/// An action someone takes, with everything it may carry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepRequest {
    /// What is done.
    pub action: Option<IncidentAction>,
    /// Who does it.
    pub actor: String,
    /// What they write: the feedback, the reason for returning, and so on.
    pub note: String,
    /// Photos to attach (uploaded beforehand).
    pub photos: Vec<PhotoId>,
    /// `accept`, `dispatch`: the worker to assign.
    pub assignee: Option<WorkerId>,
    /// `accept`: the sub-category to classify it as.
    pub category: Option<String>,
    /// `accept`: its priority.
    pub priority: Option<Priority>,
    /// `request_extension`: the extra time asked for.
    pub extension: Option<TimeLimit>,
    /// `close`: the reporter's satisfaction, 1 to 5.
    pub satisfaction: Option<u8>,
    /// `reject`: the incident this one duplicates.
    pub duplicate_of: Option<IncidentId>,
}

/// What steps need to know of the world.
pub struct Rules<'a> {
    /// Working days and hours.
    pub calendar: &'a BusinessCalendar,
    /// Share of the time below which an incident is yellow.
    pub yellow_fraction: f64,
    /// The time limit of a sub-category; `None` for an unknown one.
    pub time_limit: &'a dyn Fn(&str) -> Option<TimeLimit>,
    /// Where escalating from the current responsibility leads.
    pub escalate: &'a dyn Fn(&Incident) -> Result<Routing, RoutingError>,
}

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// The action is not allowed in the current status (a 409).
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// There is nobody higher to escalate to (a 409).
    #[error(transparent)]
    Routing(#[from] RoutingError),
    /// What the action carries is missing, out of range or not for this action (a 422).
    #[error("{0}")]
    Invalid(String),
}

/// Applies `request` to `incident` at `at`: the incident as it becomes (same revision,
/// for the store's optimistic check) and the event recording the step.
pub fn step(
    incident: &Incident,
    request: &StepRequest,
    at: DateTime<Utc>,
    rules: &Rules<'_>,
) -> Result<(Incident, NewIncidentEvent), StepError> {
    use IncidentAction as A;
    let action = request
        .action
        .ok_or_else(|| StepError::Invalid("the step needs an \"action\"".into()))?;
    // Each optional field and the actions it goes with, so all are refused alike.
    let carried: [(&str, bool, &[IncidentAction]); 6] = [
        (
            "assignee",
            request.assignee.is_some(),
            &[A::Accept, A::Dispatch],
        ),
        ("category", request.category.is_some(), &[A::Accept]),
        ("priority", request.priority.is_some(), &[A::Accept]),
        (
            "extension",
            request.extension.is_some(),
            &[A::RequestExtension],
        ),
        ("satisfaction", request.satisfaction.is_some(), &[A::Close]),
        ("duplicate_of", request.duplicate_of.is_some(), &[A::Reject]),
    ];
    for (field, given, actions) in carried {
        only_for(action, field, given, actions)?;
    }
    let state = incident.state.apply(action)?;
    let mut next = incident.clone();
    next.state = state;
    let details = carry(action, incident, request, rules, at, &mut next)?;
    if details.deadline.is_some() {
        next.yellow_at =
            rules
                .calendar
                .yellow_at(incident.reported_at, next.deadline, rules.yellow_fraction);
    }
    next.photos.extend(&request.photos);
    next.updated_at = at;
    let event = NewIncidentEvent {
        at,
        actor: request.actor.clone(),
        action: Some(action),
        note: request.note.clone(),
        photos: request.photos.clone(),
        details,
    };
    Ok((next, event))
}

/// What `action` carries, applied to `next` (the incident after the status change), and
/// recorded in the event's details.
fn carry(
    action: IncidentAction,
    incident: &Incident,
    request: &StepRequest,
    rules: &Rules<'_>,
    at: DateTime<Utc>,
    next: &mut Incident,
) -> Result<EventDetails, StepError> {
    use IncidentAction as A;
    let mut details = EventDetails::default();
    match action {
        A::Accept => {
            if let Some(category) = &request.category {
                let limit = (rules.time_limit)(category)
                    .ok_or_else(|| StepError::Invalid(format!("unknown category {category:?}")))?;
                next.category.clone_from(category);
                next.deadline = rules.calendar.deadline(incident.reported_at, limit);
                details.category = Some(category.clone());
                details.deadline = Some(next.deadline);
            }
            if let Some(priority) = request.priority {
                next.priority = priority;
            }
            assign(next, &mut details, request.assignee);
        }
        A::Dispatch => assign(next, &mut details, request.assignee),
        A::Return | A::ReportHandled if request.note.trim().is_empty() => {
            return Err(StepError::Invalid(format!(
                "\"{action}\" needs a \"note\": the reason or the feedback"
            )));
        }
        A::Escalate => {
            let routing = (rules.escalate)(incident)?;
            next.responsible = routing.responsible.clone();
            next.assignee = routing.assignee;
            details.responsible = Some(routing.responsible);
            details.assignee = routing.assignee;
        }
        A::RequestExtension => {
            let extension = request.extension.ok_or_else(|| {
                StepError::Invalid(
                    "\"request_extension\" needs an \"extension\", e.g. {\"working_days\": 2}"
                        .into(),
                )
            })?;
            if extension.amount() == 0 {
                return Err(StepError::Invalid(
                    "an extension must be longer than zero".into(),
                ));
            }
            next.pending_extension = Some(extension);
            details.extension = Some(extension);
        }
        A::ApproveExtension => {
            if let Some(extension) = incident.pending_extension {
                next.deadline = rules.calendar.deadline(incident.deadline, extension);
                details.deadline = Some(next.deadline);
                details.extension = Some(extension);
            }
            next.pending_extension = None;
        }
        A::DenyExtension => next.pending_extension = None,
        A::Close => {
            if let Some(score) = request.satisfaction {
                if !(1..=5).contains(&score) {
                    return Err(StepError::Invalid(format!(
                        "\"satisfaction\" is a score from 1 to 5, not {score}"
                    )));
                }
                next.satisfaction = Some(score);
                details.satisfaction = Some(score);
            }
            next.closed_at = Some(at);
        }
        A::Reopen => {
            next.closed_at = None;
            next.satisfaction = None;
        }
        A::Reject => {
            if request.duplicate_of == Some(incident.id) {
                return Err(StepError::Invalid(
                    "an incident cannot duplicate itself".into(),
                ));
            }
            next.duplicate_of = request.duplicate_of;
            details.duplicate_of = request.duplicate_of;
        }
        // `next` refuses a reroute in every status before this is reached.
        A::Return | A::ReportHandled | A::StartHandling | A::Verify | A::Archive | A::Reroute => {}
    }
    Ok(details)
}

fn assign(next: &mut Incident, details: &mut EventDetails, assignee: Option<WorkerId>) {
    if let Some(worker) = assignee {
        next.assignee = Some(worker);
        details.assignee = Some(worker);
    }
}

/// Refuses a field given with an action it does not belong to, so a typo'd action never
/// silently drops what was sent with it.
fn only_for(
    action: IncidentAction,
    field: &str,
    given: bool,
    actions: &[IncidentAction],
) -> Result<(), StepError> {
    if given && !actions.contains(&action) {
        let allowed: Vec<&str> = actions.iter().map(|a| a.as_str()).collect();
        return Err(StepError::Invalid(format!(
            "\"{field}\" goes with {}, not with \"{action}\"",
            allowed.join(" or ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
