//! Tests of the incident workflow: the transition table, the happy path, extensions,
//! reopening and the words of statuses and actions.

use super::*;
use IncidentAction as A;
use IncidentStatus as S;
use std::collections::{BTreeMap, BTreeSet};

/// Where asking for more time leads; named so that each row of [`ALLOWED`] fits one line.
const PENDING: Target = Target::To(S::ExtensionRequested);

/// Every allowed (status, action) pair and where it leads. Any pair not listed must be
/// refused. Changing the workflow means changing this table too, deliberately.
const ALLOWED: &[(S, A, Target)] = &[
    (S::Reported, A::Accept, Target::To(S::Accepted)),
    (S::Reported, A::Reject, Target::To(S::Rejected)),
    (S::Accepted, A::Dispatch, Target::To(S::Dispatched)),
    (S::Accepted, A::Escalate, Target::To(S::Escalated)),
    (S::Accepted, A::Reject, Target::To(S::Rejected)),
    (S::Dispatched, A::StartHandling, Target::To(S::Handling)),
    (S::Dispatched, A::Return, Target::To(S::Returned)),
    (S::Dispatched, A::Escalate, Target::To(S::Escalated)),
    (S::Dispatched, A::RequestExtension, PENDING),
    (S::Handling, A::ReportHandled, Target::To(S::Handled)),
    (S::Handling, A::Return, Target::To(S::Returned)),
    (S::Handling, A::Escalate, Target::To(S::Escalated)),
    (S::Handling, A::RequestExtension, PENDING),
    (S::Handled, A::Verify, Target::To(S::Verified)),
    (S::Handled, A::Return, Target::To(S::Returned)),
    (S::Verified, A::Close, Target::To(S::Closed)),
    (S::Verified, A::Reopen, Target::To(S::Accepted)),
    (S::Closed, A::Archive, Target::To(S::Archived)),
    (S::Closed, A::Reopen, Target::To(S::Accepted)),
    (S::Returned, A::Dispatch, Target::To(S::Dispatched)),
    (S::Returned, A::Escalate, Target::To(S::Escalated)),
    (S::Returned, A::Reject, Target::To(S::Rejected)),
    (S::Escalated, A::Dispatch, Target::To(S::Dispatched)),
    (S::Escalated, A::Escalate, Target::To(S::Escalated)),
    (S::ExtensionRequested, A::ApproveExtension, Target::Resume),
    (S::ExtensionRequested, A::DenyExtension, Target::Resume),
];

fn expected() -> BTreeMap<(S, A), Target> {
    let mut map = BTreeMap::new();
    for &(s, a, t) in ALLOWED {
        assert!(
            map.insert((s, a), t).is_none(),
            "({s}, {a}) is listed twice in ALLOWED"
        );
    }
    map
}

#[test]
fn every_status_and_action_pair_is_allowed_exactly_as_the_table_says() {
    let expected = expected();
    let mut wrong = Vec::new();
    for &status in S::ALL {
        for &action in A::ALL {
            let got = next(status, action).ok();
            let want = expected.get(&(status, action)).copied();
            if got != want {
                wrong.push(format!(
                    "({status}, {action}): table says {want:?}, next() gives {got:?}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn the_happy_path_runs_from_reported_to_archived() {
    let mut state = IncidentState::REPORTED;
    let mut seen = vec![state.status()];
    for action in [
        A::Accept,
        A::Dispatch,
        A::StartHandling,
        A::ReportHandled,
        A::Verify,
        A::Close,
        A::Archive,
    ] {
        state = state.apply(action).expect("happy path step");
        seen.push(state.status());
    }
    assert_eq!(
        seen,
        [
            S::Reported,
            S::Accepted,
            S::Dispatched,
            S::Handling,
            S::Handled,
            S::Verified,
            S::Closed,
            S::Archived
        ]
    );
}

#[test]
fn terminal_states_allow_nothing() {
    for &status in S::ALL {
        let allowed = allowed_actions(status);
        assert_eq!(
            status.is_terminal(),
            allowed.is_empty(),
            "{status} allows {allowed:?}"
        );
    }
    assert!(allowed_actions(S::Archived).is_empty());
    assert!(allowed_actions(S::Rejected).is_empty());
}

#[test]
fn every_status_is_reachable_from_reported() {
    let mut reached = BTreeSet::from([S::Reported]);
    let mut todo = vec![IncidentState::REPORTED];
    while let Some(state) = todo.pop() {
        for action in allowed_actions(state.status()) {
            let after = state.apply(action).expect("allowed action applies");
            if reached.insert(after.status()) {
                todo.push(after);
            }
        }
    }
    let all: BTreeSet<S> = S::ALL.iter().copied().collect();
    assert_eq!(reached, all);
}

#[test]
fn open_statuses_are_those_before_closing() {
    let closed: Vec<S> = S::ALL.iter().copied().filter(|s| !s.is_open()).collect();
    assert_eq!(closed, [S::Closed, S::Archived, S::Rejected]);
}

#[test]
fn allowed_actions_lists_what_the_table_allows() {
    assert_eq!(
        allowed_actions(S::Handling),
        [
            A::ReportHandled,
            A::Return,
            A::Escalate,
            A::RequestExtension
        ]
    );
    assert_eq!(allowed_actions(S::Reported), [A::Accept, A::Reject]);
}

#[test]
fn an_error_message_names_the_action_and_the_status() {
    let err = next(S::Handling, A::Close).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"cannot "close" an incident that is "handling""#
    );
    let err = IncidentState::REPORTED.apply(A::Return).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"cannot "return" an incident that is "reported""#
    );
}

#[test]
fn an_extension_resumes_the_status_it_was_requested_from() {
    for from in [S::Dispatched, S::Handling] {
        for decision in [A::ApproveExtension, A::DenyExtension] {
            let at = IncidentState::new(from, None).expect("valid state");
            let pending = at.apply(A::RequestExtension).expect("request");
            assert_eq!(pending.status(), S::ExtensionRequested);
            assert_eq!(pending.extension_from(), Some(from));
            let after = pending.apply(decision).expect("decide");
            assert_eq!(after, at, "{decision} after a request from {from}");
            assert_eq!(after.extension_from(), None);
        }
    }
}

#[test]
fn a_pending_extension_must_remember_where_it_came_from() {
    assert_eq!(
        IncidentState::new(S::ExtensionRequested, None),
        Err(StateError::ExtensionWithoutOrigin(None))
    );
    assert_eq!(
        IncidentState::new(S::ExtensionRequested, Some(S::Handled)),
        Err(StateError::ExtensionWithoutOrigin(Some(S::Handled)))
    );
    assert_eq!(
        IncidentState::new(S::Handling, Some(S::Dispatched)),
        Err(StateError::OriginWithoutExtension(S::Handling))
    );
    let pending = IncidentState::new(S::ExtensionRequested, Some(S::Handling))
        .expect("valid pending extension");
    assert_eq!(
        pending
            .apply(A::ApproveExtension)
            .map(IncidentState::status),
        Ok(S::Handling)
    );
}

#[test]
fn reopening_sends_the_incident_back_to_the_dispatcher() {
    for from in [S::Verified, S::Closed] {
        let state = IncidentState::new(from, None).expect("valid state");
        assert_eq!(
            state.apply(A::Reopen).map(IncidentState::status),
            Ok(S::Accepted)
        );
    }
}

#[test]
fn a_returned_incident_can_be_dispatched_again_or_rejected() {
    let returned = IncidentState::REPORTED
        .apply(A::Accept)
        .and_then(|s| s.apply(A::Dispatch))
        .and_then(|s| s.apply(A::Return))
        .expect("return path");
    assert_eq!(returned.status(), S::Returned);
    assert_eq!(
        returned.apply(A::Dispatch).map(IncidentState::status),
        Ok(S::Dispatched)
    );
    assert_eq!(
        returned.apply(A::Reject).map(IncidentState::status),
        Ok(S::Rejected)
    );
}

#[test]
fn action_and_status_words_round_trip() {
    for &a in A::ALL {
        assert_eq!(a.as_str().parse::<A>(), Ok(a));
    }
    for &s in S::ALL {
        assert_eq!(s.as_str().parse::<S>(), Ok(s));
    }
    assert_eq!(
        serde_json::to_string(&A::Return).expect("json"),
        r#""return""#
    );
    assert!("return_back".parse::<A>().is_err());
}
