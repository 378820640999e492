//! Grid planning (网格调整): a planner's edits become a change set that is checked and
//! previewed, then applied in one transaction or discarded.
//!
//! The index, the cameras' chains (computed from it at every read) and the map tiles
//! change only after the apply commits, and only from what was committed.

mod checks;
mod cut;
mod impact;
mod level;
mod world;

#[cfg(test)]
mod tests;

pub use checks::{HouseholdRule, Rules};
pub use cut::{CutError, merge, split};

use crate::domain::{
    ChangeSet, ChangeSetId, ChangeSetStatus, EventDetails, GridEdit, GridId, GridScope,
    IncidentAction, NewIncidentEvent, Problem,
};
use crate::mirrors::Mirrors;
use crate::store::{Applied, ApplyPlan, NewChangeSet, PlannedReroute, Store, StoreError};
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
    /// Features of a redrawn level were refused; each is listed, and nothing was stored.
    #[error("{} feature(s) rejected", .0.len())]
    Features(Vec<crate::import::FeatureProblem>),
    /// The change set still has problems that stop it; each is listed.
    #[error("the change set has {} problem(s) to fix before it can be applied", count_errors(.0))]
    Problems(Vec<Problem>),
    /// A split or merge could not be made.
    #[error(transparent)]
    Cut(#[from] CutError),
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
    mirrors: Mirrors,
    rules: Rules,
}

impl Planner {
    /// A planner over `store`, keeping `mirrors` in step with what it applies.
    #[must_use]
    pub fn new(store: Arc<dyn Store>, mirrors: Mirrors, rules: Rules) -> Self {
        Self {
            store,
            mirrors,
            rules,
        }
    }

    /// Checks `edits`, works out their impact and stores them as a proposed change set.
    /// An edit made from a version that moved on is [`StoreError::Stale`]; one of a grid
    /// outside `scope` is [`StoreError::NotFound`], as if the grid did not exist.
    pub async fn propose(
        &self,
        scope: &GridScope,
        reason: &str,
        author: &str,
        edits: &[GridEdit],
    ) -> Result<ChangeSet, PlanningError> {
        if edits.is_empty() {
            return Err(PlanningError::Empty);
        }
        self.check_scope(scope, edits.iter().filter_map(|e| e.id.or(e.parent_id)))?;
        let store = self.store.as_ref();
        let levels = store.levels().await?;
        let planned = world::resolve(store, edits, &levels).await?;
        let mut world = World::load(store, planned).await?;
        let households = world::estimate_people(&mut world, edits);
        let rules = self.rules_for(&levels);
        let problems = checks::check(&world, &rules);
        let assessment =
            impact::assess(store, &world, &self.mirrors.index.roster(), households).await?;
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

    /// Applies the proposed change set `id`, if every grid it touches is within `scope`:
    /// checks it again against what is committed now, stores it in one transaction, then
    /// reloads the index and the tiles. Answers the change set as applied and the
    /// incidents it re-routed, as now stored.
    pub async fn apply(
        &self,
        scope: &GridScope,
        id: ChangeSetId,
    ) -> Result<Applied, PlanningError> {
        let store = self.store.as_ref();
        let changeset = self.changeset(scope, id).await?;
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
        let roster = self.mirrors.index.roster();
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
        self.mirrors.catch_up_on_grids(store).await;
        Ok(applied)
    }

    /// Discards a proposed change set of grids within `scope`.
    pub async fn discard(
        &self,
        scope: &GridScope,
        id: ChangeSetId,
    ) -> Result<ChangeSet, PlanningError> {
        self.changeset(scope, id).await?;
        Ok(self.store.discard_changeset(id, Utc::now()).await?)
    }

    /// A change set, if every grid it touches is within `scope`.
    pub async fn changeset(
        &self,
        scope: &GridScope,
        id: ChangeSetId,
    ) -> Result<ChangeSet, PlanningError> {
        let changeset = self.store.changeset(id).await?;
        self.check_scope(
            scope,
            changeset.grids.iter().filter_map(|g| g.id.or(g.parent_id)),
        )?;
        Ok(changeset)
    }

    /// Every version of a grid within `scope`, oldest first.
    pub async fn history(
        &self,
        scope: &GridScope,
        id: GridId,
    ) -> Result<Vec<crate::domain::GridRevision>, PlanningError> {
        Ok(self.store.grid_history(scope, id).await?)
    }

    /// Refuses grids outside `scope`, as if they did not exist. Grids the index does not
    /// hold (retired ones) are judged by the change's other grids.
    fn check_scope(
        &self,
        scope: &GridScope,
        grids: impl IntoIterator<Item = GridId>,
    ) -> Result<(), PlanningError> {
        let index = self.mirrors.index.grids();
        let outside = grids
            .into_iter()
            .find(|&id| index.get(id).is_some_and(|g| !scope.includes(&g.code)));
        match outside {
            Some(id) => Err(StoreError::NotFound(format!("grid {id}")).into()),
            None => Ok(()),
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
