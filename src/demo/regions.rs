//! The grid hierarchy of the demo town: the town, its villages, comprehensive grids and
//! micro-grids, each a clean set of lattice cells with its outline, code and name.
//!
//! # Sequence numbers
//! Children are numbered in the reading order of their interior points within their
//! parent. The parent's bounding box (of its outline's vertices) is cut into
//! `b = ⌈√n⌉` horizontal bands of equal height, `n` being the number of children; a child
//! whose interior point has latitude `lat` is in band
//! `min(b − 1, ⌊(north − lat) / (north − south) · b⌋)`. Children are ordered by band
//! (northernmost band first), then by the interior point's longitude (west first), then
//! by its latitude (north first). The interior point of a region is the centre (mean of
//! the four corners) of its cell nearest, in planar kilometres, to the mean of all its
//! cell centres, the lowest cell id on ties. Villages take the real codes `…200` to
//! `…207` in that same order.

use super::lattice::{CellId, Lattice, NodeId, to_km};
use super::partition::{boundary_rings, partition};
use super::rng::SplitMix64;
use crate::domain::{GridCode, LevelNo, NewGrid};
use geo::{LineString, MultiPolygon, Polygon};

/// Seed of the whole demo town.
pub(crate) const SEED: u64 = 0x5441_4948_5541; // "TAIHUA"
/// Taihua town's division code.
const TOWN_CODE: &str = "320282102";
/// The town's name.
const TOWN_NAME: &str = "太华镇";
/// The real villages, in code order `…200` to `…207`.
pub(crate) const VILLAGES: [&str; 8] = [
    "云湖村",
    "乾元村",
    "茂花村",
    "太华村",
    "胥锦村",
    "石门村",
    "太平村",
    "桥涯村",
];
/// Sequence number of the first village.
const FIRST_VILLAGE_SEQ: u16 = 200;
/// Comprehensive grids in the town.
const GRIDS: usize = 25;
/// Micro-grids in the town.
const MICRO_GRIDS: usize = 91;

/// One grid of any level, as the store would take it, plus how it was drawn.
#[derive(Debug, Clone)]
pub(crate) struct Region {
    /// Code, name, level, parent, geometry and household counts.
    pub(crate) grid: NewGrid,
    /// The lattice cells it covers, sorted.
    pub(crate) cells: Vec<CellId>,
    /// Its outline as lattice nodes, closed, counter-clockwise.
    pub(crate) ring: Vec<NodeId>,
}

/// The lattice and the four levels, each sorted by code (`levels[0]` is the town).
#[derive(Debug, Clone)]
pub(crate) struct Hierarchy {
    /// The lattice all outlines are drawn on.
    pub(crate) lattice: Lattice,
    /// Town, villages, comprehensive grids, micro-grids.
    pub(crate) levels: [Vec<Region>; 4],
}

/// Draws the whole hierarchy.
pub(crate) fn build() -> Hierarchy {
    let lattice = Lattice::new(SEED);
    let root = GridCode::parse(TOWN_CODE).expect("the town code is nine digits");
    let town = make_region(
        &lattice,
        root,
        TOWN_NAME.to_owned(),
        None,
        lattice.town_cells(),
    );
    let villages = split(&lattice, &town, 8, 1, |seq| {
        (
            FIRST_VILLAGE_SEQ + seq - 1,
            VILLAGES[usize::from(seq - 1)].to_owned(),
        )
    });
    let grids = split_each(&lattice, &villages, GRIDS, 1000, "网格");
    let micros = split_each(&lattice, &grids, MICRO_GRIDS, 2000, "微网格");
    let mut levels = [vec![town], villages, grids, micros];
    count_households(&mut levels);
    Hierarchy { lattice, levels }
}

/// Splits every parent into its share of `total` children (see [`apportion`]): parent `i`
/// draws from random stream `first_stream + i`, and its child `seq` is named
/// `{parent}第{seq}{kind}`.
fn split_each(
    lattice: &Lattice,
    parents: &[Region],
    total: usize,
    first_stream: u64,
    kind: &str,
) -> Vec<Region> {
    let counts = apportion(total, parents);
    let mut children = Vec::new();
    for (i, (parent, k)) in parents.iter().zip(counts).enumerate() {
        let name = &parent.grid.name;
        children.extend(split(lattice, parent, k, first_stream + i as u64, |seq| {
            (seq, format!("{name}第{seq}{kind}"))
        }));
    }
    children
}

/// Splits a parent into `k` children, numbers them in reading order and names them;
/// `label` maps the 1-based reading position to a sequence number and a name.
fn split(
    lattice: &Lattice,
    parent: &Region,
    k: usize,
    stream: u64,
    label: impl Fn(u16) -> (u16, String),
) -> Vec<Region> {
    let parts = partition(lattice, &parent.cells, k, stream);
    let mut drafts: Vec<((f64, f64), Vec<CellId>)> = parts
        .into_iter()
        .map(|cells| (interior_point(lattice, &cells), cells))
        .collect();
    let bbox = bbox(lattice, &parent.ring);
    drafts.sort_by(|a, b| {
        reading_key(bbox, k, a.0)
            .partial_cmp(&reading_key(bbox, k, b.0))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let parent_code = parent.grid.code.clone();
    drafts
        .into_iter()
        .zip(1u16..)
        .map(|((_, cells), pos)| {
            let (seq, name) = label(pos);
            let code = parent_code
                .child(seq)
                .expect("sequence numbers stay within 1..=999");
            make_region(lattice, code, name, Some(parent_code.clone()), cells)
        })
        .collect()
}

/// The sort key of the documented reading order: `(band, lon, -lat)`.
pub(crate) fn reading_key(bbox: [f64; 4], n: usize, (lon, lat): (f64, f64)) -> (f64, f64, f64) {
    let [_, south, _, north] = bbox;
    let bands = (1..=n.max(1)).find(|b| b * b >= n).unwrap_or(1);
    let band = (((north - lat) / (north - south) * bands as f64).floor()).min(bands as f64 - 1.0);
    (band, lon, -lat)
}

/// `[west, south, east, north]` of a ring's nodes.
pub(crate) fn bbox(lattice: &Lattice, ring: &[NodeId]) -> [f64; 4] {
    ring.iter()
        .map(|&n| lattice.node(n))
        .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, (x, y)| {
            [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
        })
}

/// The documented interior point: the centre of the cell nearest the mean cell centre.
pub(crate) fn interior_point(lattice: &Lattice, cells: &[CellId]) -> (f64, f64) {
    let n = cells.len().max(1) as f64;
    let mean = cells
        .iter()
        .map(|&c| to_km(lattice.centre(c)))
        .fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
    let mut best: Option<(f64, CellId)> = None;
    for &c in cells {
        let p = to_km(lattice.centre(c));
        let d = (p.0 - mean.0).powi(2) + (p.1 - mean.1).powi(2);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map_or((0.0, 0.0), |(_, c)| lattice.centre(c))
}

/// A region with its outline traced; household counts are filled in later.
fn make_region(
    lattice: &Lattice,
    code: GridCode,
    name: String,
    parent_code: Option<GridCode>,
    cells: Vec<CellId>,
) -> Region {
    let ring = boundary_rings(&cells)
        .and_then(|rings| rings.into_iter().next())
        .unwrap_or_default();
    let coords: Vec<(f64, f64)> = ring.iter().map(|&n| lattice.node(n)).collect();
    let geometry = MultiPolygon(vec![Polygon::new(LineString::from(coords), vec![])]);
    let level = parent_code.as_ref().map_or(1, |p| p.depth() as LevelNo + 2);
    let grid = NewGrid {
        code,
        name,
        level,
        parent_code,
        geometry,
        households: 0,
        residents: 0,
    };
    Region { grid, cells, ring }
}

/// Shares `total` children among parents in proportion to their cell counts (largest
/// remainder method, lowest index first on ties), at least one each.
fn apportion(total: usize, parents: &[Region]) -> Vec<usize> {
    let sizes: Vec<usize> = parents.iter().map(|p| p.cells.len()).collect();
    let sum = sizes.iter().sum::<usize>().max(1);
    let mut counts: Vec<usize> = sizes.iter().map(|s| (total * s / sum).max(1)).collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(total * sizes[i] % sum), i));
    for &i in order
        .iter()
        .cycle()
        .take(total.saturating_sub(counts.iter().sum()))
    {
        counts[i] += 1;
    }
    counts
}

/// Draws 50 to 100 households per micro-grid and 2.6 to 3.2 residents per household,
/// then sums them up the hierarchy.
fn count_households(levels: &mut [Vec<Region>; 4]) {
    let mut rng = SplitMix64::new(SEED, 3);
    for m in &mut levels[3] {
        let households = rng.int(50, 100);
        m.grid.households = households as i64;
        m.grid.residents = (households as f64 * rng.range(2.6, 3.2)).round() as i64;
    }
    for level in (0..3).rev() {
        let (upper, lower) = levels.split_at_mut(level + 1);
        for parent in &mut upper[level] {
            let children = lower[0]
                .iter()
                .filter(|c| c.grid.parent_code.as_ref() == Some(&parent.grid.code));
            let (h, r) = children.fold((0, 0), |(h, r), c| {
                (h + c.grid.households, r + c.grid.residents)
            });
            parent.grid.households = h;
            parent.grid.residents = r;
        }
    }
}
