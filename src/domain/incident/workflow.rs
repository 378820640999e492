//! The closed loop of an incident: its statuses, the actions that move it, and the one
//! table saying which action is allowed in which status.
//!
//! The loop: reported → accepted (受理、分类) → dispatched (派遣) → handling (处置) → handled
//! (反馈) → verified (核查、回访) → closed (结案) → archived (归档), with these side roads:
//!
//! - **return** (回退): from dispatched, handling or handled back to the dispatcher
//!   (`returned`), who dispatches again or rejects. The action's word is `return`.
//! - **escalate** (上报): from accepted, dispatched, handling or returned to the parent level
//!   (`escalated`), whose team then dispatches it. An escalated incident may be escalated
//!   again (village → town → county) when the upper team cannot handle it either.
//! - **extension** (延期): requested from dispatched or handling; approving or denying it
//!   resumes the status it was requested from (approval also moves the deadline, which is
//!   not this module's business). See [`IncidentState`] for how the status is remembered.
//! - **reopen**: from verified or closed (the follow-up found the problem unsolved) back to
//!   `accepted`, so the dispatcher decides afresh: the same worker, another one, or escalate.
//!   Not from archived: an archived case is final.
//! - **reject** (invalid or duplicate): from reported, accepted or returned, to `rejected`.
//!
//! `archived` and `rejected` are terminal.

text_enum! {
    /// Where an incident stands in the loop.
    pub enum IncidentStatus {
        /// Filed (上报), not yet looked at.
        Reported => "reported",
        /// Accepted and classified (受理).
        Accepted => "accepted",
        /// Sent to the responsible grid and worker (派遣).
        Dispatched => "dispatched",
        /// Being handled on site (处置中).
        Handling => "handling",
        /// The handler has fed back (反馈), awaiting verification.
        Handled => "handled",
        /// Verified on site and followed up with the reporter (核查、回访).
        Verified => "verified",
        /// Closed (结案/销号).
        Closed => "closed",
        /// Archived (归档); terminal.
        Archived => "archived",
        /// Sent back to the dispatcher (回退).
        Returned => "returned",
        /// Passed up to the parent level (上报), awaiting its dispatch.
        Escalated => "escalated",
        /// The handler asked for more time (延期申请), awaiting a decision.
        ExtensionRequested => "extension_requested",
        /// Refused as invalid or duplicate; terminal.
        Rejected => "rejected",
    }
}

text_enum! {
    /// What someone does to an incident.
    pub enum IncidentAction {
        /// Accept and classify (受理、分类).
        Accept => "accept",
        /// Dispatch to a grid and worker (派遣/交办).
        Dispatch => "dispatch",
        /// Start handling on site.
        StartHandling => "start_handling",
        /// Report the incident handled, with feedback (反馈).
        ReportHandled => "report_handled",
        /// Verify on site and follow up (核查、回访).
        Verify => "verify",
        /// Close (结案).
        Close => "close",
        /// Archive (归档).
        Archive => "archive",
        /// Send back to the dispatcher (回退).
        Return => "return",
        /// Pass up to the parent level (上报).
        Escalate => "escalate",
        /// Ask for more time (申请延期).
        RequestExtension => "request_extension",
        /// Grant the extension.
        ApproveExtension => "approve_extension",
        /// Refuse the extension.
        DenyExtension => "deny_extension",
        /// Reopen a verified or closed incident.
        Reopen => "reopen",
        /// Refuse as invalid or duplicate.
        Reject => "reject",
        /// Move to another grid's team because a change set redrew the boundaries; taken
        /// by the planning service, never by a person, so no status allows it.
        Reroute => "reroute",
    }
}

impl IncidentStatus {
    /// Whether the incident is still open: it counts for deadlines and the red / yellow /
    /// blue lists. Closed, archived and rejected incidents are not.
    #[must_use]
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Closed | Self::Archived | Self::Rejected)
    }

    /// Whether no action is allowed any more.
    #[must_use]
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Archived | Self::Rejected)
    }
}

/// An action that is not allowed in the incident's current status (a 409 over HTTP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot \"{action}\" an incident that is \"{status}\"")]
pub struct TransitionError {
    /// The action refused.
    pub action: IncidentAction,
    /// The status the incident is in.
    pub status: IncidentStatus,
}

/// Where an allowed action leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// To this status.
    To(IncidentStatus),
    /// Back to the status the pending extension was requested from.
    Resume,
}

/// The transition table: where `action` leads from `status`, or why it may not be taken.
///
/// This is the only place the workflow is written down; everything else asks it.
#[allow(
    clippy::match_same_arms,
    reason = "one arm per action reads as the workflow; merging arms by target would hide it"
)]
pub fn next(status: IncidentStatus, action: IncidentAction) -> Result<Target, TransitionError> {
    use IncidentAction as A;
    use IncidentStatus as S;
    let to = match (status, action) {
        (S::Reported, A::Accept) => S::Accepted,
        (S::Accepted | S::Returned | S::Escalated, A::Dispatch) => S::Dispatched,
        (S::Dispatched, A::StartHandling) => S::Handling,
        (S::Handling, A::ReportHandled) => S::Handled,
        (S::Handled, A::Verify) => S::Verified,
        (S::Verified, A::Close) => S::Closed,
        (S::Closed, A::Archive) => S::Archived,
        (S::Dispatched | S::Handling | S::Handled, A::Return) => S::Returned,
        (S::Accepted | S::Dispatched | S::Handling | S::Returned | S::Escalated, A::Escalate) => {
            S::Escalated
        }
        (S::Dispatched | S::Handling, A::RequestExtension) => S::ExtensionRequested,
        (S::ExtensionRequested, A::ApproveExtension | A::DenyExtension) => {
            return Ok(Target::Resume);
        }
        (S::Verified | S::Closed, A::Reopen) => S::Accepted,
        (S::Reported | S::Accepted | S::Returned, A::Reject) => S::Rejected,
        _ => return Err(TransitionError { action, status }),
    };
    Ok(Target::To(to))
}

/// The actions allowed in `status`, in declaration order: what the page offers.
#[must_use]
pub fn allowed_actions(status: IncidentStatus) -> Vec<IncidentAction> {
    IncidentAction::ALL
        .iter()
        .copied()
        .filter(|&action| next(status, action).is_ok())
        .collect()
}

/// An incident's status together with what it needs to move on: while an extension is
/// pending, the status it was requested from.
///
/// A text enum cannot carry that status inside `extension_requested`, so it sits beside it.
/// It is the `from` of the event that entered `extension_requested` in the (never rewritten)
/// event log; a store may keep it in a column as well, and builds the state with
/// [`IncidentState::new`], which refuses a pair that cannot occur.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentState {
    status: IncidentStatus,
    extension_from: Option<IncidentStatus>,
}

/// A status and extension origin that do not belong together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// `extension_requested` without a status to resume, or with one no request comes from.
    #[error(
        "an incident that is \"extension_requested\" must remember \"dispatched\" or \"handling\", not {0:?}"
    )]
    ExtensionWithoutOrigin(Option<IncidentStatus>),
    /// An origin given for a status other than `extension_requested`.
    #[error("an incident that is \"{0}\" has no pending extension")]
    OriginWithoutExtension(IncidentStatus),
}

impl IncidentState {
    /// A newly filed incident.
    pub const REPORTED: Self = Self {
        status: IncidentStatus::Reported,
        extension_from: None,
    };

    /// Builds a state; `extension_from` is given exactly when `status` is
    /// `extension_requested`, and is a status an extension can be requested from.
    pub fn new(
        status: IncidentStatus,
        extension_from: Option<IncidentStatus>,
    ) -> Result<Self, StateError> {
        match (status, extension_from) {
            (IncidentStatus::ExtensionRequested, Some(from))
                if next(from, IncidentAction::RequestExtension).is_ok() =>
            {
                Ok(Self {
                    status,
                    extension_from,
                })
            }
            (IncidentStatus::ExtensionRequested, other) => {
                Err(StateError::ExtensionWithoutOrigin(other))
            }
            (_, None) => Ok(Self {
                status,
                extension_from: None,
            }),
            (_, Some(_)) => Err(StateError::OriginWithoutExtension(status)),
        }
    }

    /// The current status.
    #[must_use]
    pub fn status(self) -> IncidentStatus {
        self.status
    }

    /// While an extension is pending, the status it was requested from.
    #[must_use]
    pub fn extension_from(self) -> Option<IncidentStatus> {
        self.extension_from
    }

    /// The state after `action`, by the table in [`next`].
    pub fn apply(self, action: IncidentAction) -> Result<Self, TransitionError> {
        let status = match next(self.status, action)? {
            Target::To(status) => status,
            // `new` guarantees an origin whenever an extension is pending; the fallback is
            // never taken but keeps this total without a panic.
            Target::Resume => self.extension_from.ok_or(TransitionError {
                action,
                status: self.status,
            })?,
        };
        let extension_from = (status == IncidentStatus::ExtensionRequested).then_some(self.status);
        Ok(Self {
            status,
            extension_from,
        })
    }
}

#[cfg(test)]
mod tests;
