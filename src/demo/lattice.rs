//! The jittered quadrilateral lattice every demo boundary is drawn on, and the town's
//! outline as a set of its cells.
//!
//! Nodes sit on a regular longitude/latitude grid, each moved by at most
//! [`JITTER`] of a cell along each axis and then rounded once to 1e-7 degrees. With that
//! jitter every cell stays a strictly convex quadrilateral, so any edge-connected,
//! pinch-free, hole-free set of cells has a simple polygon as its outline, and two regions
//! that share a lattice edge share its two vertices bit for bit.

use super::rng::{SplitMix64, mix};

/// Cells along the longitude axis.
pub(crate) const COLS: usize = 52;
/// Cells along the latitude axis.
pub(crate) const ROWS: usize = 52;
/// West edge of the unjittered lattice, degrees.
const WEST: f64 = 119.60;
/// South edge of the unjittered lattice, degrees.
const SOUTH: f64 = 31.08;
/// Cell width, degrees of longitude (about 293 m at this latitude).
const DLON: f64 = 0.16 / COLS as f64;
/// Cell height, degrees of latitude (about 299 m).
const DLAT: f64 = 0.14 / ROWS as f64;
/// Largest node displacement along each axis, as a fraction of a cell. A corner moves at
/// most `JITTER·√2` and so does the diagonal facing it; both together stay below the
/// corner-to-diagonal distance `1/√2` while `JITTER < 0.25`, so every cell stays strictly
/// convex. 0.2 keeps a margin.
const JITTER: f64 = 0.2;
/// Kilometres per degree of longitude at the town's latitude (31.15°).
pub(crate) const KM_PER_DEG_LON: f64 = 95.27;
/// Kilometres per degree of latitude.
pub(crate) const KM_PER_DEG_LAT: f64 = 110.95;
/// The centre of the town's outline.
const CENTRE: (f64, f64) = (119.68, 31.15);

/// A lattice node id: `row * (COLS + 1) + col`, rows counted from the south.
pub(crate) type NodeId = usize;
/// A cell id: `row * COLS + col`.
pub(crate) type CellId = usize;

/// The lattice: node coordinates, already rounded.
#[derive(Debug, Clone)]
pub(crate) struct Lattice {
    nodes: Vec<(f64, f64)>,
}

impl Lattice {
    /// Builds the lattice for `seed`; each node's jitter depends only on its position.
    pub(crate) fn new(seed: u64) -> Self {
        let mut nodes = Vec::with_capacity((COLS + 1) * (ROWS + 1));
        for row in 0..=ROWS {
            for col in 0..=COLS {
                let mut rng = SplitMix64::new(seed, mix(((row as u64) << 32) | col as u64));
                let jx = rng.range(-JITTER, JITTER);
                let jy = rng.range(-JITTER, JITTER);
                let lon = WEST + (col as f64 + jx) * DLON;
                let lat = SOUTH + (row as f64 + jy) * DLAT;
                nodes.push((round7(lon), round7(lat)));
            }
        }
        Self { nodes }
    }

    /// The coordinates `(lon, lat)` of a node.
    pub(crate) fn node(&self, id: NodeId) -> (f64, f64) {
        self.nodes[id]
    }

    /// Number of cells.
    pub(crate) const CELLS: usize = COLS * ROWS;

    /// The four corner nodes of a cell, counter-clockwise from the south-west.
    pub(crate) fn corners(cell: CellId) -> [NodeId; 4] {
        let (row, col) = (cell / COLS, cell % COLS);
        let sw = row * (COLS + 1) + col;
        let nw = sw + COLS + 1;
        [sw, sw + 1, nw + 1, nw]
    }

    /// The edge-adjacent cells that exist (west, east, south, north order).
    pub(crate) fn neighbours(cell: CellId) -> impl Iterator<Item = CellId> {
        let (row, col) = (cell / COLS, cell % COLS);
        let west = (col > 0).then(|| cell - 1);
        let east = (col + 1 < COLS).then_some(cell + 1);
        let south = (row > 0).then(|| cell - COLS);
        let north = (row + 1 < ROWS).then_some(cell + COLS);
        [west, east, south, north].into_iter().flatten()
    }

    /// The up-to-four cells around a node, as `[sw, se, ne, nw]`; `None` off the lattice.
    pub(crate) fn cells_around(node: NodeId) -> [Option<CellId>; 4] {
        let (row, col) = (node / (COLS + 1), node % (COLS + 1));
        let at = |r: Option<usize>, c: Option<usize>| match (r, c) {
            (Some(r), Some(c)) if r < ROWS && c < COLS => Some(r * COLS + c),
            _ => None,
        };
        let (below, above) = (row.checked_sub(1), Some(row));
        let (left, right) = (col.checked_sub(1), Some(col));
        [
            at(below, left),
            at(below, right),
            at(above, right),
            at(above, left),
        ]
    }

    /// The centre of a cell: the mean of its corners, strictly inside the convex cell.
    pub(crate) fn centre(&self, cell: CellId) -> (f64, f64) {
        self.blend(cell, [0.25; 4])
    }

    /// The convex combination of a cell's corners with the given weights (summing to 1).
    pub(crate) fn blend(&self, cell: CellId, weights: [f64; 4]) -> (f64, f64) {
        let mut p = (0.0, 0.0);
        for (node, w) in Self::corners(cell).into_iter().zip(weights) {
            let (x, y) = self.node(node);
            p = (p.0 + w * x, p.1 + w * y);
        }
        p
    }

    /// The cells of the town: those whose centre lies inside the outline of
    /// [`in_outline`], cleaned so the set is edge-connected, hole-free and pinch-free.
    pub(crate) fn town_cells(&self) -> Vec<CellId> {
        let inside: Vec<bool> = (0..Self::CELLS)
            .map(|c| in_outline(self.centre(c)))
            .collect();
        clean_blob(inside)
    }
}

/// Rounds degrees to 1e-7 (about a centimetre), once, before anything uses them.
pub(crate) fn round7(deg: f64) -> f64 {
    (deg * 1e7).round() / 1e7
}

/// Planar kilometres east and north of the town centre.
pub(crate) fn to_km((lon, lat): (f64, f64)) -> (f64, f64) {
    (
        (lon - CENTRE.0) * KM_PER_DEG_LON,
        (lat - CENTRE.1) * KM_PER_DEG_LAT,
    )
}

/// The town's outline: a star-shaped blob around [`CENTRE`] whose radius (km) is a short
/// Fourier series in the bearing, between about 4.3 and 7.3 km (about 120 km²).
///
/// The trigonometry comes from `libm`, pure Rust, rather than the platform's C library,
/// whose last-bit rounding may differ: the outline, and so the files, are the same on
/// every machine.
pub(crate) fn in_outline(p: (f64, f64)) -> bool {
    use libm::{atan2, cos, hypot};
    let (east, north) = to_km(p);
    let t = atan2(north, east);
    let radius = 6.1
        * (1.0
            + 0.10 * cos(t - 0.7)
            + 0.15 * cos(2.0 * t + 1.9)
            + 0.10 * cos(3.0 * t - 0.4)
            + 0.05 * cos(5.0 * t + 2.3));
    hypot(east, north) <= radius
}

/// Makes a cell mask one clean blob: keeps the largest edge-connected part, fills holes
/// and fills one cell of every diagonal pinch, until nothing changes.
fn clean_blob(mut inside: Vec<bool>) -> Vec<CellId> {
    loop {
        let mut changed = keep_largest_component(&mut inside);
        changed |= fill_holes(&mut inside);
        for node in 0..(COLS + 1) * (ROWS + 1) {
            let around = Lattice::cells_around(node);
            let is_in = |c: Option<CellId>| c.is_some_and(|c| inside[c]);
            let pattern = around.map(is_in);
            if pattern == [true, false, true, false] || pattern == [false, true, false, true] {
                let fill = if pattern[0] { around[1] } else { around[0] };
                if let Some(cell) = fill {
                    inside[cell] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return (0..inside.len()).filter(|&c| inside[c]).collect();
        }
    }
}

/// Drops every cell not in the largest edge-connected part; says whether any went.
fn keep_largest_component(inside: &mut [bool]) -> bool {
    let mut label = vec![usize::MAX; inside.len()];
    let mut best = (0, 0);
    for start in 0..inside.len() {
        if inside[start] && label[start] == usize::MAX {
            let size = flood(start, &mut label, |c| inside[c]);
            if size > best.1 {
                best = (start, size);
            }
        }
    }
    let keep = label.get(best.0).copied().unwrap_or(usize::MAX);
    let mut changed = false;
    for (c, flag) in inside.iter_mut().enumerate() {
        if *flag && label[c] != keep {
            *flag = false;
            changed = true;
        }
    }
    changed
}

/// Marks as inside every outside cell not reachable from the lattice border.
fn fill_holes(inside: &mut [bool]) -> bool {
    let mut label = vec![usize::MAX; inside.len()];
    for c in 0..inside.len() {
        let (row, col) = (c / COLS, c % COLS);
        let border = row == 0 || col == 0 || row + 1 == ROWS || col + 1 == COLS;
        if border && !inside[c] && label[c] == usize::MAX {
            flood(c, &mut label, |d| !inside[d]);
        }
    }
    let mut changed = false;
    for (c, flag) in inside.iter_mut().enumerate() {
        if !*flag && label[c] == usize::MAX {
            *flag = true;
            changed = true;
        }
    }
    changed
}

/// Labels with `start` every cell edge-connected to it through cells where `member`
/// holds; returns how many were labelled.
fn flood(start: CellId, label: &mut [usize], member: impl Fn(CellId) -> bool) -> usize {
    let mut stack = vec![start];
    label[start] = start;
    let mut size = 0;
    while let Some(c) = stack.pop() {
        size += 1;
        for n in Lattice::neighbours(c) {
            if member(n) && label[n] == usize::MAX {
                label[n] = start;
                stack.push(n);
            }
        }
    }
    size
}
