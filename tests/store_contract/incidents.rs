//! Contract cases for incidents: filing, optimistic updates, the append-only timeline,
//! filtered pages and photos. Instantiated for every backend by `contract!` in
//! `store_contract.rs`.

use super::workers::worker;
use super::{GRID, TOWN, VILLAGE, lonlat, seed_town};
use chrono::{DateTime, TimeDelta, Utc};
use gridlink::domain::GridScope;
use gridlink::domain::{
    ChainEntry, EventDetails, GridCode, IncidentAction, IncidentSource, IncidentState,
    IncidentStatus, NewIncident, NewIncidentEvent, Priority, Responsible, TimeLimit, Urgency,
};
use gridlink::store::{IncidentFilter, NewPhoto, Store, StoreError};

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_000_000 + seconds, 123_456_000).unwrap()
}

fn chain(grids: &[gridlink::domain::Grid]) -> Vec<ChainEntry> {
    grids
        .iter()
        .map(|g| ChainEntry {
            level: g.level,
            id: g.id,
            code: g.code.to_string(),
            name: g.name.clone(),
        })
        .collect()
}

pub(crate) fn report(grids: &[gridlink::domain::Grid], category: &str, filed: i64) -> NewIncident {
    NewIncident {
        category: category.to_owned(),
        source: IncidentSource::WorkerApp,
        location: lonlat(119.61, 31.11),
        chain: chain(grids),
        description: "井盖缺失".to_owned(),
        reporter: "李明".to_owned(),
        priority: Priority::High,
        responsible: Responsible {
            grid: grids.last().map(|g| g.id),
            department: None,
        },
        assignee: None,
        reported_at: at(filed),
        deadline: at(filed + 3600),
        yellow_at: at(filed + 2700),
    }
}

pub(crate) fn event(action: Option<IncidentAction>, seconds: i64) -> NewIncidentEvent {
    NewIncidentEvent {
        at: at(seconds),
        actor: "调度员".to_owned(),
        action,
        note: String::new(),
        photos: Vec::new(),
        details: EventDetails::default(),
    }
}

fn photo() -> NewPhoto {
    NewPhoto {
        content_type: "image/png".to_owned(),
        width: 4,
        height: 3,
        data: vec![1, 2, 3, 0, 255],
        thumbnail: vec![9, 8, 7],
        uploaded_at: at(0),
    }
}

pub async fn an_incident_round_trips_with_its_chain_and_first_event(store: &dyn Store) {
    let grids = seed_town(store).await;
    let assignee = store
        .insert_workers(&[worker("李明", &[GRID])])
        .await
        .unwrap()[0]
        .id;
    let mut new = report(&grids, "road_damage", 0);
    new.assignee = Some(assignee);

    let stored = store.insert_incident(&new, &event(None, 0)).await.unwrap();

    assert_eq!(stored.status(), IncidentStatus::Reported);
    assert_eq!(stored.revision, 1);
    assert_eq!(stored.chain, new.chain);
    assert_eq!(stored.location, new.location, "coordinates are bit-exact");
    assert_eq!((stored.reported_at, stored.deadline), (at(0), at(3600)));
    assert_eq!(stored.assignee, Some(assignee));
    assert_eq!(stored.priority, Priority::High);
    assert_eq!(
        store.incident(&GridScope::All, stored.id).await.unwrap(),
        stored
    );
    let events = store
        .incident_events(&GridScope::All, stored.id)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].seq, events[0].from, events[0].to),
        (1, None, IncidentStatus::Reported)
    );
}

pub async fn an_update_appends_an_event_and_a_stale_revision_is_a_conflict(store: &dyn Store) {
    let grids = seed_town(store).await;
    let filed = store
        .insert_incident(&report(&grids, "road_damage", 0), &event(None, 0))
        .await
        .unwrap();
    let mut accepted = filed.clone();
    accepted.state = IncidentState::new(IncidentStatus::Accepted, None).unwrap();
    accepted.pending_extension = Some(TimeLimit::WorkingDays(2));
    let mut step = event(Some(IncidentAction::Accept), 60);
    "已受理".clone_into(&mut step.note);
    step.details.deadline = Some(at(7200));

    let stored = store.update_incident(&accepted, &step).await.unwrap();

    assert_eq!(stored.status(), IncidentStatus::Accepted);
    assert_eq!(stored.revision, 2);
    assert_eq!(stored.pending_extension, Some(TimeLimit::WorkingDays(2)));
    assert_eq!(stored.updated_at, at(60));
    let stale = store.update_incident(&accepted, &step).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    let events = store
        .incident_events(&GridScope::All, filed.id)
        .await
        .unwrap();
    assert_eq!(events.len(), 2, "the refused update appended nothing");
    assert_eq!(events[1].seq, 2);
    assert_eq!(events[1].from, Some(IncidentStatus::Reported));
    assert_eq!(events[1].to, IncidentStatus::Accepted);
    assert_eq!(events[1].action, Some(IncidentAction::Accept));
    assert_eq!(events[1].note, "已受理");
    assert_eq!(events[1].details.deadline, Some(at(7200)));
}

pub async fn unknown_incidents_are_not_found(store: &dyn Store) {
    assert!(matches!(
        store.incident(&GridScope::All, 404).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.incident_events(&GridScope::All, 404).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.photo(404, false).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn pages_filter_by_status_colour_grid_and_category_newest_first(store: &dyn Store) {
    let grids = seed_town(store).await;
    let mut ids = Vec::new();
    for (i, category) in ["road_damage", "noise", "road_damage"]
        .into_iter()
        .enumerate()
    {
        let filed = i as i64 * 10_000;
        let incident = store
            .insert_incident(&report(&grids, category, filed), &event(None, filed))
            .await
            .unwrap();
        ids.push(incident.id);
    }
    // Judged just after the last filing: the first two are overdue, the last is on time.
    let now = at(20_000 + 60);
    let page = |filter: IncidentFilter| async move {
        let page = store.incidents(&GridScope::All, &filter).await.unwrap();
        page.incidents.iter().map(|i| i.id).collect::<Vec<_>>()
    };
    let all = IncidentFilter::all(10, now);
    assert_eq!(page(all.clone()).await, [ids[2], ids[1], ids[0]]);

    let red = IncidentFilter {
        colour: Some(Urgency::Red),
        ..all.clone()
    };
    assert_eq!(page(red).await, [ids[1], ids[0]]);
    let blue = IncidentFilter {
        colour: Some(Urgency::Blue),
        ..all.clone()
    };
    assert_eq!(page(blue).await, [ids[2]]);
    let yellow_now = IncidentFilter {
        colour: Some(Urgency::Yellow),
        now: at(20_000 + 3000),
        ..all.clone()
    };
    assert_eq!(page(yellow_now).await, [ids[2]]);

    let noise = IncidentFilter {
        categories: vec!["noise".to_owned()],
        ..all.clone()
    };
    assert_eq!(page(noise).await, [ids[1]]);
    let under_village = IncidentFilter {
        grid: Some(GridCode::parse(VILLAGE).unwrap()),
        ..all.clone()
    };
    assert_eq!(page(under_village).await.len(), 3);
    let other_village = IncidentFilter {
        grid: Some(GridCode::parse("320282102204").unwrap()),
        ..all.clone()
    };
    assert!(page(other_village).await.is_empty());
    let town = IncidentFilter {
        grid: Some(GridCode::parse(TOWN).unwrap()),
        ..all.clone()
    };
    assert_eq!(page(town).await.len(), 3);
    let reported = IncidentFilter {
        statuses: vec![IncidentStatus::Reported],
        ..all.clone()
    };
    assert_eq!(page(reported).await.len(), 3);
    let closed = IncidentFilter {
        statuses: vec![IncidentStatus::Closed],
        ..all.clone()
    };
    assert!(page(closed).await.is_empty());

    let first = store
        .incidents(
            &GridScope::All,
            &IncidentFilter {
                limit: 2,
                ..all.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(first.incidents.len(), 2);
    assert_eq!(first.next_before, Some(ids[1]));
    let second = IncidentFilter {
        limit: 2,
        before_id: first.next_before,
        ..all.clone()
    };
    assert_eq!(page(second).await, [ids[0]]);

    let since = IncidentFilter {
        reported_since: Some(at(10_000)),
        ..all
    };
    assert_eq!(page(since).await, [ids[2], ids[1]]);
}

pub async fn photos_attach_once_and_a_taken_photo_stores_nothing(store: &dyn Store) {
    let grids = seed_town(store).await;
    let id = store.insert_photo(&photo()).await.unwrap();
    let mut first = event(None, 0);
    first.photos = vec![id];

    let filed = store
        .insert_incident(&report(&grids, "road_damage", 0), &first)
        .await
        .unwrap();

    assert_eq!(filed.photos, [id]);
    let full = store.photo(id, false).await.unwrap();
    assert_eq!((full.data, full.incident), (photo().data, Some(filed.id)));
    let thumb = store.photo(id, true).await.unwrap();
    assert_eq!(
        (thumb.data, thumb.content_type.as_str()),
        (photo().thumbnail, "image/jpeg")
    );
    let again = store
        .insert_incident(&report(&grids, "noise", 10), &first)
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let all = store
        .incidents(&GridScope::All, &IncidentFilter::all(10, at(0)))
        .await
        .unwrap();
    assert_eq!(
        all.incidents.len(),
        1,
        "the refused incident was not stored"
    );
}

pub async fn closing_times_and_satisfaction_round_trip(store: &dyn Store) {
    let grids = seed_town(store).await;
    let filed = store
        .insert_incident(&report(&grids, "road_damage", 0), &event(None, 0))
        .await
        .unwrap();
    let mut closed = filed.clone();
    closed.state = IncidentState::new(IncidentStatus::Closed, None).unwrap();
    closed.closed_at = Some(at(500) + TimeDelta::nanoseconds(999));
    closed.satisfaction = Some(4);
    closed.responsible = Responsible {
        grid: None,
        department: Some("城管中队".to_owned()),
    };

    let stored = store
        .update_incident(&closed, &event(Some(IncidentAction::Close), 500))
        .await
        .unwrap();

    assert_eq!(stored.closed_at, Some(at(500)), "kept to the microsecond");
    assert_eq!(stored.satisfaction, Some(4));
    assert_eq!(stored.responsible, closed.responsible);
    let open = IncidentFilter {
        colour: Some(Urgency::Red),
        ..IncidentFilter::all(10, at(99_999))
    };
    assert!(
        store
            .incidents(&GridScope::All, &open)
            .await
            .unwrap()
            .incidents
            .is_empty(),
        "closed has no colour"
    );
}

pub async fn facts_are_what_statistics_need_and_follow_changes_by_time(store: &dyn Store) {
    let grids = seed_town(store).await;
    let first = store
        .insert_incident(&report(&grids, "road_damage", 0), &event(None, 0))
        .await
        .unwrap();
    let second = store
        .insert_incident(&report(&grids, "noise", 100), &event(None, 100))
        .await
        .unwrap();
    let mut closed = first.clone();
    closed.state = IncidentState::new(IncidentStatus::Closed, None).unwrap();
    closed.closed_at = Some(at(500));
    closed.satisfaction = Some(5);
    store
        .update_incident(&closed, &event(Some(IncidentAction::Close), 500))
        .await
        .unwrap();

    let mut all = store.incident_facts(&GridScope::All, None).await.unwrap();
    all.sort_by_key(|f| f.id);

    assert_eq!(all.len(), 2);
    let (a, b) = (&all[0], &all[1]);
    assert_eq!((a.id, a.revision, a.updated_at), (first.id, 2, at(500)));
    assert_eq!(a.fact.grid_code, grids.last().unwrap().code);
    assert_eq!(a.fact.category, "road_damage");
    assert_eq!(a.fact.status, IncidentStatus::Closed);
    assert_eq!(a.fact.reported_at, first.reported_at);
    assert_eq!(a.fact.closed_at, Some(at(500)));
    assert_eq!(a.fact.satisfaction, Some(5));
    assert_eq!(
        (a.fact.deadline, a.fact.yellow_at),
        (first.deadline, first.yellow_at)
    );
    assert_eq!(
        (b.id, b.revision, b.fact.status),
        (second.id, 1, IncidentStatus::Reported)
    );
    let changed = store
        .incident_facts(&GridScope::All, Some(at(100)))
        .await
        .unwrap();
    let mut ids: Vec<_> = changed.iter().map(|f| f.id).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [first.id, second.id],
        "at or after: the instant itself counts"
    );
    let later = store
        .incident_facts(&GridScope::All, Some(at(101)))
        .await
        .unwrap();
    assert_eq!(later.iter().map(|f| f.id).collect::<Vec<_>>(), [first.id]);
    assert!(
        store
            .incident_facts(&GridScope::All, Some(at(501)))
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn filing_near_answers_the_earlier_incidents_the_filter_selects_and_not_itself(
    store: &dyn Store,
) {
    let grids = seed_town(store).await;
    let earlier = store
        .insert_incident(&report(&grids, "road_damage", 0), &event(None, 0))
        .await
        .unwrap();
    store
        .insert_incident(&report(&grids, "noise", 10), &event(None, 10))
        .await
        .unwrap();
    let nearby = IncidentFilter {
        categories: vec!["road_damage".to_owned()],
        bbox: Some(lonlat(119.61, 31.11).around(50.0)),
        ..IncidentFilter::all(10, at(20))
    };

    let (filed, near) = store
        .insert_incident_near(
            &GridScope::All,
            &report(&grids, "road_damage", 20),
            &event(None, 20),
            &nearby,
        )
        .await
        .unwrap();

    assert_eq!(near.iter().map(|i| i.id).collect::<Vec<_>>(), [earlier.id]);
    assert_eq!(
        store.incident(&GridScope::All, filed.id).await.unwrap(),
        filed,
        "it was stored"
    );
}
