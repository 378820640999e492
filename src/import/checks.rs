//! Whole-file checks: every feature of a file parsed and checked against what it may refer
//! to (codes in use, parents), every fault collected rather than stopping at the first.
//! Both the single-file imports and the dataset import run these, so each rule is
//! written once.

use super::features::{Fault, grid_code, parse_camera, parse_grid, parse_worker, plain};
use super::{FeatureProblem, GridProperties, Progress};
use crate::domain::{GridCode, LevelNo, NewCamera, NewGrid, NewWorker};
use geojson::Feature;
use std::collections::HashSet;

/// Every item of a file, or every problem with it.
pub(super) type Checked<T> = Result<Vec<T>, Vec<FeatureProblem>>;

/// What the grids of one file are checked against.
pub(super) struct GridRules<'a> {
    /// The level of every grid in the file.
    pub level: LevelNo,
    /// Which properties hold which field.
    pub properties: &'a GridProperties,
    /// Codes a parent may have (the level above); `None` when `level` is the top.
    pub parents: Option<&'a HashSet<GridCode>>,
    /// Codes already in use, by stored grids or by earlier files.
    pub taken: &'a HashSet<GridCode>,
}

/// The grids of one file, checked.
pub(super) struct CheckedGrids {
    /// The grids, or every problem with them.
    pub grids: Checked<NewGrid>,
    /// Every code the file declares, of good and bad features alike: children in the next
    /// file are checked against these, so a bad grid is reported once, not with each child.
    pub codes: HashSet<GridCode>,
}

/// Checks every feature of a file as a grid of `rules.level`.
pub(super) fn check_grids(
    features: &[Feature],
    rules: &GridRules<'_>,
    progress: Progress<'_>,
) -> CheckedGrids {
    let mut codes = HashSet::new();
    let grids = check_all(features, progress, |feature| {
        let code = grid_code(feature, rules.properties)?;
        if rules.taken.contains(&code) || !codes.insert(code.clone()) {
            return Err(plain(format!("grid code {code} is already used")));
        }
        parse_grid(feature, code, rules.level, rules.properties, rules.parents)
    });
    CheckedGrids { grids, codes }
}

/// Checks every feature of a file as a camera whose code is not in `taken`.
pub(super) fn check_cameras(
    features: &[Feature],
    taken: &HashSet<String>,
    progress: Progress<'_>,
) -> Checked<NewCamera> {
    let mut seen = HashSet::new();
    check_all(features, progress, |feature| {
        let camera = parse_camera(feature)?;
        if taken.contains(&camera.code) || !seen.insert(camera.code.clone()) {
            return Err(plain(format!(
                "camera code {} is already used",
                camera.code
            )));
        }
        Ok(camera)
    })
}

/// Checks every feature of a file as a worker assigned only to grids in `grids`.
pub(super) fn check_workers(
    features: &[Feature],
    grids: &HashSet<GridCode>,
    progress: Progress<'_>,
) -> Checked<NewWorker> {
    check_all(features, progress, |feature| {
        let worker = parse_worker(feature)?;
        if let Some(code) = worker.grid_codes.iter().find(|c| !grids.contains(*c)) {
            return Err(plain(format!("grid {code} does not exist")));
        }
        Ok(worker)
    })
}

/// Runs `parse` over every feature, collecting every fault rather than stopping at the first.
fn check_all<T>(
    features: &[Feature],
    progress: Progress<'_>,
    mut parse: impl FnMut(&Feature) -> Result<T, Fault>,
) -> Checked<T> {
    let mut parsed = Vec::with_capacity(features.len());
    let mut problems = Vec::new();
    for (i, feature) in features.iter().enumerate() {
        match parse(feature) {
            Ok(item) => parsed.push(item),
            Err(fault) => problems.push(FeatureProblem {
                file: None,
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
        Err(problems)
    }
}
