//! Contract cases for grid scopes: every read of grids, incidents and workers filters by
//! its scope in SQL with the test `GridScope::includes` makes in memory. Instantiated for
//! every backend by `contract!` in `store_contract.rs`.

use super::incidents::{event, report};
use super::workers::worker;
use super::{TOWN, code, square};
use chrono::Utc;
use gridlink::domain::{Fix, Grid, GridScope, LonLat, WorkerId};
use gridlink::store::{GridFilter, IncidentFilter, Store, StoreError};
use std::collections::BTreeSet;

/// Two villages of one town, each with one grid.
const V1: &str = "320282102203";
const G1: &str = "320282102203001";
const V2: &str = "320282102204";
const G2: &str = "320282102204001";

/// The town, its two villages and their grids, by code.
struct Town {
    grids: Vec<Grid>,
}

impl Town {
    fn grid(&self, code: &str) -> &Grid {
        self.grids.iter().find(|g| g.code.as_str() == code).unwrap()
    }

    /// The chain of grids from the town down to `code`.
    fn chain(&self, codes: &[&str]) -> Vec<Grid> {
        codes.iter().map(|c| self.grid(c).clone()).collect()
    }
}

async fn seed(store: &dyn Store) -> Town {
    store
        .put_levels(&crate::common::taihua_levels())
        .await
        .unwrap();
    let new = crate::common::new_grid;
    let grids = store
        .insert_grids(&[
            new(TOWN, "太华镇", square(119.6, 31.1, 0.2)),
            new(V1, "太华村", square(119.6, 31.1, 0.1)),
            new(G1, "太华村第一网格", square(119.6, 31.1, 0.05)),
            new(V2, "新华村", square(119.7, 31.1, 0.1)),
            new(G2, "新华村第一网格", square(119.7, 31.1, 0.05)),
        ])
        .await
        .unwrap();
    Town { grids }
}

fn village() -> GridScope {
    GridScope::within([code(V1)])
}

fn codes(grids: &[Grid]) -> Vec<String> {
    grids.iter().map(|g| g.code.to_string()).collect()
}

fn everything() -> IncidentFilter {
    IncidentFilter::all(100, Utc::now())
}

pub async fn a_village_scope_reads_only_the_grids_of_its_subtree(store: &dyn Store) {
    let town = seed(store).await;
    let scope = village();
    let listed = store.grids(&scope, GridFilter::default()).await.unwrap();
    assert_eq!(codes(&listed), [V1, G1]);
    let as_of = store.grids_as_of(&scope, None, Utc::now()).await.unwrap();
    assert_eq!(codes(&as_of), [V1, G1]);
    assert_eq!(
        store.grid(&scope, town.grid(G1).id).await.unwrap().code,
        code(G1)
    );
    for outside in [TOWN, V2, G2] {
        let id = town.grid(outside).id;
        assert!(
            matches!(store.grid(&scope, id).await, Err(StoreError::NotFound(_))),
            "grid {outside} is outside the village"
        );
        assert!(matches!(
            store.grid_by_code(&scope, &code(outside)).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store.grid_history(&scope, id).await,
            Err(StoreError::NotFound(_))
        ));
    }
    assert_eq!(
        store
            .grid_history(&scope, town.grid(V1).id)
            .await
            .unwrap()
            .len(),
        1
    );
    let all = store
        .grids(&GridScope::All, GridFilter::default())
        .await
        .unwrap();
    assert_eq!(codes(&all), [TOWN, V1, V2, G1, G2]);
}

pub async fn a_village_scope_reads_only_the_incidents_filed_in_it(store: &dyn Store) {
    let town = seed(store).await;
    let mut filed = Vec::new();
    for (chain, seconds) in [
        (&[TOWN, V1, G1][..], 0),
        (&[TOWN, V2, G2][..], 10),
        (&[TOWN][..], 20),
        (&[TOWN, V1][..], 30),
    ] {
        let incident = store
            .insert_incident(
                &report(&town.chain(chain), "road_damage", seconds),
                &event(None, seconds),
            )
            .await
            .unwrap();
        filed.push(incident.id);
    }
    let scope = village();
    let page = store.incidents(&scope, &everything()).await.unwrap();
    let ids: Vec<_> = page.incidents.iter().map(|i| i.id).collect();
    assert_eq!(
        ids,
        [filed[3], filed[0]],
        "newest first, the village's only"
    );
    let facts = store.incident_facts(&scope, None).await.unwrap();
    let fact_ids: BTreeSet<_> = facts.iter().map(|f| f.id).collect();
    assert_eq!(fact_ids, BTreeSet::from([filed[0], filed[3]]));
    assert_eq!(store.incident(&scope, filed[0]).await.unwrap().id, filed[0]);
    assert_eq!(
        store.incident_events(&scope, filed[0]).await.unwrap().len(),
        1
    );
    for &outside in &filed[1..3] {
        assert!(matches!(
            store.incident(&scope, outside).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store.incident_events(&scope, outside).await,
            Err(StoreError::NotFound(_))
        ));
    }
    let all = store
        .incidents(&GridScope::All, &everything())
        .await
        .unwrap();
    assert_eq!(all.incidents.len(), 4);
    let all_facts = store.incident_facts(&GridScope::All, None).await.unwrap();
    assert_eq!(all_facts.len(), 4);
}

pub async fn a_village_scope_reads_only_the_workers_assigned_in_it(store: &dyn Store) {
    seed(store).await;
    let stored = store
        .insert_workers(&[
            worker("李明", &[G1]),
            worker("张伟", &[G2]),
            worker("王芳", &[]),
            worker("赵敏", &[G2, V1]),
        ])
        .await
        .unwrap();
    let ids: Vec<WorkerId> = stored.iter().map(|w| w.id).collect();
    let scope = village();
    let listed: Vec<_> = store
        .workers(&scope)
        .await
        .unwrap()
        .iter()
        .map(|w| w.id)
        .collect();
    assert_eq!(listed, [ids[0], ids[3]]);
    let by_ids: Vec<_> = store
        .workers_by_ids(&scope, &ids)
        .await
        .unwrap()
        .iter()
        .map(|w| w.id)
        .collect();
    assert_eq!(by_ids, [ids[0], ids[3]]);
    // A worker comes with every grid they answer for, those outside the scope included.
    let both = store.worker(&scope, ids[3]).await.unwrap();
    assert_eq!(both.grid_ids.len(), 2);
    for outside in [ids[1], ids[2]] {
        assert!(matches!(
            store.worker(&scope, outside).await,
            Err(StoreError::NotFound(_))
        ));
    }
    let since = Utc::now() - chrono::TimeDelta::hours(1);
    for (n, &id) in ids.iter().enumerate() {
        let fix = Fix {
            position: LonLat::new(119.61, 31.11).unwrap(),
            accuracy_m: 5.0,
            at: since + chrono::TimeDelta::seconds(n as i64 + 1),
        };
        store.record_position(id, &fix, Utc::now()).await.unwrap();
    }
    let moved: BTreeSet<_> = store
        .positions_since(&scope, since)
        .await
        .unwrap()
        .iter()
        .map(|(id, _, _)| *id)
        .collect();
    assert_eq!(moved, BTreeSet::from([ids[0], ids[3]]));
    let tracked: BTreeSet<_> = store
        .tracks(&scope, None, since, Utc::now())
        .await
        .unwrap()
        .iter()
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(tracked, BTreeSet::from([ids[0], ids[3]]));
    assert!(
        store
            .tracks(&scope, Some(ids[1]), since, Utc::now())
            .await
            .unwrap()
            .is_empty()
    );
    let all = store.workers(&GridScope::All).await.unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(
        store.worker(&GridScope::All, ids[2]).await.unwrap().id,
        ids[2],
        "a worker assigned nowhere is seen by the scope of everything"
    );
}

pub async fn an_empty_scope_reads_nothing(store: &dyn Store) {
    let town = seed(store).await;
    store
        .insert_workers(&[worker("李明", &[G1]), worker("王芳", &[])])
        .await
        .unwrap();
    store
        .insert_incident(
            &report(&town.chain(&[TOWN, V1, G1]), "road_damage", 0),
            &event(None, 0),
        )
        .await
        .unwrap();
    let nothing = GridScope::within([]);
    assert!(
        store
            .grids(&nothing, GridFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store.grid(&nothing, town.grid(TOWN).id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(
        store
            .incidents(&nothing, &everything())
            .await
            .unwrap()
            .incidents
            .is_empty()
    );
    assert!(
        store
            .incident_facts(&nothing, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.workers(&nothing).await.unwrap().is_empty());
}

/// The SQL filter and `GridScope::includes` / `includes_any` agree, scope by scope.
pub async fn the_sql_filter_agrees_with_the_scope_in_memory(store: &dyn Store) {
    let town = seed(store).await;
    store
        .insert_workers(&[
            worker("李明", &[G1]),
            worker("张伟", &[G2]),
            worker("王芳", &[]),
            worker("赵敏", &[G2, V1]),
            worker("刘洋", &[TOWN]),
        ])
        .await
        .unwrap();
    for (n, chain) in [
        &[TOWN, V1, G1][..],
        &[TOWN, V2, G2][..],
        &[TOWN][..],
        &[TOWN, V2][..],
    ]
    .into_iter()
    .enumerate()
    {
        store
            .insert_incident(
                &report(&town.chain(chain), "road_damage", n as i64),
                &event(None, n as i64),
            )
            .await
            .unwrap();
    }
    let all_grids = store
        .grids(&GridScope::All, GridFilter::default())
        .await
        .unwrap();
    let all_workers = store.workers(&GridScope::All).await.unwrap();
    let all_incidents = store
        .incidents(&GridScope::All, &everything())
        .await
        .unwrap()
        .incidents;
    let code_of = |id| {
        all_grids
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.code.to_string())
            .unwrap()
    };
    let scopes = [
        GridScope::All,
        GridScope::within([]),
        GridScope::within([code(TOWN)]),
        GridScope::within([code(V1)]),
        GridScope::within([code(V2)]),
        GridScope::within([code(G1)]),
        GridScope::within([code(G1), code(V2)]),
        // A sibling town's code: a prefix of none of the codes stored.
        GridScope::within([code("320282103")]),
    ];
    for scope in &scopes {
        let grids = store.grids(scope, GridFilter::default()).await.unwrap();
        let expected: Vec<_> = all_grids
            .iter()
            .filter(|g| scope.includes(&g.code))
            .cloned()
            .collect();
        assert_eq!(codes(&grids), codes(&expected), "grids of {scope:?}");
        let workers: Vec<_> = store
            .workers(scope)
            .await
            .unwrap()
            .iter()
            .map(|w| w.id)
            .collect();
        let expected: Vec<_> = all_workers
            .iter()
            .filter(|w| scope.includes_any(w.grid_ids.iter().map(|&g| code_of(g))))
            .map(|w| w.id)
            .collect();
        assert_eq!(workers, expected, "workers of {scope:?}");
        let incidents: Vec<_> = store
            .incidents(scope, &everything())
            .await
            .unwrap()
            .incidents
            .iter()
            .map(|i| i.id)
            .collect();
        let expected: Vec<_> = all_incidents
            .iter()
            .filter(|i| scope.includes_any(i.chain.iter().map(|g| &g.code)))
            .map(|i| i.id)
            .collect();
        assert_eq!(incidents, expected, "incidents of {scope:?}");
    }
}
