//! Import of GeoJSON into the store: every feature is checked first, then everything is
//! written in one transaction, so a file goes in whole or not at all.

use crate::domain::{
    Camera, CameraKind, CameraStatus, Grid, GridCode, Level, LevelNo, LonLat, NewCamera, NewGrid,
    NewWorker, Worker, WorkerRole, check_boundary,
};
use crate::store::{GridFilter, Store, StoreError};
use chrono::{DateTime, Utc};
use geo::{MultiPolygon, Point};
use geojson::{Feature, FeatureCollection, GeometryValue, JsonValue};
use serde::Serialize;
use std::collections::HashSet;
use std::path::Path;

/// One thing wrong with one feature.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureProblem {
    /// Position of the feature in the file, from 0.
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
    let levels: Vec<Level> =
        serde_json::from_str(text).map_err(|e| ImportError::Format(e.to_string()))?;
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
    let has_parent_level = levels.contains(&(level - 1));
    let parents: HashSet<GridCode> = if has_parent_level {
        let filter = GridFilter {
            level: Some(level - 1),
            bbox: None,
        };
        store
            .grids(filter)
            .await?
            .into_iter()
            .map(|g| g.code)
            .collect()
    } else {
        HashSet::new()
    };
    let existing: HashSet<GridCode> = store
        .grids(GridFilter::default())
        .await?
        .into_iter()
        .map(|g| g.code)
        .collect();
    let mut seen = HashSet::new();
    let grids = check_all(&collection.features, progress, |feature| {
        let grid = parse_grid(
            feature,
            level,
            properties,
            has_parent_level.then_some(&parents),
        )?;
        if existing.contains(&grid.code) || !seen.insert(grid.code.clone()) {
            return Err(plain(format!("grid code {} is already used", grid.code)));
        }
        Ok(grid)
    })?;
    Ok(store.insert_grids(&grids).await?)
}

/// Imports a FeatureCollection of Point features as cameras.
pub async fn import_cameras(
    store: &dyn Store,
    text: &str,
    progress: Progress<'_>,
) -> Result<Vec<Camera>, ImportError> {
    let collection = parse_collection(text)?;
    let existing: HashSet<String> = store
        .cameras(None)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let mut seen = HashSet::new();
    let cameras = check_all(&collection.features, progress, |feature| {
        let camera = parse_camera(feature)?;
        if existing.contains(&camera.code) || !seen.insert(camera.code.clone()) {
            return Err(plain(format!(
                "camera code {} is already used",
                camera.code
            )));
        }
        Ok(camera)
    })?;
    Ok(store.insert_cameras(&cameras).await?)
}

/// Imports a FeatureCollection of workers (geometry: last known position, or null).
pub async fn import_workers(
    store: &dyn Store,
    text: &str,
    progress: Progress<'_>,
) -> Result<Vec<Worker>, ImportError> {
    let collection = parse_collection(text)?;
    let known: HashSet<GridCode> = store
        .grids(GridFilter::default())
        .await?
        .into_iter()
        .map(|g| g.code)
        .collect();
    let workers = check_all(&collection.features, progress, |feature| {
        let worker = parse_worker(feature)?;
        if let Some(code) = worker.grid_codes.iter().find(|c| !known.contains(*c)) {
            return Err(plain(format!("grid {code} does not exist")));
        }
        Ok(worker)
    })?;
    Ok(store.insert_workers(&workers).await?)
}

/// What [`import_dataset`] stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DatasetCounts {
    /// Levels.
    pub levels: usize,
    /// Grids of every level.
    pub grids: usize,
    /// Cameras.
    pub cameras: usize,
    /// Workers.
    pub workers: usize,
}

/// Imports a dataset directory laid out like `geodata/taihua/`: `levels.json`, then
/// `levelN-*.geojson` for each level N from the top, then `cameras.geojson` and
/// `workers.geojson` when present.
pub async fn import_dataset(store: &dyn Store, dir: &Path) -> Result<DatasetCounts, ImportError> {
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .map_err(|e| ImportError::Format(format!("{}: {e}", dir.join(name).display())))
    };
    let quiet: Progress<'_> = &|_, _| {};
    let mut counts = DatasetCounts {
        levels: import_levels(store, &read("levels.json")?).await?.len(),
        ..DatasetCounts::default()
    };
    let mut level_files: Vec<(LevelNo, String)> = std::fs::read_dir(dir)
        .map_err(|e| ImportError::Format(format!("{}: {e}", dir.display())))?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let rest = name.strip_prefix("level")?;
            let level = rest.split('-').next()?.parse().ok()?;
            name.ends_with(".geojson").then_some((level, name))
        })
        .collect();
    level_files.sort();
    for (level, name) in level_files {
        let text = read(&name)?;
        counts.grids += import_grids(store, &text, level, &GridProperties::default(), quiet)
            .await?
            .len();
    }
    if dir.join("cameras.geojson").exists() {
        counts.cameras = import_cameras(store, &read("cameras.geojson")?, quiet)
            .await?
            .len();
    }
    if dir.join("workers.geojson").exists() {
        counts.workers = import_workers(store, &read("workers.geojson")?, quiet)
            .await?
            .len();
    }
    Ok(counts)
}

fn parse_collection(text: &str) -> Result<FeatureCollection, ImportError> {
    text.parse::<FeatureCollection>()
        .map_err(|e| ImportError::Format(e.to_string()))
}

/// A feature's fault before its index is known.
struct Fault {
    reason: String,
    location: Option<[f64; 2]>,
}

fn plain(reason: String) -> Fault {
    Fault {
        reason,
        location: None,
    }
}

/// Runs `parse` over every feature, collecting every fault rather than stopping at the first.
fn check_all<T>(
    features: &[Feature],
    progress: Progress<'_>,
    mut parse: impl FnMut(&Feature) -> Result<T, Fault>,
) -> Result<Vec<T>, ImportError> {
    let mut parsed = Vec::with_capacity(features.len());
    let mut problems = Vec::new();
    for (i, feature) in features.iter().enumerate() {
        match parse(feature) {
            Ok(item) => parsed.push(item),
            Err(fault) => problems.push(FeatureProblem {
                feature: i,
                reason: fault.reason,
                location: fault.location,
            }),
        }
        progress(i + 1, features.len());
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(ImportError::Features(problems))
    }
}

fn parse_grid(
    feature: &Feature,
    level: LevelNo,
    names: &GridProperties,
    parents: Option<&HashSet<GridCode>>,
) -> Result<NewGrid, Fault> {
    let code = GridCode::parse(&text(feature, &names.code)?).map_err(|e| plain(e.to_string()))?;
    let parent_code = match (optional_text(feature, &names.parent)?, parents) {
        (None, None) => None,
        (None, Some(_)) => return Err(plain(format!("property {:?} is missing", names.parent))),
        (Some(_), None) => return Err(plain(format!("level {level} is the top level: no parent"))),
        (Some(parent), Some(parents)) => {
            let parent = GridCode::parse(&parent).map_err(|e| plain(e.to_string()))?;
            code.check_child_of(&parent)
                .map_err(|e| plain(e.to_string()))?;
            if !parents.contains(&parent) {
                let above = level - 1;
                return Err(plain(format!(
                    "parent grid {parent} does not exist at level {above}"
                )));
            }
            Some(parent)
        }
    };
    let geometry = area(feature)?;
    check_boundary(&geometry).map_err(|p| Fault {
        reason: p.message,
        location: p.location,
    })?;
    Ok(NewGrid {
        name: text(feature, &names.name)?,
        households: count(feature, &names.households)?,
        residents: count(feature, &names.residents)?,
        code,
        level,
        parent_code,
        geometry,
    })
}

fn parse_camera(feature: &Feature) -> Result<NewCamera, Fault> {
    Ok(NewCamera {
        code: text(feature, "code")?,
        name: text(feature, "name")?,
        location: point(feature)?.ok_or_else(|| plain("the geometry must be a Point".into()))?,
        kind: word(feature, "kind")?.unwrap_or(CameraKind::Bullet),
        stream_url: optional_text(feature, "stream_url")?.unwrap_or_default(),
        status: word(feature, "status")?.unwrap_or(CameraStatus::Online),
    })
}

fn parse_worker(feature: &Feature) -> Result<NewWorker, Fault> {
    let grid_codes = match feature.property("grid_codes") {
        Some(JsonValue::Array(codes)) => codes
            .iter()
            .map(|c| {
                c.as_str()
                    .ok_or(())
                    .and_then(|c| GridCode::parse(c).map_err(|_| ()))
            })
            .collect::<Result<Vec<_>, ()>>()
            .map_err(|()| plain("grid_codes must be an array of grid codes".into()))?,
        None | Some(JsonValue::Null) => Vec::new(),
        Some(_) => return Err(plain("grid_codes must be an array of grid codes".into())),
    };
    let position_at = optional_text(feature, "position_at")?
        .map(|t| DateTime::parse_from_rfc3339(&t).map(|t| t.with_timezone(&Utc)))
        .transpose()
        .map_err(|e| plain(format!("position_at is not an RFC 3339 time: {e}")))?;
    Ok(NewWorker {
        name: text(feature, "name")?,
        role: word::<WorkerRole>(feature, "role")?
            .ok_or_else(|| plain("property \"role\" is missing".into()))?,
        department: optional_text(feature, "department")?,
        phone: optional_text(feature, "phone")?.unwrap_or_default(),
        grid_codes,
        on_duty: feature
            .property("on_duty")
            .and_then(JsonValue::as_bool)
            .unwrap_or(false),
        position: point(feature)?,
        position_at,
    })
}

fn area(feature: &Feature) -> Result<MultiPolygon<f64>, Fault> {
    let value = feature.geometry.as_ref().map(|g| &g.value);
    match value {
        Some(v @ GeometryValue::Polygon { .. }) => {
            geo::Polygon::try_from(v).map(MultiPolygon::from)
        }
        Some(v @ GeometryValue::MultiPolygon { .. }) => MultiPolygon::try_from(v),
        _ => {
            return Err(plain(
                "the geometry must be a Polygon or MultiPolygon".into(),
            ));
        }
    }
    .map_err(|e| plain(format!("unreadable geometry: {e}")))
}

fn point(feature: &Feature) -> Result<Option<LonLat>, Fault> {
    match feature.geometry.as_ref().map(|g| &g.value) {
        None => Ok(None),
        Some(v @ GeometryValue::Point { .. }) => {
            let p = Point::try_from(v).map_err(|e| plain(format!("unreadable point: {e}")))?;
            LonLat::try_from(p)
                .map(Some)
                .map_err(|e| plain(e.to_string()))
        }
        Some(_) => Err(plain("the geometry must be a Point".into())),
    }
}

fn optional_text(feature: &Feature, key: &str) -> Result<Option<String>, Fault> {
    match feature.property(key) {
        None | Some(JsonValue::Null) => Ok(None),
        Some(JsonValue::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_owned())),
        Some(JsonValue::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(plain(format!(
            "property {key:?} must be a non-empty string"
        ))),
    }
}

fn text(feature: &Feature, key: &str) -> Result<String, Fault> {
    optional_text(feature, key)?.ok_or_else(|| plain(format!("property {key:?} is missing")))
}

fn count(feature: &Feature, key: &str) -> Result<i64, Fault> {
    match feature.property(key) {
        None | Some(JsonValue::Null) => Ok(0),
        Some(v) => v
            .as_i64()
            .filter(|n| *n >= 0)
            .ok_or_else(|| plain(format!("property {key:?} must be a whole number >= 0"))),
    }
}

fn word<T: std::str::FromStr<Err = crate::domain::UnknownWord>>(
    feature: &Feature,
    key: &str,
) -> Result<Option<T>, Fault> {
    optional_text(feature, key)?
        .map(|w| {
            w.parse::<T>()
                .map_err(|e| plain(format!("property {key:?}: {e}")))
        })
        .transpose()
}
