//! Grid planning (网格调整): a planner's edits become a change set that is checked and
//! previewed, then applied in one transaction or discarded.
//!
//! The index, the cameras' chains (computed from it at every read) and the map tiles
//! change only after the apply commits, and only from what was committed.

mod checks;
mod cut;
mod impact;
mod world;

#[cfg(test)]
mod tests;

pub use checks::{HouseholdRule, Rules};
pub use cut::{CutError, merge, split};

use crate::domain::{
    ChangeSet, ChangeSetId, ChangeSetStatus, EventDetails, GridEdit, IncidentAction,
    NewIncidentEvent, Problem,
};
use crate::spatial::SpatialIndex;
use crate::store::{Applied, ApplyPlan, NewChangeSet, PlannedReroute, Store, StoreError};
use crate::tiles::Tiles;
use chrono::Utc;
use std::sync::Arc;
use world::World;

/// Why a change set could not be proposed or applied.
#[derive(Debug, thiserror::Error)]
pub enum PlanningError {
    /// An edit does not fit the stored grids (an unknown grid, a missing version).
    #[error("{0}")]
    Edit(String),
    /// The change set names no grid with a boundary.
    #[error("the change set changes no grid: give at least one grid with a geometry")]
    Empty,
    /// The change set still has problems that stop it; each is listed.
    #[error("the change set has {} problem(s) to fix before it can be applied", count_errors(.0))]
    Problems(Vec<Problem>),
    /// The store refused or failed (a stale version is [`StoreError::Stale`]).
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn count_errors(problems: &[Problem]) -> usize {
    problems.iter().filter(|p| p.is_error()).count()
}

/// Proposes, applies and discards change sets.
pub struct Planner {
    store: Arc<dyn Store>,
    index: Arc<SpatialIndex>,
    tiles: Arc<Tiles>,
    rules: Rules,
}

impl Planner {
    /// A planner over `store`, keeping `index` and `tiles` in step with what it applies.
    #[must_use]
    pub fn new(
        store: Arc<dyn Store>,
        index: Arc<SpatialIndex>,
        tiles: Arc<Tiles>,
        rules: Rules,
    ) -> Self {
        Self {
            store,
            index,
            tiles,
            rules,
        }
    }

    /// Checks `edits`, works out their impact and stores them as a proposed change set.
    /// An edit made from a version that moved on is [`StoreError::Stale`].
    pub async fn propose(
        &self,
        reason: &str,
        author: &str,
        edits: &[GridEdit],
    ) -> Result<ChangeSet, PlanningError> {
        if edits.is_empty() {
            return Err(PlanningError::Empty);
        }
        let store = self.store.as_ref();
        let levels = store.levels().await?;
        let planned = world::resolve(store, edits, &levels).await?;
        let mut world = World::load(store, planned).await?;
        let households = world::estimate_people(&mut world, edits);
        let rules = self.rules_for(&levels);
        let problems = checks::check(&world, &rules);
        let assessment = impact::assess(store, &world, &self.index.roster(), households).await?;
        Ok(store
            .insert_changeset(&NewChangeSet {
                reason: reason.to_owned(),
                author: author.to_owned(),
                created_at: Utc::now(),
                grids: world.planned,
                problems,
                impact: assessment.impact,
            })
            .await?)
    }

    /// Applies a proposed change set, as the caller read it (to check it is theirs to
    /// apply): checks it again against what is committed now, stores it in one
    /// transaction, then reloads the index and the tiles. Answers the change set as
    /// applied and the incidents it re-routed, as now stored.
    pub async fn apply(&self, changeset: ChangeSet) -> Result<Applied, PlanningError> {
        let store = self.store.as_ref();
        let id = changeset.id;
        if changeset.status != ChangeSetStatus::Proposed {
            return Err(StoreError::Conflict(format!(
                "change set {id} is already {}",
                changeset.status
            ))
            .into());
        }
        let levels = store.levels().await?;
        let mut grids = changeset.grids.clone();
        world::renumber(store, &mut grids).await?;
        let world = World::load(store, grids).await?;
        let problems = checks::check(&world, &self.rules_for(&levels));
        if problems.iter().any(Problem::is_error) {
            return Err(PlanningError::Problems(problems));
        }
        let roster = self.index.roster();
        let assessment =
            impact::assess(store, &world, &roster, changeset.impact.households).await?;
        let at = Utc::now();
        let reroutes = assessment
            .reroutes
            .into_iter()
            .map(|(incident, to)| PlannedReroute {
                event: NewIncidentEvent {
                    at,
                    actor: changeset.author.clone(),
                    action: Some(IncidentAction::Reroute),
                    note: format!(
                        "网格调整 change set {id} ({}): now in grid {to}",
                        changeset.reason
                    ),
                    photos: Vec::new(),
                    details: EventDetails::default(),
                },
                incident,
                to,
            })
            .collect();
        let plan = ApplyPlan {
            at,
            changeset: ChangeSet {
                grids: world.planned,
                problems,
                impact: assessment.impact,
                ..changeset
            },
            transfers: assessment.transfers,
            reroutes,
        };
        let applied = store.apply_changeset(&plan).await?;
        self.reload().await;
        Ok(applied)
    }

    /// Discards a proposed change set.
    pub async fn discard(&self, id: ChangeSetId) -> Result<ChangeSet, PlanningError> {
        Ok(self.store.discard_changeset(id, Utc::now()).await?)
    }

    /// Rebuilds the grid index and the tiles' scene from what is now committed, so the
    /// change shows at once. Should that fail, the change set is still applied and the
    /// background refresh catches up on its next tick, so the failure is only logged.
    async fn reload(&self) {
        let reloaded = match self.store.data_versions().await {
            Ok(versions) => {
                let store = self.store.as_ref();
                crate::app::reload_scene(store, &self.index, &self.tiles, &versions, true)
                    .await
                    .map_err(|e| e.to_string())
            }
            Err(e) => Err(e.to_string()),
        };
        if let Err(error) = reloaded {
            tracing::warn!(%error, "reloading the grids after a change set failed");
        }
    }

    /// The rules, with the household rule set on the finest level there is.
    fn rules_for(&self, levels: &[crate::domain::Level]) -> Rules {
        let finest = levels.iter().map(|l| l.level).max();
        Rules {
            households: self
                .rules
                .households
                .and_then(|rule| finest.map(|level| HouseholdRule { level, ..rule })),
            ..self.rules
        }
    }
}
