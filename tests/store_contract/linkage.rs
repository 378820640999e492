//! Contract cases for video linkage: patrol tracks, alerts, one live call per alert, the
//! answer that only one of two can give, and an alert's record. Instantiated for every
//! backend by `contract!` in `store_contract.rs`.

use super::cases::camera;
use super::workers::worker;
use super::{GRID, lonlat, seed_town};
use chrono::{DateTime, Utc};
use gridlink::domain::GridScope;
use gridlink::domain::{
    AlertEventKind, AlertSource, AlertStatus, CallStatus, ChainEntry, Fix, IncidentSource,
    NewAlert, NewCall, NewIncident, NewIncidentEvent, Priority, Responsible, WorkerId,
};
use gridlink::store::{CallAnswer, CallFilter, Store, StoreError};

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_796_000_000 + seconds, 250_000_000).unwrap()
}

/// A town with a camera and two workers; the ids of the camera and the workers.
async fn seeded(store: &dyn Store) -> (i64, [WorkerId; 2]) {
    seed_town(store).await;
    let camera = store
        .insert_cameras(&[camera("C001", 119.61, 31.11)])
        .await
        .unwrap()[0]
        .id;
    let workers = store
        .insert_workers(&[worker("李明", &[GRID]), worker("王芳", &[GRID])])
        .await
        .unwrap();
    (camera, [workers[0].id, workers[1].id])
}

fn alert(camera: i64) -> NewAlert {
    NewAlert {
        camera_id: camera,
        location: lonlat(119.61, 31.11),
        note: "有人翻越围栏".to_owned(),
        category: "public_order_suspicious".to_owned(),
        source: AlertSource::Operator,
        raised_by: "值守员".to_owned(),
        raised_at: at(0),
        incident_id: None,
    }
}

fn call(alert: i64, worker: WorkerId, rang: i64) -> NewCall {
    NewCall {
        alert_id: alert,
        worker_id: worker,
        distance_m: 812.4,
        eta_s: 147,
        rang_at: at(rang),
        expires_at: at(rang + 60),
        actor: "值守员".to_owned(),
    }
}

fn incident(worker: WorkerId) -> (NewIncident, NewIncidentEvent) {
    let incident = NewIncident {
        category: "public_order_suspicious".to_owned(),
        source: IncidentSource::Camera,
        location: lonlat(119.61, 31.11),
        chain: Vec::<ChainEntry>::new(),
        description: "有人翻越围栏".to_owned(),
        reporter: "C001".to_owned(),
        priority: Priority::High,
        responsible: Responsible {
            grid: None,
            department: None,
        },
        assignee: Some(worker),
        reported_at: at(10),
        deadline: at(7210),
        yellow_at: at(5410),
    };
    let event = NewIncidentEvent {
        at: at(10),
        actor: "alert".to_owned(),
        action: None,
        note: String::new(),
        photos: Vec::new(),
        details: gridlink::domain::EventDetails::default(),
    };
    (incident, event)
}

pub async fn tracks_keep_every_fix_and_answer_them_by_worker_and_day(store: &dyn Store) {
    let (_, [a, b]) = seeded(store).await;
    for (worker, second) in [(a, 0), (b, 5), (a, 10), (a, 20)] {
        let fix = Fix {
            position: lonlat(119.61 + f64::from(second) * 1e-4, 31.11),
            accuracy_m: 6.5,
            at: at(i64::from(second)),
        };
        store.record_position(worker, &fix, at(100)).await.unwrap();
    }

    let day = store
        .tracks(&GridScope::All, None, at(0), at(20))
        .await
        .unwrap();
    let mine = store
        .tracks(&GridScope::All, Some(a), at(0), at(3600))
        .await
        .unwrap();

    let order: Vec<(WorkerId, DateTime<Utc>)> = day.iter().map(|(w, f)| (*w, f.at)).collect();
    assert_eq!(
        order,
        [(a, at(0)), (a, at(10)), (b, at(5))],
        "by worker and time, [from, to)"
    );
    assert_eq!(mine.len(), 3);
    assert_eq!(mine[2].1.position, lonlat(119.612, 31.11));
    assert!((mine[2].1.accuracy_m - 6.5).abs() < f64::EPSILON);
    assert_eq!(
        store
            .positions_since(&GridScope::All, at(100))
            .await
            .unwrap()
            .len(),
        4,
        "by server time"
    );
    assert_eq!(
        store
            .positions_since(&GridScope::All, at(101))
            .await
            .unwrap()
            .len(),
        0
    );
}

pub async fn one_call_at_a_time_holds_an_alert(store: &dyn Store) {
    let (camera, [a, b]) = seeded(store).await;
    let stored = store.insert_alert(&alert(camera), None).await.unwrap();
    assert_eq!(stored.status, AlertStatus::Open);

    let first = store.place_call(&call(stored.id, a, 1)).await.unwrap();
    let second = store.place_call(&call(stored.id, b, 2)).await;

    assert_eq!(first.status, CallStatus::Ringing);
    match second {
        Err(StoreError::Conflict(message)) => assert!(message.contains(&first.id.to_string())),
        other => panic!(
            "expected a conflict naming call {}, got {other:?}",
            first.id
        ),
    }
    let all = CallFilter {
        alert: Some(stored.id),
        ..CallFilter::default()
    };
    assert_eq!(
        store.calls(&GridScope::All, &all).await.unwrap(),
        std::slice::from_ref(&first),
        "nothing of the second"
    );
    store
        .answer_call(
            first.id,
            &CallAnswer::Decline("在处理其他事"),
            at(3),
            "李明",
        )
        .await
        .unwrap();
    let next = store.place_call(&call(stored.id, b, 4)).await.unwrap();
    assert_eq!(
        (next.worker_id, next.status),
        (b, CallStatus::Ringing),
        "free again"
    );
}

pub async fn of_two_answers_to_one_call_exactly_one_wins_and_files_one_incident(store: &dyn Store) {
    let (camera, [a, _]) = seeded(store).await;
    let stored = store.insert_alert(&alert(camera), None).await.unwrap();
    let ringing = store.place_call(&call(stored.id, a, 1)).await.unwrap();
    let (one, one_event) = incident(a);
    let (two, two_event) = incident(a);
    let accept_one = CallAnswer::Accept(Some((&one, &one_event)));
    let accept_two = CallAnswer::Accept(Some((&two, &two_event)));

    let (x, y, z) = tokio::join!(
        store.answer_call(ringing.id, &accept_one, at(10), "李明"),
        store.answer_call(ringing.id, &accept_two, at(10), "李明"),
        store.answer_call(ringing.id, &CallAnswer::TimeOut, at(61), "system"),
    );

    let results = [x.map(|r| r.1), y.map(|r| r.1), z.map(|r| r.1)];
    let won: Vec<_> = results.iter().filter(|r| r.is_ok()).collect();
    assert_eq!(won.len(), 1, "exactly one answer wins: {results:?}");
    for lost in results.iter().filter(|r| r.is_err()) {
        assert!(matches!(lost, Err(StoreError::Conflict(_))), "{lost:?}");
    }
    let call = store.call(&GridScope::All, ringing.id).await.unwrap();
    let alert = store.alert(&GridScope::All, stored.id).await.unwrap();
    if let Ok(Some(filed)) = &won[0] {
        assert_eq!(call.status, CallStatus::Accepted);
        assert_eq!(alert.incident_id, Some(filed.id));
        assert_eq!(alert.status, AlertStatus::Answered);
        assert_eq!(
            store
                .incident(&GridScope::All, filed.id)
                .await
                .unwrap()
                .assignee,
            Some(a)
        );
    } else {
        assert_eq!(call.status, CallStatus::TimedOut);
        assert_eq!(alert.incident_id, None, "no incident is left behind");
    }
    let page = store
        .incidents(
            &GridScope::All,
            &gridlink::store::IncidentFilter::all(10, at(100)),
        )
        .await
        .unwrap();
    assert!(page.incidents.len() <= 1, "at most one incident is filed");
}

pub async fn every_step_of_an_alert_is_recorded_in_order(store: &dyn Store) {
    let (camera, [a, b]) = seeded(store).await;
    let stored = store.insert_alert(&alert(camera), None).await.unwrap();
    let first = store.place_call(&call(stored.id, a, 1)).await.unwrap();
    store
        .answer_call(first.id, &CallAnswer::TimeOut, at(61), "system")
        .await
        .unwrap();
    let second = store.place_call(&call(stored.id, b, 61)).await.unwrap();
    let (filed, event) = incident(b);
    let (accepted, incident) = store
        .answer_call(
            second.id,
            &CallAnswer::Accept(Some((&filed, &event))),
            at(70),
            "王芳",
        )
        .await
        .unwrap();
    let arrived = store.arrive(second.id, at(300)).await.unwrap();
    let again = store.arrive(second.id, at(301)).await;

    assert_eq!(accepted.answered_at, Some(at(70)));
    assert_eq!(
        (arrived.status, arrived.on_scene_at),
        (CallStatus::OnScene, Some(at(300)))
    );
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let events = store
        .alert_events(&GridScope::All, stored.id)
        .await
        .unwrap();
    let kinds: Vec<AlertEventKind> = events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            AlertEventKind::Raised,
            AlertEventKind::Called,
            AlertEventKind::TimedOut,
            AlertEventKind::Called,
            AlertEventKind::Accepted,
            AlertEventKind::IncidentFiled,
            AlertEventKind::OnScene,
        ]
    );
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=7).collect::<Vec<_>>()
    );
    let incident = incident.unwrap();
    assert_eq!(events[5].note, incident.case_number().to_string());
    assert_eq!(events[3].worker_id, Some(b));
}

pub async fn an_alert_nobody_answered_is_given_up_and_opens_again_with_a_new_call(
    store: &dyn Store,
) {
    let (camera, [a, b]) = seeded(store).await;
    let stored = store.insert_alert(&alert(camera), None).await.unwrap();
    let first = store.place_call(&call(stored.id, a, 1)).await.unwrap();
    let while_ringing = store.give_up_alert(stored.id, at(2)).await;
    assert!(
        matches!(while_ringing, Err(StoreError::Conflict(_))),
        "{while_ringing:?}"
    );
    store
        .answer_call(first.id, &CallAnswer::Decline(""), at(2), "李明")
        .await
        .unwrap();

    let given_up = store.give_up_alert(stored.id, at(3)).await.unwrap();
    let twice = store.give_up_alert(stored.id, at(4)).await;
    store.place_call(&call(stored.id, b, 5)).await.unwrap();

    assert_eq!(given_up.status, AlertStatus::Unanswered);
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    assert_eq!(
        store
            .alert(&GridScope::All, stored.id)
            .await
            .unwrap()
            .status,
        AlertStatus::Open
    );
    let late = store.alert(&GridScope::All, stored.id + 1000).await;
    assert!(matches!(late, Err(StoreError::NotFound(_))), "{late:?}");
    let unknown_camera = store.insert_alert(&alert(camera + 1000), None).await;
    assert!(
        matches!(unknown_camera, Err(StoreError::Conflict(_))),
        "{unknown_camera:?}"
    );
}

pub async fn purging_tracks_deletes_old_points_and_keeps_last_positions(store: &dyn Store) {
    let (_, [a, _]) = seeded(store).await;
    for second in [0, 10, 20] {
        let fix = Fix {
            position: lonlat(119.61, 31.11 + f64::from(second) * 1e-5),
            accuracy_m: 5.0,
            at: at(i64::from(second)),
        };
        store.record_position(a, &fix, at(30)).await.unwrap();
    }

    let gone = store.purge_positions(at(20)).await.unwrap();
    let again = store.purge_positions(at(20)).await.unwrap();

    assert_eq!((gone, again), (2, 0));
    let left = store
        .tracks(&GridScope::All, Some(a), at(0), at(100))
        .await
        .unwrap();
    assert_eq!(left.iter().map(|(_, f)| f.at).collect::<Vec<_>>(), [at(20)]);
    let worker = store.worker(&GridScope::All, a).await.unwrap();
    assert_eq!(worker.position_at, Some(at(20)), "the last position stays");
}
