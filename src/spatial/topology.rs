//! The topology report: do the grids of each parent cover it exactly once?
//! (不遗漏、不交叉、无缝隙: no gaps, no overlaps, nothing outside the parent, all valid.)

use crate::domain::{Grid, GridCode, GridId, check_boundary};
use geo::{
    BooleanOps, BoundingRect, ChamberlainDuquetteArea, InteriorPoint, Intersects, MultiPolygon,
};
use std::collections::HashMap;
use std::fmt;

/// What kind of fault a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// The geometry is not OGC-valid.
    Invalid,
    /// Two siblings share area.
    Overlap,
    /// Part of a parent is covered by none of its children.
    Gap,
    /// Part of a child lies outside its parent.
    OutsideParent,
}

/// One fault in the stored grids.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What kind of fault.
    pub kind: FindingKind,
    /// The grids involved, by code.
    pub codes: Vec<GridCode>,
    /// Area of the fault in square metres (0 for invalid geometry).
    pub area_m2: f64,
    /// A point inside the fault, `[lon, lat]`, when there is one.
    pub location: Option<[f64; 2]>,
    /// Details, for invalid geometry.
    pub detail: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let codes: Vec<&str> = self.codes.iter().map(GridCode::as_str).collect();
        let what = match self.kind {
            FindingKind::Invalid => "invalid geometry",
            FindingKind::Overlap => "overlap",
            FindingKind::Gap => "gap",
            FindingKind::OutsideParent => "outside parent",
        };
        write!(f, "{what}: {}", codes.join(" / "))?;
        if self.area_m2 > 0.0 {
            write!(f, ", {:.1} m²", self.area_m2)?;
        }
        if let Some([lon, lat]) = self.location {
            write!(f, ", at {lon:.7},{lat:.7}")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// A grid as the checks see it: its code and its boundary.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    /// The grid's code, to name it in findings.
    pub code: &'a GridCode,
    /// The grid's boundary.
    pub geometry: &'a MultiPolygon<f64>,
}

impl<'a> From<&'a Grid> for Member<'a> {
    fn from(grid: &'a Grid) -> Self {
        Self {
            code: &grid.code,
            geometry: &grid.geometry,
        }
    }
}

/// Whether the children must cover their parent whole, or may still be being added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// Report any part of the parent no child covers.
    Whole,
    /// Do not report gaps (an import adding some of a parent's children).
    Partial,
}

/// Checks every grid and every family of siblings; areas at or below `tolerance_m2` are
/// floating-point noise and not reported.
#[must_use]
pub fn check(grids: &[Grid], tolerance_m2: f64) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut families: HashMap<Option<GridId>, Vec<Member<'_>>> = HashMap::new();
    for grid in grids {
        if let Err(problem) = check_boundary(&grid.geometry) {
            findings.push(Finding {
                kind: FindingKind::Invalid,
                codes: vec![grid.code.clone()],
                area_m2: 0.0,
                location: problem.location,
                detail: problem.message,
            });
        }
        families
            .entry(grid.parent_id)
            .or_default()
            .push(grid.into());
    }
    let by_id: HashMap<GridId, &Grid> = grids.iter().map(|g| (g.id, g)).collect();
    let mut family_keys: Vec<_> = families.keys().copied().collect();
    family_keys.sort_unstable();
    for key in family_keys {
        let parent = key.and_then(|id| by_id.get(&id)).map(|g| Member::from(*g));
        findings.extend(check_family(
            parent,
            &families[&key],
            Coverage::Whole,
            tolerance_m2,
        ));
    }
    findings
}

/// Checks one family: siblings do not overlap, each lies within the parent and, with
/// [`Coverage::Whole`], together they cover it.
#[must_use]
pub fn check_family(
    parent: Option<Member<'_>>,
    children: &[Member<'_>],
    coverage: Coverage,
    tolerance_m2: f64,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut report = |kind, codes: Vec<GridCode>, area: MultiPolygon<f64>| {
        let area_m2 = area.chamberlain_duquette_unsigned_area();
        if area_m2 > tolerance_m2 {
            let location = area.interior_point().map(|p| [p.x(), p.y()]);
            findings.push(Finding {
                kind,
                codes,
                area_m2,
                location,
                detail: String::new(),
            });
        }
    };
    for (i, a) in children.iter().enumerate() {
        for b in &children[i + 1..] {
            if bbox_meets(a.geometry, b.geometry) {
                let shared = a.geometry.intersection(b.geometry);
                report(
                    FindingKind::Overlap,
                    vec![a.code.clone(), b.code.clone()],
                    shared,
                );
            }
        }
    }
    let Some(parent) = parent else {
        return findings;
    };
    if coverage == Coverage::Whole {
        let union = children
            .iter()
            .fold(MultiPolygon::new(vec![]), |acc, c| acc.union(c.geometry));
        report(
            FindingKind::Gap,
            vec![parent.code.clone()],
            parent.geometry.difference(&union),
        );
    }
    for child in children {
        let outside = child.geometry.difference(parent.geometry);
        report(
            FindingKind::OutsideParent,
            vec![child.code.clone(), parent.code.clone()],
            outside,
        );
    }
    findings
}

fn bbox_meets(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> bool {
    match (a.bounding_rect(), b.bounding_rect()) {
        (Some(ra), Some(rb)) => ra.intersects(&rb),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn grid(id: GridId, code: &str, parent: Option<GridId>, x0: f64, x1: f64) -> Grid {
        Grid {
            id,
            code: GridCode::parse(code).unwrap(),
            name: code.into(),
            level: if parent.is_some() { 2 } else { 1 },
            parent_id: parent,
            geometry: MultiPolygon::new(vec![polygon![
                (x: x0, y: 31.0), (x: x1, y: 31.0), (x: x1, y: 31.01), (x: x0, y: 31.01),
            ]]),
            households: 0,
            residents: 0,
            version: 1,
        }
    }

    #[test]
    fn children_that_tile_their_parent_give_no_findings() {
        let grids = [
            grid(1, "320282102", None, 119.0, 119.02),
            grid(2, "320282102001", Some(1), 119.0, 119.01),
            grid(3, "320282102002", Some(1), 119.01, 119.02),
        ];
        assert_eq!(check(&grids, 1.0), vec![]);
    }

    #[test]
    fn overlaps_gaps_and_overhangs_are_each_reported() {
        let grids = [
            grid(1, "320282102", None, 119.0, 119.03),
            grid(2, "320282102001", Some(1), 119.0, 119.012),
            grid(3, "320282102002", Some(1), 119.01, 119.02),
            grid(4, "320282102003", Some(1), 119.025, 119.035),
        ];
        let kinds: Vec<FindingKind> = check(&grids, 1.0).iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![
                FindingKind::Overlap,
                FindingKind::Gap,
                FindingKind::OutsideParent
            ],
            "overlap of 001/002, gap 119.02-119.025, 003 hangs out east"
        );
    }
}
