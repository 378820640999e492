//! A dataset directory imported whole: every file is checked in memory first, against
//! the store and against the other files, then everything is stored in one transaction.
//! A first start therefore seeds the database completely or leaves it empty.

use super::checks::{
    Checked, GridRules, StoredGrids, check_cameras, check_fit, check_grids, check_workers,
};
use super::{
    FeatureProblem, GridProperties, ImportError, Progress, codes_by_level, parse_collection,
    parse_levels, stored_camera_codes,
};
use crate::domain::GridScope;
use crate::domain::{GridCode, LevelNo, NewGrid};
use crate::store::{Dataset, DatasetCounts, GridFilter, Store};
use std::collections::HashSet;
use std::path::Path;

const LEVELS: &str = "levels.json";
const CAMERAS: &str = "cameras.geojson";
const WORKERS: &str = "workers.geojson";
const QUIET: Progress<'static> = &|_, _| {};

/// Imports a dataset directory laid out like `geodata/taihua/`: `levels.json`,
/// `levelN-*.geojson` for each level N, and `cameras.geojson` and `workers.geojson` when
/// present. A file's grids may have their parents in the file of the level above, and
/// workers their grids anywhere in the dataset. Any bad feature in any file rejects the
/// whole dataset, with every problem listed by file and feature, and stores nothing.
pub async fn import_dataset(store: &dyn Store, dir: &Path) -> Result<DatasetCounts, ImportError> {
    let files = DatasetFiles::read(dir)?;
    let dataset = check(store, &files).await?;
    Ok(store.insert_dataset(&dataset).await?)
}

/// The text of a dataset's files.
struct DatasetFiles {
    levels: String,
    /// `(level, file name, text)`, top level first.
    grids: Vec<(LevelNo, String, String)>,
    cameras: Option<String>,
    workers: Option<String>,
}

impl DatasetFiles {
    fn read(dir: &Path) -> Result<Self, ImportError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path)
                .map_err(|e| ImportError::Format(format!("{}: {e}", path.display())))
        };
        let optional = |name: &str| dir.join(name).exists().then(|| read(name)).transpose();
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
        let mut grids = Vec::with_capacity(level_files.len());
        for (level, name) in level_files {
            let text = read(&name)?;
            grids.push((level, name, text));
        }
        Ok(Self {
            levels: read(LEVELS)?,
            grids,
            cameras: optional(CAMERAS)?,
            workers: optional(WORKERS)?,
        })
    }
}

/// Checks every file against the store and the files before it.
async fn check(store: &dyn Store, files: &DatasetFiles) -> Result<Dataset, ImportError> {
    let mut dataset = Dataset {
        levels: parse_levels(&files.levels).map_err(|e| in_file(LEVELS, e))?,
        ..Dataset::default()
    };
    let levels: HashSet<LevelNo> = store
        .levels()
        .await?
        .iter()
        .chain(&dataset.levels)
        .map(|l| l.level)
        .collect();
    let stored_grids = store.grids(&GridScope::All, GridFilter::default()).await?;
    let stored = StoredGrids::new(&stored_grids);
    let mut codes = codes_by_level(&stored_grids);
    let mut taken: HashSet<GridCode> = codes.values().flatten().cloned().collect();
    let mut problems = Vec::new();
    let no_grids = HashSet::new();
    for (level, name, text) in &files.grids {
        if !levels.contains(level) {
            let message = format!("level {level} does not exist");
            return Err(ImportError::Format(format!("{name}: {message}")));
        }
        let collection = parse_collection(text).map_err(|e| in_file(name, e))?;
        let rules = GridRules {
            level: *level,
            properties: &GridProperties::default(),
            parents: levels
                .contains(&(level - 1))
                .then(|| codes.get(&(level - 1)).unwrap_or(&no_grids)),
            taken: &taken,
        };
        let checked = check_grids(&collection.features, &rules, QUIET);
        let fitted = checked.grids.and_then(|grids| {
            let above: Vec<&NewGrid> = dataset
                .grids
                .iter()
                .filter(|g| g.level == level - 1)
                .collect();
            let misfits = check_fit(&grids, &above, &stored);
            if misfits.is_empty() {
                Ok(grids)
            } else {
                Err(misfits)
            }
        });
        gather(fitted, name, &mut dataset.grids, &mut problems);
        taken.extend(checked.codes.iter().cloned());
        codes.entry(*level).or_default().extend(checked.codes);
    }
    if let Some(text) = &files.cameras {
        let collection = parse_collection(text).map_err(|e| in_file(CAMERAS, e))?;
        let stored = stored_camera_codes(store).await?;
        let checked = check_cameras(&collection.features, &stored, QUIET);
        gather(checked, CAMERAS, &mut dataset.cameras, &mut problems);
    }
    if let Some(text) = &files.workers {
        let collection = parse_collection(text).map_err(|e| in_file(WORKERS, e))?;
        let checked = check_workers(&collection.features, &taken, QUIET);
        gather(checked, WORKERS, &mut dataset.workers, &mut problems);
    }
    if problems.is_empty() {
        Ok(dataset)
    } else {
        Err(ImportError::Features(problems))
    }
}

/// Adds a file's items to `items`, or its problems, named with the file, to `problems`.
fn gather<T>(
    checked: Checked<T>,
    file: &str,
    items: &mut Vec<T>,
    problems: &mut Vec<FeatureProblem>,
) {
    match checked {
        Ok(mut good) => items.append(&mut good),
        Err(bad) => problems.extend(bad.into_iter().map(|p| FeatureProblem {
            file: Some(file.to_owned()),
            ..p
        })),
    }
}

/// Prefixes a whole-file error with the file's name.
fn in_file(file: &str, error: ImportError) -> ImportError {
    match error {
        ImportError::Format(message) => ImportError::Format(format!("{file}: {message}")),
        other => other,
    }
}
