//! Whole-file checks: every feature of a file parsed and checked against what it may refer
//! to (codes in use, parents), every fault collected rather than stopping at the first.
//! Both the single-file imports and the dataset import run these, so each rule is
//! written once.

use super::features::{Fault, grid_code, parse_camera, parse_grid, parse_worker, plain};
use super::{FeatureProblem, GridProperties, Progress};
use crate::domain::{Grid, GridCode, GridId, LevelNo, NewCamera, NewGrid, NewWorker};
use crate::spatial::topology::{Coverage, Member, check_family};
use geojson::Feature;
use std::collections::{BTreeMap, HashMap, HashSet};

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
    check_camera_rows(features, taken, progress, parse_camera)
}

/// Checks every row of a file (a feature, a CSV record) as a camera that `parse` reads and
/// whose code is neither in `taken` nor on an earlier row.
pub(super) fn check_camera_rows<R>(
    rows: &[R],
    taken: &HashSet<String>,
    progress: Progress<'_>,
    parse: impl Fn(&R) -> Result<NewCamera, Fault>,
) -> Checked<NewCamera> {
    let mut seen = HashSet::new();
    check_all(rows, progress, |row| {
        let camera = parse(row)?;
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

/// Runs `parse` over every feature (or row), collecting every fault rather than stopping
/// at the first.
fn check_all<R, T>(
    features: &[R],
    progress: Progress<'_>,
    mut parse: impl FnMut(&R) -> Result<T, Fault>,
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

/// Overlaps or overhangs below this many square metres are rounding noise.
const FIT_TOLERANCE_M2: f64 = 1.0;

/// Grids already stored, as the fit check needs them: by level, with their parent's code.
pub(super) struct StoredGrids<'a> {
    grids: &'a [Grid],
    codes: HashMap<GridId, &'a GridCode>,
}

impl<'a> StoredGrids<'a> {
    /// Indexes the stored grids.
    pub fn new(grids: &'a [Grid]) -> Self {
        let codes = grids.iter().map(|g| (g.id, &g.code)).collect();
        Self { grids, codes }
    }

    /// Stored grids of one level, each with its parent's code.
    fn at(&self, level: LevelNo) -> impl Iterator<Item = (Option<&'a GridCode>, Member<'a>)> {
        self.grids
            .iter()
            .filter(move |g| g.level == level)
            .map(|g| {
                (
                    g.parent_id.and_then(|p| self.codes.get(&p).copied()),
                    g.into(),
                )
            })
    }
}

/// Checks that new grids fit the grids around them: each lies within its parent (stored,
/// or among `new_parents`) and overlaps none of its siblings, stored or new. Gaps are not
/// faults here: a parent's children may arrive in several files.
pub(super) fn check_fit(
    grids: &[NewGrid],
    new_parents: &[&NewGrid],
    stored: &StoredGrids<'_>,
) -> Vec<FeatureProblem> {
    let Some(level) = grids.first().map(|g| g.level) else {
        return Vec::new();
    };
    let feature_of: HashMap<&GridCode, usize> = grids
        .iter()
        .enumerate()
        .map(|(i, g)| (&g.code, i))
        .collect();
    let parents: HashMap<&GridCode, Member<'_>> = stored
        .at(level - 1)
        .map(|(_, m)| m)
        .chain(new_parents.iter().map(|g| new_member(g)))
        .map(|m| (m.code, m))
        .collect();
    let mut families: BTreeMap<Option<&GridCode>, Vec<Member<'_>>> = BTreeMap::new();
    let new = grids
        .iter()
        .map(|g| (g.parent_code.as_ref(), new_member(g)));
    for (parent, member) in stored.at(level).chain(new) {
        families.entry(parent).or_default().push(member);
    }
    let mut problems = Vec::new();
    for (parent, children) in &families {
        if !children.iter().any(|c| feature_of.contains_key(c.code)) {
            continue;
        }
        let parent = parent.and_then(|code| parents.get(code)).copied();
        for finding in check_family(parent, children, Coverage::Partial, FIT_TOLERANCE_M2) {
            // A finding names the new grid to blame; one between stored grids is not ours.
            if let Some(&feature) = finding.codes.iter().find_map(|c| feature_of.get(c)) {
                problems.push(FeatureProblem {
                    file: None,
                    feature,
                    reason: finding.to_string(),
                    location: finding.location,
                });
            }
        }
    }
    problems.sort_by_key(|p| p.feature);
    problems
}

fn new_member(grid: &NewGrid) -> Member<'_> {
    Member {
        code: &grid.code,
        geometry: &grid.geometry,
    }
}
