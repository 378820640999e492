use super::*;
use crate::domain::{
    ChainEntry, IncidentSource, IncidentState, IncidentStatus, LonLat, Responsible,
};
use chrono::TimeZone;

/// Monday 2026-11-23 10:00 in China.
fn monday_ten() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0)
        .single()
        .expect("valid time")
}

fn incident(status: IncidentStatus) -> Incident {
    let calendar = BusinessCalendar::default();
    let reported_at = monday_ten();
    let deadline = calendar.deadline(reported_at, TimeLimit::WorkingDays(1));
    Incident {
        id: 9,
        category: "road_damage".into(),
        source: IncidentSource::WorkerApp,
        location: LonLat::new(119.8, 31.3).expect("valid point"),
        chain: vec![ChainEntry {
            level: 1,
            id: 1,
            code: "320282102".into(),
            name: "太华镇".into(),
        }],
        description: "路面塌陷".into(),
        reporter: "tester".into(),
        priority: Priority::Normal,
        state: IncidentState::new(status, None).expect("valid state"),
        responsible: Responsible {
            grid: Some(3),
            department: None,
        },
        assignee: Some(30),
        reported_at,
        deadline,
        yellow_at: calendar.yellow_at(reported_at, deadline, 0.25),
        pending_extension: None,
        closed_at: None,
        satisfaction: None,
        duplicate_of: None,
        photos: vec![],
        revision: 4,
        updated_at: reported_at,
    }
}

fn limits(category: &str) -> Option<TimeLimit> {
    match category {
        "road_damage" => Some(TimeLimit::WorkingDays(1)),
        "noise" => Some(TimeLimit::WorkingHours(4)),
        _ => None,
    }
}

fn up_one(incident: &Incident) -> Result<Routing, RoutingError> {
    match incident.responsible.grid {
        Some(3) => Ok(Routing {
            responsible: Responsible {
                grid: Some(2),
                department: None,
            },
            assignee: Some(20),
        }),
        _ => Err(RoutingError::AtTop),
    }
}

fn run(
    incident: &Incident,
    request: &StepRequest,
) -> Result<(Incident, NewIncidentEvent), StepError> {
    let calendar = BusinessCalendar::default();
    let rules = Rules {
        calendar: &calendar,
        yellow_fraction: 0.25,
        time_limit: &limits,
        escalate: &up_one,
    };
    step(incident, request, monday_ten(), &rules)
}

fn request(action: IncidentAction) -> StepRequest {
    StepRequest {
        action: Some(action),
        actor: "dispatcher".into(),
        ..StepRequest::default()
    }
}

#[test]
fn accepting_with_a_new_category_moves_the_deadline_to_its_limit() {
    let before = incident(IncidentStatus::Reported);
    let (after, event) = run(
        &before,
        &StepRequest {
            category: Some("noise".into()),
            ..request(IncidentAction::Accept)
        },
    )
    .expect("accepted");
    assert_eq!(after.status(), IncidentStatus::Accepted);
    assert_eq!(after.category, "noise");
    // Four working hours from Monday 10:00: 12:00, then 13:30–15:30.
    let due = Utc.with_ymd_and_hms(2026, 11, 23, 7, 30, 0).single();
    assert_eq!(Some(after.deadline), due);
    assert!(after.yellow_at < after.deadline && after.yellow_at > before.reported_at);
    assert_eq!(event.details.deadline, due);
    assert_eq!(
        after.revision, before.revision,
        "the store bumps the revision"
    );
}

#[test]
fn an_unknown_category_is_refused() {
    let result = run(
        &incident(IncidentStatus::Reported),
        &StepRequest {
            category: Some("nope".into()),
            ..request(IncidentAction::Accept)
        },
    );
    assert!(matches!(result, Err(StepError::Invalid(m)) if m.contains("nope")));
}

#[test]
fn escalation_hands_the_incident_to_the_parent_team_and_stops_at_the_top() {
    let (after, event) = run(
        &incident(IncidentStatus::Dispatched),
        &request(IncidentAction::Escalate),
    )
    .expect("escalated");
    assert_eq!(after.status(), IncidentStatus::Escalated);
    assert_eq!(after.responsible.grid, Some(2));
    assert_eq!(after.assignee, Some(20));
    assert_eq!(event.details.assignee, Some(20));
    assert_eq!(
        run(&after, &request(IncidentAction::Escalate)).map(|_| ()),
        Err(StepError::Routing(RoutingError::AtTop))
    );
}

#[test]
fn an_approved_extension_moves_the_deadline_on_the_business_calendar() {
    let handling = incident(IncidentStatus::Handling);
    let (pending, _) = run(
        &handling,
        &StepRequest {
            extension: Some(TimeLimit::WorkingDays(5)),
            ..request(IncidentAction::RequestExtension)
        },
    )
    .expect("requested");
    assert_eq!(pending.pending_extension, Some(TimeLimit::WorkingDays(5)));
    let (approved, event) =
        run(&pending, &request(IncidentAction::ApproveExtension)).expect("approved");
    assert_eq!(approved.status(), IncidentStatus::Handling);
    assert_eq!(approved.pending_extension, None);
    // Due Tuesday 10:00; five working days later, over the weekend, is Tuesday next week.
    let due = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).single();
    assert_eq!(Some(approved.deadline), due);
    assert_eq!(event.details.deadline, due);

    let (denied, _) = run(&pending, &request(IncidentAction::DenyExtension)).expect("denied");
    assert_eq!(denied.deadline, handling.deadline);
    assert_eq!(denied.status(), IncidentStatus::Handling);
}

#[test]
fn closing_records_satisfaction_and_reopening_clears_it() {
    let (closed, event) = run(
        &incident(IncidentStatus::Verified),
        &StepRequest {
            satisfaction: Some(5),
            ..request(IncidentAction::Close)
        },
    )
    .expect("closed");
    assert_eq!(closed.satisfaction, Some(5));
    assert_eq!(closed.closed_at, Some(monday_ten()));
    assert_eq!(event.details.satisfaction, Some(5));
    let (reopened, _) = run(&closed, &request(IncidentAction::Reopen)).expect("reopened");
    assert_eq!(reopened.status(), IncidentStatus::Accepted);
    assert_eq!((reopened.closed_at, reopened.satisfaction), (None, None));
}

#[test]
fn a_satisfaction_outside_one_to_five_is_refused() {
    for score in [0, 6] {
        let result = run(
            &incident(IncidentStatus::Verified),
            &StepRequest {
                satisfaction: Some(score),
                ..request(IncidentAction::Close)
            },
        );
        assert!(matches!(result, Err(StepError::Invalid(_))), "{score}");
    }
}

#[test]
fn a_field_sent_with_the_wrong_action_is_refused_not_dropped() {
    let result = run(
        &incident(IncidentStatus::Handling),
        &StepRequest {
            satisfaction: Some(5),
            note: "done".into(),
            ..request(IncidentAction::ReportHandled)
        },
    );
    assert_eq!(
        result.map(|_| ()),
        Err(StepError::Invalid(
            "\"satisfaction\" goes with close, not with \"report_handled\"".into()
        ))
    );
}

#[test]
fn returning_and_feeding_back_need_a_note() {
    for (status, action) in [
        (IncidentStatus::Dispatched, IncidentAction::Return),
        (IncidentStatus::Handling, IncidentAction::ReportHandled),
    ] {
        let result = run(&incident(status), &request(action));
        assert!(matches!(result, Err(StepError::Invalid(_))), "{action}");
    }
}

#[test]
fn a_refused_transition_names_both_the_action_and_the_status() {
    let result = run(
        &incident(IncidentStatus::Reported),
        &request(IncidentAction::Close),
    );
    assert_eq!(
        result.map(|_| ()).map_err(|e| e.to_string()),
        Err(r#"cannot "close" an incident that is "reported""#.into())
    );
}

#[test]
fn photos_of_a_step_join_the_incident_and_the_event() {
    let (after, event) = run(
        &incident(IncidentStatus::Handling),
        &StepRequest {
            note: "已清理".into(),
            photos: vec![11, 12],
            ..request(IncidentAction::ReportHandled)
        },
    )
    .expect("handled");
    assert_eq!(after.photos, [11, 12]);
    assert_eq!(event.photos, [11, 12]);
    assert_eq!(event.note, "已清理");
}
