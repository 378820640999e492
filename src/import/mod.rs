//! Import of GeoJSON (and cameras from CSV) into the store: every feature is checked first, then everything is
//! written in one transaction, so a file, or a whole dataset directory, goes in whole or
//! not at all.

mod camera_csv;
mod checks;
mod dataset;
mod features;

pub use crate::store::DatasetCounts;
pub use camera_csv::CAMERA_CSV_HEADER;
pub use dataset::import_dataset;
pub(crate) use features::polygonal;

use crate::domain::{Camera, Grid, GridCode, GridScope, Level, LevelNo, NewCamera, Worker};
use crate::store::{GridFilter, Store, StoreError};
use checks::{
    Checked, GridRules, StoredGrids, check_camera_rows, check_cameras, check_fit, check_grids,
    check_workers,
};
use geojson::FeatureCollection;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One thing wrong with one feature.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureProblem {
    /// The file the feature is in, when several files are imported together.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Position of the feature in the file, from 0; for a CSV file, of the data row (the
    /// header not counted).
    pub feature: usize,
    /// What is wrong.
    pub reason: String,
    /// Where, as `[lon, lat]`, when the fault has a place (a self-intersection).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<[f64; 2]>,
}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The text is not a GeoJSON FeatureCollection (or not the JSON expected).
    #[error("not a valid input file: {0}")]
    Format(String),
    /// Some features are bad; each is listed.
    #[error("{} feature(s) rejected, nothing imported", .0.len())]
    Features(Vec<FeatureProblem>),
    /// The store refused the write or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which feature properties hold a grid's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridProperties {
    /// Property holding the grid code.
    pub code: String,
    /// Property holding the name.
    pub name: String,
    /// Property holding the parent's code (absent or null at the top level).
    pub parent: String,
    /// Property holding households (absent means 0).
    pub households: String,
    /// Property holding residents (absent means 0).
    pub residents: String,
}

impl Default for GridProperties {
    fn default() -> Self {
        Self {
            code: "code".into(),
            name: "name".into(),
            parent: "parent_code".into(),
            households: "households".into(),
            residents: "residents".into(),
        }
    }
}

/// Reports progress as `(features checked, features in all)`.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Imports levels from a JSON array of `{"level", "name_zh", "name_en"}`.
pub async fn import_levels(store: &dyn Store, text: &str) -> Result<Vec<Level>, ImportError> {
    let levels = parse_levels(text)?;
    store.put_levels(&levels).await?;
    Ok(levels)
}

/// Imports a FeatureCollection of Polygon/MultiPolygon features as grids of one level.
/// Parents must already be stored, at the level above.
pub async fn import_grids(
    store: &dyn Store,
    text: &str,
    level: LevelNo,
    properties: &GridProperties,
    progress: Progress<'_>,
) -> Result<Vec<Grid>, ImportError> {
    let collection = parse_collection(text)?;
    let levels: HashSet<LevelNo> = store.levels().await?.iter().map(|l| l.level).collect();
    if !levels.contains(&level) {
        return Err(ImportError::Format(format!("level {level} does not exist")));
    }
    let stored_grids = store.grids(&GridScope::All, GridFilter::default()).await?;
    let stored = codes_by_level(&stored_grids);
    let taken = stored.values().flatten().cloned().collect();
    let no_grids = HashSet::new();
    let rules = GridRules {
        level,
        properties,
        parents: levels
            .contains(&(level - 1))
            .then(|| stored.get(&(level - 1)).unwrap_or(&no_grids)),
        taken: &taken,
    };
    let grids = check_grids(&collection.features, &rules, progress)
        .grids
        .map_err(ImportError::Features)?;
    let misfits = check_fit(&grids, &[], &StoredGrids::new(&stored_grids));
    if !misfits.is_empty() {
        return Err(ImportError::Features(misfits));
    }
    Ok(store.insert_grids(&grids).await?)
}

/// Imports a FeatureCollection of Point features as cameras: every one checked first (a
/// code used by a stored camera, retired or not, or twice in the file is a fault), then
/// all stored in one transaction.
pub async fn import_cameras(
    store: &dyn Store,
    text: &str,
    progress: Progress<'_>,
) -> Result<Vec<Camera>, ImportError> {
    let collection = parse_collection(text)?;
    insert_checked_cameras(store, |taken| {
        check_cameras(&collection.features, taken, progress)
    })
    .await
}

/// Imports cameras from CSV with the header [`CAMERA_CSV_HEADER`], one camera per row,
/// with the checks and the all-or-nothing report of [`import_cameras`].
pub async fn import_cameras_csv(
    store: &dyn Store,
    text: &str,
    progress: Progress<'_>,
) -> Result<Vec<Camera>, ImportError> {
    let rows = camera_csv::camera_rows(text)?;
    insert_checked_cameras(store, |taken| {
        check_camera_rows(&rows, taken, progress, Clone::clone)
    })
    .await
}

/// Imports a FeatureCollection of workers (geometry: last known position, or null).
pub async fn import_workers(
    store: &dyn Store,
    text: &str,
    progress: Progress<'_>,
) -> Result<Vec<Worker>, ImportError> {
    let collection = parse_collection(text)?;
    let known = codes_by_level(&store.grids(&GridScope::All, GridFilter::default()).await?)
        .into_values()
        .flatten()
        .collect();
    let workers =
        check_workers(&collection.features, &known, progress).map_err(ImportError::Features)?;
    Ok(store.insert_workers(&workers).await?)
}

fn parse_levels(text: &str) -> Result<Vec<Level>, ImportError> {
    serde_json::from_str(text).map_err(|e| ImportError::Format(e.to_string()))
}

fn parse_collection(text: &str) -> Result<FeatureCollection, ImportError> {
    text.parse::<FeatureCollection>()
        .map_err(|e| ImportError::Format(e.to_string()))
}

/// Codes of the grids, by level.
fn codes_by_level(grids: &[Grid]) -> HashMap<LevelNo, HashSet<GridCode>> {
    let mut codes: HashMap<LevelNo, HashSet<GridCode>> = HashMap::new();
    for grid in grids {
        codes
            .entry(grid.level)
            .or_default()
            .insert(grid.code.clone());
    }
    codes
}

/// Codes new cameras may not take: every stored camera's, retired ones' included.
async fn stored_camera_codes(store: &dyn Store) -> Result<HashSet<String>, StoreError> {
    Ok(store.camera_codes().await?.into_iter().collect())
}

/// Checks cameras with `check` against the [`stored_camera_codes`], then stores them all
/// or none: the one path behind both camera formats, so GeoJSON and CSV imports cannot
/// drift apart.
async fn insert_checked_cameras(
    store: &dyn Store,
    check: impl FnOnce(&HashSet<String>) -> Checked<NewCamera>,
) -> Result<Vec<Camera>, ImportError> {
    let taken = stored_camera_codes(store).await?;
    let cameras = check(&taken).map_err(ImportError::Features)?;
    Ok(store.insert_cameras(&cameras).await?)
}
