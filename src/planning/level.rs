//! A whole level out to desktop GIS and back: [`Planner::export_level`] gives its grids with
//! their parents' codes, and [`Planner::import_level`] turns the redrawn file into one
//! change set, checked and previewed like any other.
//!
//! A feature is matched to a stored grid by its `id` property, else by `code`; matched
//! features whose boundary, name and counts are unchanged are left out of the change set,
//! stored grids of the level the file no longer holds are retired, and features matching
//! nothing are new grids under `parent_code` (or the grid of the level above their
//! interior point). A feature's `version` is the one it was exported at; without one the
//! current version is assumed.

use super::{Planner, PlanningError};
use crate::domain::{Bbox, ChangeSet, Grid, GridCode, GridEdit, GridId, GridScope, LevelNo};
use crate::import::FeatureProblem;
use crate::store::{GridFilter, StoreError};
use chrono::{DateTime, Utc};
use geo::{BoundingRect, InteriorPoint};
use geojson::{Feature, JsonObject};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

impl Planner {
    /// The grids within `scope` as they were at `at`, retired ones included, of one level
    /// or of all, those whose bounding box meets `bbox` when one is given.
    pub async fn grids_as_of(
        &self,
        scope: &GridScope,
        level: Option<LevelNo>,
        at: DateTime<Utc>,
        bbox: Option<Bbox>,
    ) -> Result<Vec<Grid>, PlanningError> {
        let mut grids = self.store.grids_as_of(scope, level, at).await?;
        if let Some(bbox) = bbox {
            grids.retain(|g| {
                g.geometry
                    .bounding_rect()
                    .is_some_and(|r| Bbox::from_rect(r).is_ok_and(|b| b.intersects(bbox)))
            });
        }
        Ok(grids)
    }

    /// The grids of a level in service that `scope` reaches, each with its parent's code.
    pub async fn export_level(
        &self,
        scope: &GridScope,
        level: LevelNo,
    ) -> Result<Vec<(Grid, Option<GridCode>)>, PlanningError> {
        let grids = self.store.grids(scope, of_level(level)).await?;
        // A parent may lie above the scope (a village's own grid has its town); only its
        // code is read.
        let parents: HashMap<GridId, GridCode> = self
            .store
            .grids(&GridScope::All, of_level(level - 1))
            .await?
            .into_iter()
            .map(|g| (g.id, g.code))
            .collect();
        Ok(grids
            .into_iter()
            .map(|g| {
                let parent = g.parent_id.and_then(|p| parents.get(&p)).cloned();
                (g, parent)
            })
            .collect())
    }

    /// Proposes the change set a redrawn level makes to the stored grids of that level
    /// (see the module's documentation). Every feature's fault is reported at once, as
    /// [`PlanningError::Features`], and none stores anything.
    pub async fn import_level(
        &self,
        scope: &GridScope,
        level: LevelNo,
        reason: &str,
        author: &str,
        features: &[Feature],
    ) -> Result<ChangeSet, PlanningError> {
        // The whole level is what the redrawing is compared with; `propose` refuses the
        // edits of grids outside `scope`.
        let stored = self.store.grids(&GridScope::All, of_level(level)).await?;
        if stored.is_empty() {
            return Err(StoreError::NotFound(format!("level {level} with grids")).into());
        }
        let edits = self.edits_of(features, &stored, level).await?;
        self.propose(scope, reason, author, &edits).await
    }

    /// The edits a redrawn level makes to its `stored` grids.
    async fn edits_of(
        &self,
        features: &[Feature],
        stored: &[Grid],
        level: LevelNo,
    ) -> Result<Vec<GridEdit>, PlanningError> {
        let by_id: HashMap<GridId, &Grid> = stored.iter().map(|g| (g.id, g)).collect();
        let by_code: HashMap<&str, &Grid> = stored.iter().map(|g| (g.code.as_str(), g)).collect();
        let mut kept: HashSet<GridId> = HashSet::new();
        let mut edits = Vec::new();
        let mut problems = Vec::new();
        for (i, feature) in features.iter().enumerate() {
            let fault = |reason: String| FeatureProblem {
                file: None,
                feature: i,
                reason,
                location: None,
            };
            let properties = feature.properties.clone().unwrap_or_default();
            let geometry =
                match crate::import::polygonal(feature.geometry.as_ref().map(|g| &g.value)) {
                    Ok(geometry) => geometry,
                    Err(reason) => {
                        problems.push(fault(reason));
                        continue;
                    }
                };
            let matched = integer(&properties, "id")
                .and_then(|id| by_id.get(&id))
                .or_else(|| text(&properties, "code").and_then(|c| by_code.get(c.as_str())));
            if let Some(grid) = matched {
                if !kept.insert(grid.id) {
                    problems.push(fault(format!(
                        "grid {} appears twice in the file",
                        grid.code
                    )));
                } else if let Some(edit) = redrawn(grid, &properties, geometry) {
                    edits.push(edit);
                }
                continue;
            }
            match self.parent_of(&properties, &geometry, level).await {
                Ok(parent_id) => edits.push(GridEdit {
                    id: None,
                    version: None,
                    geometry: Some(geometry),
                    parent_id: Some(parent_id),
                    name: text(&properties, "name"),
                    households: integer(&properties, "households"),
                    residents: integer(&properties, "residents"),
                }),
                Err(reason) => problems.push(fault(reason)),
            }
        }
        if !problems.is_empty() {
            return Err(PlanningError::Features(problems));
        }
        let retired = stored.iter().filter(|g| !kept.contains(&g.id));
        edits.extend(retired.map(|g| GridEdit {
            id: Some(g.id),
            version: Some(g.version),
            geometry: None,
            parent_id: None,
            name: None,
            households: None,
            residents: None,
        }));
        Ok(edits)
    }

    /// The parent of a new grid of `level`: its `parent_code`, or the grid of the level
    /// above that holds its interior point.
    async fn parent_of(
        &self,
        properties: &JsonObject,
        geometry: &geo::MultiPolygon<f64>,
        level: LevelNo,
    ) -> Result<GridId, String> {
        if let Some(code) = text(properties, "parent_code") {
            let code = GridCode::parse(&code).map_err(|e| e.to_string())?;
            let parent = self
                .store
                .grid_by_code(&GridScope::All, &code)
                .await
                .map_err(|_| format!("parent grid {code} does not exist"))?;
            if parent.level != level - 1 {
                return Err(format!("grid {code} is not of the level above {level}"));
            }
            return Ok(parent.id);
        }
        let point = geometry
            .interior_point()
            .ok_or_else(|| "the geometry is empty".to_owned())?;
        self.mirrors
            .index
            .grids()
            .locate_at_level(point.0, level - 1)
            .map(|g| g.id)
            .ok_or_else(|| {
                "a new grid needs a \"parent_code\", or to lie inside a grid of the level above"
                    .to_owned()
            })
    }
}

/// The edit a feature matched to the stored `grid` makes, or `None` when its boundary,
/// name and counts are as stored.
fn redrawn(
    grid: &Grid,
    properties: &JsonObject,
    geometry: geo::MultiPolygon<f64>,
) -> Option<GridEdit> {
    let changed = |new: Option<i64>, old: i64| new.filter(|&n| n != old);
    let edit = GridEdit {
        id: Some(grid.id),
        version: Some(integer(properties, "version").unwrap_or(grid.version)),
        geometry: (geometry != grid.geometry).then_some(geometry),
        parent_id: None,
        name: text(properties, "name").filter(|n| *n != grid.name),
        households: changed(integer(properties, "households"), grid.households),
        residents: changed(integer(properties, "residents"), grid.residents),
    };
    let untouched = edit.geometry.is_none()
        && edit.name.is_none()
        && edit.households.is_none()
        && edit.residents.is_none();
    (!untouched).then(|| GridEdit {
        // Only counts or the name changed: the boundary stays as stored.
        geometry: edit
            .geometry
            .clone()
            .or_else(|| Some(grid.geometry.clone())),
        ..edit
    })
}

/// The grids of one level.
fn of_level(level: LevelNo) -> GridFilter {
    GridFilter {
        level: Some(level),
        bbox: None,
    }
}

fn text(properties: &JsonObject, key: &str) -> Option<String> {
    properties
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn integer(properties: &JsonObject, key: &str) -> Option<i64> {
    properties.get(key).and_then(Value::as_i64)
}
