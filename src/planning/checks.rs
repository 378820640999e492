//! The checks a change set passes before anything is stored: every boundary OGC-valid,
//! every grid inside its parent, siblings neither overlapping nor leaving gaps
//! (不遗漏、不交叉、无缝隙), slivers named as such, and the level rules as warnings.
//!
//! Only what the change set redraws is examined: a family's gaps can only open where one
//! of its boundaries moved, so the checks cost the size of the edit, not of the town. And
//! only what it adds is reported: a gap, overlap or overhang the stored grids already had
//! is left to `gridlink check`.

use super::world::{World, bbox_meets};
use crate::domain::{
    Grid, GridCode, GridId, LevelNo, PlannedGrid, Problem, ProblemKind, Severity, check_boundary,
};
use geo::{
    BooleanOps, BoundingRect, ChamberlainDuquetteArea, Geometry, InteriorPoint, MultiPolygon,
    Point, Polygon,
};
use std::collections::{BTreeSet, HashSet};

/// What the checks hold a change set to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// Areas at or below this (m²) are floating-point noise, never reported.
    pub noise_m2: f64,
    /// Gaps, overlaps and grid parts at or below this (m²) are reported as slivers.
    pub sliver_m2: f64,
    /// How many households a grid of the finest level should hold.
    pub households: Option<HouseholdRule>,
}

/// The households a grid of one level should hold; outside the range is a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HouseholdRule {
    /// The level the rule is for.
    pub level: LevelNo,
    /// Fewest households.
    pub min: i64,
    /// Most households.
    pub max: i64,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            noise_m2: 0.01,
            sliver_m2: 20.0,
            households: None,
        }
    }
}

/// Every problem of the change set in `world`, errors and warnings, in a stable order.
#[must_use]
pub fn check(world: &World, rules: &Rules) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut invalid: HashSet<GridCode> = HashSet::new();
    for grid in &world.planned {
        let Some(geometry) = &grid.geometry else {
            continue;
        };
        if let Err(fault) = check_boundary(geometry) {
            invalid.insert(grid.code.clone());
            problems.push(Problem {
                kind: ProblemKind::Invalid,
                severity: Severity::Error,
                message: format!("grid {}: {}", grid.code, fault.message),
                area_m2: 0.0,
                grids: vec![grid.code.clone()],
                geometry: Some(fault.location.map_or_else(
                    || Geometry::MultiPolygon(geometry.clone()),
                    |[x, y]| Geometry::Point(Point::new(x, y)),
                )),
            });
        } else {
            small_parts(grid, geometry, rules, &mut problems);
        }
    }
    retired_parents(world, &mut problems);
    let after = world.after();
    for family in families(world) {
        check_family(world, &after, family, &invalid, rules, &mut problems);
    }
    if let Some(rule) = rules.households {
        households(world, rule, &mut problems);
    }
    problems
}

/// Parts of a grid so small they are surely a slip of the mouse.
fn small_parts(
    grid: &PlannedGrid,
    geometry: &MultiPolygon<f64>,
    rules: &Rules,
    out: &mut Vec<Problem>,
) {
    for part in geometry.iter() {
        let area = part.chamberlain_duquette_unsigned_area();
        if area <= rules.sliver_m2 {
            out.push(Problem {
                kind: ProblemKind::Sliver,
                severity: Severity::Error,
                message: format!(
                    "grid {} has a part of only {area:.1} m²; remove it or join it to the grid",
                    grid.code
                ),
                area_m2: area,
                grids: vec![grid.code.clone()],
                geometry: Some(Geometry::Polygon(part.clone())),
            });
        }
    }
}

/// A retired grid must not leave grids under it in service.
fn retired_parents(world: &World, out: &mut Vec<Problem>) {
    let planned: HashSet<GridId> = world.planned.iter().filter_map(|g| g.id).collect();
    for grid in world.planned.iter().filter(|g| g.retires()) {
        let Some(id) = grid.id else { continue };
        let orphans: Vec<&Grid> = world
            .before
            .iter()
            .filter(|c| c.parent_id == Some(id) && !planned.contains(&c.id))
            .collect();
        if !orphans.is_empty() {
            out.push(Problem {
                kind: ProblemKind::Reference,
                severity: Severity::Error,
                message: format!(
                    "grid {} is retired but {} grid(s) under it stay in service; retire or \
                     redraw them in the same change set",
                    grid.code,
                    orphans.len()
                ),
                area_m2: 0.0,
                grids: std::iter::once(grid.code.clone())
                    .chain(orphans.iter().map(|c| c.code.clone()))
                    .collect(),
                geometry: world
                    .stored(id)
                    .map(|g| Geometry::MultiPolygon(g.geometry.clone())),
            });
        }
    }
}

/// The families (by parent; `None` for the top level) whose parent or a child the change
/// set redraws.
fn families(world: &World) -> BTreeSet<Option<GridId>> {
    let mut families = BTreeSet::new();
    for grid in &world.planned {
        families.insert(grid.parent_id);
        if let Some(id) = grid.id {
            families.insert(Some(id));
        }
    }
    families
}

/// One family the change set redraws: its parent and children after the change, and what
/// of the family lay near the change before it.
struct Family<'a> {
    parent: Option<&'a Grid>,
    /// The parent as stored, or as planned when it is new.
    parent_before: Option<&'a MultiPolygon<f64>>,
    /// Children after the change whose box meets the change's.
    children: Vec<&'a Grid>,
    /// Children as stored whose box meets the change's.
    siblings_before: Vec<&'a Grid>,
    /// Where the family's boundaries moved: a fault can appear only there.
    moved: MultiPolygon<f64>,
    edited: HashSet<&'a GridCode>,
}

fn check_family(
    world: &World,
    after: &[Grid],
    parent_id: Option<GridId>,
    invalid: &HashSet<GridCode>,
    rules: &Rules,
    out: &mut Vec<Problem>,
) {
    let parent = parent_id.and_then(|id| after.iter().find(|g| g.id == id));
    let children: Vec<&Grid> = after.iter().filter(|g| g.parent_id == parent_id).collect();
    let members_invalid = children.iter().any(|c| invalid.contains(&c.code))
        || parent.is_some_and(|p| invalid.contains(&p.code));
    if members_invalid {
        // Overlay on an invalid ring gives nonsense areas; its own problem says enough.
        return;
    }
    let moved = world
        .planned
        .iter()
        .filter(|g| g.parent_id == parent_id || (parent_id.is_some() && g.id == parent_id))
        .fold(MultiPolygon::new(vec![]), |acc, g| {
            acc.union(&world.changed_area(g))
        });
    let Some(moved_box) = moved.bounding_rect() else {
        return;
    };
    let near = MultiPolygon::new(vec![Polygon::from(moved_box)]);
    let nearby = |g: &&Grid| g.parent_id == parent_id && bbox_meets(&g.geometry, &near);
    let family = Family {
        parent,
        parent_before: parent.map(|p| world.stored(p.id).map_or(&p.geometry, |g| &g.geometry)),
        children: children.into_iter().filter(nearby).collect(),
        siblings_before: world.before.iter().filter(nearby).collect(),
        moved,
        edited: world.planned.iter().map(|g| &g.code).collect(),
    };
    let mut report = |kind, codes, area: MultiPolygon<f64>| report(rules, out, kind, codes, area);
    family.overlaps(&mut report);
    let subdivided = world.before.iter().any(|g| g.parent_id == parent_id);
    if family.children.is_empty() && !subdivided {
        // A grid with nothing under it is not subdivided: there is no cover to check.
        return;
    }
    family.overhangs(&mut report);
    family.gaps(&mut report);
}

/// Where a fault is reported: its kind, the grids, its area.
type Report<'r> = dyn FnMut(ProblemKind, Vec<GridCode>, MultiPolygon<f64>) + 'r;

// Only what the change set adds is its fault: a sliver the stored grids already had (from
// rounding, say) is `gridlink check`'s business, not a reason to refuse the change set.
impl Family<'_> {
    fn touched(&self, grid: &Grid) -> bool {
        self.edited.contains(&grid.code)
    }

    fn overlaps(&self, report: &mut Report<'_>) {
        let before = pairwise(&self.siblings_before);
        for (i, a) in self.children.iter().enumerate() {
            for b in &self.children[i + 1..] {
                if (self.touched(a) || self.touched(b)) && bbox_meets(&a.geometry, &b.geometry) {
                    let shared = a.geometry.intersection(&b.geometry).difference(&before);
                    report(
                        ProblemKind::Overlap,
                        vec![a.code.clone(), b.code.clone()],
                        shared,
                    );
                }
            }
        }
    }

    fn overhangs(&self, report: &mut Report<'_>) {
        let (Some(parent), Some(parent_before)) = (self.parent, self.parent_before) else {
            return;
        };
        let before = self
            .siblings_before
            .iter()
            .fold(MultiPolygon::new(vec![]), |acc, c| {
                acc.union(&c.geometry.difference(parent_before))
            });
        for child in &self.children {
            if self.touched(parent) || self.touched(child) {
                let outside = child
                    .geometry
                    .difference(&parent.geometry)
                    .difference(&before);
                report(
                    ProblemKind::OutsideParent,
                    vec![child.code.clone(), parent.code.clone()],
                    outside,
                );
            }
        }
    }

    fn gaps(&self, report: &mut Report<'_>) {
        let (Some(parent), Some(parent_before)) = (self.parent, self.parent_before) else {
            return;
        };
        let cover = |grids: &[&Grid]| {
            grids
                .iter()
                .fold(MultiPolygon::new(vec![]), |acc, g| acc.union(&g.geometry))
        };
        let gap = self
            .moved
            .intersection(&parent.geometry)
            .difference(&cover(&self.children));
        let before = self
            .moved
            .intersection(parent_before)
            .difference(&cover(&self.siblings_before));
        report(
            ProblemKind::Gap,
            vec![parent.code.clone()],
            gap.difference(&before),
        );
    }
}

/// Reports a fault of `area` unless it is noise; one at most the sliver area is a sliver.
fn report(
    rules: &Rules,
    out: &mut Vec<Problem>,
    kind: ProblemKind,
    codes: Vec<GridCode>,
    area: MultiPolygon<f64>,
) {
    let area = MultiPolygon::new(
        area.into_iter()
            .filter(|part| !is_noise(part, rules.noise_m2))
            .collect(),
    );
    let area_m2 = area.chamberlain_duquette_unsigned_area();
    if area.0.is_empty() {
        return;
    }
    let sliver = area_m2 <= rules.sliver_m2;
    let size = if sliver {
        format!("{area_m2:.2} m²")
    } else {
        format!("{area_m2:.1} m²")
    };
    let what = match kind {
        ProblemKind::Overlap => format!("{size} covered by both grids"),
        ProblemKind::OutsideParent => format!("{size} outside the parent grid"),
        _ => format!("{size} of the parent that no grid covers"),
    };
    let (kind, message) = if sliver {
        let message = format!("sliver: {what}; a vertex probably missed its neighbour's");
        (ProblemKind::Sliver, message)
    } else {
        (kind, what)
    };
    let codes_text: Vec<&str> = codes.iter().map(GridCode::as_str).collect();
    out.push(Problem {
        kind,
        severity: Severity::Error,
        message: format!("{message} ({})", codes_text.join(", ")),
        area_m2,
        grids: codes,
        geometry: Some(Geometry::MultiPolygon(area)),
    });
}

/// Parts thinner than this on average (metres) are what overlay arithmetic leaves along a
/// shared edge, not a gap anyone drew: a vertex that missed its neighbour's by a
/// centimetre leaves a sliver five times as wide.
const NOISE_WIDTH_M: f64 = 0.001;

/// Whether a part of a fault is floating-point noise: tiny, or a hair-thin strip along an
/// edge (its mean width, twice its area over its perimeter, under [`NOISE_WIDTH_M`]).
fn is_noise(part: &Polygon<f64>, noise_m2: f64) -> bool {
    let area = part.chamberlain_duquette_unsigned_area();
    if area <= noise_m2 {
        return true;
    }
    let perimeter: f64 = std::iter::once(part.exterior())
        .chain(part.interiors())
        .flat_map(geo::LineString::lines)
        .map(|line| {
            // Metres on a local plane: ample for a strip's width.
            let lat = (line.start.y + line.end.y).to_radians() / 2.0;
            let dx = (line.end.x - line.start.x) * 111_320.0 * lat.cos();
            let dy = (line.end.y - line.start.y) * 110_540.0;
            dx.hypot(dy)
        })
        .sum();
    perimeter > 0.0 && 2.0 * area / perimeter < NOISE_WIDTH_M
}

/// Where any two of `grids` overlap.
fn pairwise(grids: &[&Grid]) -> MultiPolygon<f64> {
    let mut shared = MultiPolygon::new(vec![]);
    for (i, a) in grids.iter().enumerate() {
        for b in &grids[i + 1..] {
            if bbox_meets(&a.geometry, &b.geometry) {
                shared = shared.union(&a.geometry.intersection(&b.geometry));
            }
        }
    }
    shared
}

/// The households rule of its level, as warnings.
fn households(world: &World, rule: HouseholdRule, out: &mut Vec<Problem>) {
    for grid in &world.planned {
        let Some(geometry) = &grid.geometry else {
            continue;
        };
        if grid.level != rule.level || (rule.min..=rule.max).contains(&grid.households) {
            continue;
        }
        out.push(Problem {
            kind: ProblemKind::LevelRule,
            severity: Severity::Warning,
            message: format!(
                "grid {} would hold about {} households; grids of this level should hold {} to {}",
                grid.code, grid.households, rule.min, rule.max
            ),
            area_m2: 0.0,
            grids: vec![grid.code.clone()],
            geometry: geometry
                .interior_point()
                .map(Geometry::Point)
                .or_else(|| Some(Geometry::MultiPolygon(geometry.clone()))),
        });
    }
}
