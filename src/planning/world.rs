//! The grids a change set touches, before and after: the stored grids near its edits, and
//! the same grids with the edits applied. Checks and the impact preview both read it.

use super::PlanningError;
use crate::domain::GridScope;
use crate::domain::{Bbox, Grid, GridCode, GridEdit, GridId, Level, PlannedGrid};
use crate::store::{GridFilter, Store, StoreError};
use geo::{BooleanOps, BoundingRect, ChamberlainDuquetteArea, Intersects, MultiPolygon, Rect};
use std::collections::{HashMap, HashSet};

/// Stored grids near a change set, and the change set's grids.
#[derive(Debug, Clone)]
pub struct World {
    /// Grids in service whose box meets the change's box, every level: what the checks
    /// compare against. Every grid a point of the change's box lies in is among them.
    pub before: Vec<Grid>,
    /// The change set's grids.
    pub planned: Vec<PlannedGrid>,
    /// The box the change set redraws (old and new boundaries together).
    pub bbox: Rect<f64>,
}

impl World {
    /// Reads the stored grids around `planned`, checking that every grid it edits is still
    /// in service at the version it was made from.
    pub async fn load(store: &dyn Store, planned: Vec<PlannedGrid>) -> Result<Self, PlanningError> {
        let mut boxes: Vec<Rect<f64>> = planned
            .iter()
            .filter_map(|g| g.geometry.as_ref()?.bounding_rect())
            .collect();
        for grid in &planned {
            if let Some(id) = grid.id {
                let stored = store.grid(&GridScope::All, id).await?;
                boxes.extend(stored.geometry.bounding_rect());
            }
        }
        let bbox = union_box(&boxes).ok_or(PlanningError::Empty)?;
        let area = Bbox::from_rect(bbox).map_err(|e| PlanningError::Edit(e.to_string()))?;
        let before = store
            .grids(
                &GridScope::All,
                GridFilter {
                    level: None,
                    bbox: Some(area),
                },
            )
            .await?;
        let world = Self {
            before,
            planned,
            bbox,
        };
        world.check_versions()?;
        Ok(world)
    }

    fn check_versions(&self) -> Result<(), PlanningError> {
        for grid in &self.planned {
            let Some(id) = grid.id else { continue };
            let Some(stored) = self.before.iter().find(|g| g.id == id) else {
                return Err(StoreError::Stale(format!(
                    "grid {} has been retired; reload the map and redraw",
                    grid.code
                ))
                .into());
            };
            if stored.version != grid.base_version {
                return Err(StoreError::Stale(format!(
                    "grid {} is at version {}, but the edit was made from version {}; reload \
                     it and redraw",
                    grid.code, stored.version, grid.base_version
                ))
                .into());
            }
        }
        Ok(())
    }

    /// A stored grid by id, if it is near the change.
    #[must_use]
    pub fn stored(&self, id: GridId) -> Option<&Grid> {
        self.before.iter().find(|g| g.id == id)
    }

    /// The grids in service after the change set, near it: new grids get negative ids,
    /// `-1` for the first planned grid, so they can be indexed before they are stored.
    #[must_use]
    pub fn after(&self) -> Vec<Grid> {
        let edited: HashSet<GridId> = self.planned.iter().filter_map(|g| g.id).collect();
        let mut after: Vec<Grid> = self
            .before
            .iter()
            .filter(|g| !edited.contains(&g.id))
            .cloned()
            .collect();
        for (i, planned) in self.planned.iter().enumerate() {
            if let Some(geometry) = &planned.geometry {
                after.push(Grid {
                    id: planned.id.unwrap_or(-(i as GridId) - 1),
                    code: planned.code.clone(),
                    name: planned.name.clone(),
                    level: planned.level,
                    parent_id: planned.parent_id,
                    geometry: geometry.clone(),
                    households: planned.households,
                    residents: planned.residents,
                    version: planned.base_version + 1,
                });
            }
        }
        after
    }

    /// Where the change set redraws: for each planned grid, the area its boundary gains or
    /// loses (all of it for a new or retired grid).
    #[must_use]
    pub fn changed_area(&self, grid: &PlannedGrid) -> MultiPolygon<f64> {
        let old = grid.id.and_then(|id| self.stored(id)).map(|g| &g.geometry);
        match (old, &grid.geometry) {
            (Some(old), Some(new)) => old.xor(new),
            (Some(old), None) => old.clone(),
            (None, Some(new)) => new.clone(),
            (None, None) => MultiPolygon::new(vec![]),
        }
    }
}

/// The smallest box holding all of `boxes`.
fn union_box(boxes: &[Rect<f64>]) -> Option<Rect<f64>> {
    boxes.iter().copied().reduce(|a, b| {
        Rect::new(
            (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
            (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
        )
    })
}

/// Turns a planner's edits into planned grids against what is stored: existing grids keep
/// their code, new grids get the next free codes under their parents, and households and
/// residents not given are carried over in proportion to area from the grids of the same
/// level that held the ground before.
pub async fn resolve(
    store: &dyn Store,
    edits: &[GridEdit],
    levels: &[Level],
) -> Result<Vec<PlannedGrid>, PlanningError> {
    let mut planned = Vec::with_capacity(edits.len());
    let mut seen = HashSet::new();
    let mut next_code: HashMap<GridId, u16> = HashMap::new();
    for (i, edit) in edits.iter().enumerate() {
        let grid = if let Some(id) = edit.id {
            if !seen.insert(id) {
                return Err(PlanningError::Edit(format!(
                    "grids[{i}]: grid {id} is edited twice; give it once"
                )));
            }
            existing(store, edit, id, i).await?
        } else {
            new_grid(store, edit, levels, &mut next_code, i).await?
        };
        planned.push(grid);
    }
    Ok(planned)
}

/// An edit of stored grid `id`, the `i`th of the change set.
async fn existing(
    store: &dyn Store,
    edit: &GridEdit,
    id: GridId,
    i: usize,
) -> Result<PlannedGrid, PlanningError> {
    let stored = known(store.grid(&GridScope::All, id).await, id)?;
    let base_version = edit.version.ok_or_else(|| {
        PlanningError::Edit(format!(
            "grids[{i}]: \"version\" is required for grid {id} (from GET /api/grids)"
        ))
    })?;
    Ok(PlannedGrid {
        id: Some(id),
        base_version,
        code: stored.code,
        name: edit.name.clone().unwrap_or(stored.name),
        level: stored.level,
        parent_id: stored.parent_id,
        geometry: edit.geometry.clone(),
        households: edit.households.unwrap_or(stored.households),
        residents: edit.residents.unwrap_or(stored.residents),
    })
}

/// A new grid, the `i`th edit of the change set, with the next free code under its parent.
async fn new_grid(
    store: &dyn Store,
    edit: &GridEdit,
    levels: &[Level],
    next_code: &mut HashMap<GridId, u16>,
    i: usize,
) -> Result<PlannedGrid, PlanningError> {
    let parent_id = edit.parent_id.ok_or_else(|| {
        PlanningError::Edit(format!(
            "grids[{i}]: a new grid (no \"id\") needs a \"parent_id\""
        ))
    })?;
    let Some(geometry) = edit.geometry.clone() else {
        return Err(PlanningError::Edit(format!(
            "grids[{i}]: a new grid needs a geometry"
        )));
    };
    let parent = known(store.grid(&GridScope::All, parent_id).await, parent_id)?;
    if !in_service(store, &parent).await? {
        return Err(PlanningError::Edit(format!(
            "grids[{i}]: grid {} is retired; a new grid needs a parent in service",
            parent.code
        )));
    }
    let code = free_code(store, &parent, next_code).await?;
    let level = parent.level + 1;
    let level_name = levels
        .iter()
        .find(|l| l.level == level)
        .map_or("网格", |l| l.name_zh.as_str());
    let sequence = code.as_str()[parent.code.as_str().len()..].trim_start_matches('0');
    let name = edit
        .name
        .clone()
        .unwrap_or_else(|| format!("{}第{sequence}{level_name}", parent.name));
    Ok(PlannedGrid {
        id: None,
        base_version: 0,
        code,
        name,
        level,
        parent_id: Some(parent_id),
        geometry: Some(geometry),
        // Estimated from the ground it takes over (`estimate_people`) unless given.
        households: edit.households.unwrap_or(0),
        residents: edit.residents.unwrap_or(0),
    })
}

/// Gives the new grids of a proposed change set fresh codes where another change set took
/// theirs meanwhile (two planners splitting grids under one parent), so it still applies.
pub async fn renumber(store: &dyn Store, grids: &mut [PlannedGrid]) -> Result<(), PlanningError> {
    let mut next_code: HashMap<GridId, u16> = HashMap::new();
    for grid in grids.iter_mut().filter(|g| g.id.is_none()) {
        let (Some(parent_id), Ok(_)) = (
            grid.parent_id,
            store.grid_by_code(&GridScope::All, &grid.code).await,
        ) else {
            continue;
        };
        let parent = store.grid(&GridScope::All, parent_id).await?;
        let code = free_code(store, &parent, &mut next_code).await?;
        let old = grid.code.as_str()[parent.code.as_str().len()..].trim_start_matches('0');
        let new = code.as_str()[parent.code.as_str().len()..].trim_start_matches('0');
        // A name made from the sequence follows it; one the planner gave stays.
        if let Some(rest) = grid.name.strip_prefix(parent.name.as_str()) {
            let rest = rest.replacen(&format!("第{old}"), &format!("第{new}"), 1);
            grid.name = format!("{}{rest}", parent.name);
        }
        grid.code = code;
    }
    Ok(())
}

/// Fills in the households and residents the edits left to be estimated (a new grid's,
/// and a reshaped grid's unless given) from the grids of the same
/// level whose ground each planned grid takes over. Returns the households that change
/// grid at the finest level the change set touches.
pub fn estimate_people(world: &mut World, given: &[GridEdit]) -> i64 {
    let finest = world.planned.iter().map(|g| g.level).max().unwrap_or(0);
    let mut moved = 0.0;
    for (grid, edit) in world.planned.iter_mut().zip(given) {
        let Some(geometry) = &grid.geometry else {
            continue;
        };
        let (mut households, mut residents, mut from_others) = (0.0, 0.0, 0.0);
        for donor in world.before.iter().filter(|d| d.level == grid.level) {
            if !bbox_meets(&donor.geometry, geometry) {
                continue;
            }
            let area = donor.geometry.chamberlain_duquette_unsigned_area();
            if area <= 0.0 {
                continue;
            }
            let share = donor
                .geometry
                .intersection(geometry)
                .chamberlain_duquette_unsigned_area()
                / area;
            households += share * donor.households as f64;
            residents += share * donor.residents as f64;
            if Some(donor.id) != grid.id {
                from_others += share * donor.households as f64;
            }
        }
        if edit.households.is_none() && geometry_changed(grid, edit) {
            grid.households = households.round() as i64;
        }
        if edit.residents.is_none() && geometry_changed(grid, edit) {
            grid.residents = residents.round() as i64;
        }
        if grid.level == finest {
            moved += from_others;
        }
    }
    moved.round() as i64
}

fn geometry_changed(grid: &PlannedGrid, edit: &GridEdit) -> bool {
    grid.id.is_none() || edit.geometry.is_some()
}

/// Whether the boxes of two boundaries meet.
pub fn bbox_meets(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> bool {
    match (a.bounding_rect(), b.bounding_rect()) {
        (Some(ra), Some(rb)) => ra.intersects(&rb),
        _ => false,
    }
}

/// Whether a grid read by id is in service: retired grids are still read by id, but
/// listed nowhere.
async fn in_service(store: &dyn Store, grid: &Grid) -> Result<bool, StoreError> {
    let bbox = grid
        .geometry
        .bounding_rect()
        .and_then(|r| Bbox::from_rect(r).ok());
    let listed = store
        .grids(
            &GridScope::All,
            GridFilter {
                level: Some(grid.level),
                bbox,
            },
        )
        .await?;
    Ok(listed.iter().any(|g| g.id == grid.id))
}

/// A stored grid, or the edit's error naming it.
fn known(found: Result<Grid, StoreError>, id: GridId) -> Result<Grid, PlanningError> {
    match found {
        Err(StoreError::NotFound(_)) => {
            Err(PlanningError::Edit(format!("grid {id} does not exist")))
        }
        other => Ok(other?),
    }
}

/// The next code under `parent` that no grid has ever had: codes are never reused, so
/// an incident filed in a retired grid still names only that grid.
async fn free_code(
    store: &dyn Store,
    parent: &Grid,
    next: &mut HashMap<GridId, u16>,
) -> Result<GridCode, PlanningError> {
    let start = if let Some(&n) = next.get(&parent.id) {
        n
    } else {
        let children = store
            .grids(
                &GridScope::All,
                GridFilter {
                    level: Some(parent.level + 1),
                    bbox: parent
                        .geometry
                        .bounding_rect()
                        .and_then(|r| Bbox::from_rect(r).ok()),
                },
            )
            .await?;
        let highest = children
            .iter()
            .filter(|c| c.parent_id == Some(parent.id))
            .filter_map(|c| {
                c.code.as_str()[parent.code.as_str().len()..]
                    .parse::<u16>()
                    .ok()
            })
            .max()
            .unwrap_or(0);
        highest + 1
    };
    for sequence in start..=999 {
        let Some(code) = parent.code.child(sequence) else {
            break;
        };
        match store.grid_by_code(&GridScope::All, &code).await {
            Err(StoreError::NotFound(_)) => {
                next.insert(parent.id, sequence + 1);
                return Ok(code);
            }
            Ok(_) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(PlanningError::Edit(format!(
        "grid {} has no free child code left (999 at most)",
        parent.code
    )))
}
