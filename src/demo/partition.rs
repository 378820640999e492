//! Splitting a set of lattice cells into a given number of clean regions.
//!
//! A region is *clean* when it is edge-connected, has no pinch vertex (two of its cells
//! meeting only diagonally) and its outline is a single ring (no holes, so it encloses no
//! other region). The split is balanced region growing: farthest-point seeds, then the
//! smallest region takes one more edge-adjacent free cell at a time, then a few Lloyd
//! steps re-centre the seeds. Stray cells are smoothed away and pinches repaired by moving
//! single cells; if a region is still not clean, the split is redone from other seeds
//! drawn deterministically.

use super::lattice::{CellId, Lattice, NodeId, to_km};
use super::rng::SplitMix64;
use std::collections::BTreeMap;

/// Owner of a cell outside the set being split.
const OUT: usize = usize::MAX;
/// Owner of a cell of the set not yet given to a region.
const FREE: usize = usize::MAX - 1;
/// How many seedings are tried before the last one is returned as it is.
const ATTEMPTS: u64 = 200;
/// Lloyd re-centring steps per seeding.
const LLOYD_STEPS: usize = 3;

/// Splits `cells` (a clean region) into `k` clean regions, each a sorted list of cells.
/// Deterministic for a given `stream`. Regions come in no particular order.
pub(crate) fn partition(
    lattice: &Lattice,
    cells: &[CellId],
    k: usize,
    stream: u64,
) -> Vec<Vec<CellId>> {
    let mut rng = SplitMix64::new(0x0007_A14A, stream);
    let mut last = Vec::new();
    for attempt in 0..ATTEMPTS {
        let mut owner = vec![OUT; Lattice::CELLS];
        let mut seeds = farthest_seeds(lattice, cells, k, attempt, &mut rng);
        for step in 0..=LLOYD_STEPS {
            owner.fill(OUT);
            grow(lattice, cells, &seeds, &mut owner);
            if step < LLOYD_STEPS {
                seeds = recentre(lattice, &members(cells, &owner, k));
            }
        }
        smooth(cells, &mut owner, k);
        repair_pinches(cells, &mut owner, k);
        last = members(cells, &owner, k);
        if last.iter().all(|r| is_clean(r))
            && last.iter().map(Vec::len).sum::<usize>() == cells.len()
        {
            break;
        }
    }
    last
}

/// `k` seed cells: the first is the cell farthest from the centroid (first attempt) or a
/// random cell; each next one maximises the distance to the nearest seed so far.
fn farthest_seeds(
    lattice: &Lattice,
    cells: &[CellId],
    k: usize,
    attempt: u64,
    rng: &mut SplitMix64,
) -> Vec<CellId> {
    let km: Vec<(f64, f64)> = cells.iter().map(|&c| to_km(lattice.centre(c))).collect();
    let n = km.len() as f64;
    let mean = km
        .iter()
        .fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
    let mut nearest: Vec<f64> = km.iter().map(|p| dist2(*p, mean)).collect();
    let mut seeds = Vec::with_capacity(k);
    let mut next = if attempt == 0 {
        argmax(&nearest)
    } else {
        rng.index(cells.len())
    };
    while seeds.len() < k.min(cells.len()) {
        seeds.push(cells[next]);
        for (d, p) in nearest.iter_mut().zip(&km) {
            *d = d.min(dist2(*p, km[next]));
        }
        next = if attempt == 0 {
            argmax(&nearest)
        } else {
            // Farthest point after random weighting: still spread out, but varied.
            let weighted: Vec<f64> = nearest.iter().map(|d| d * rng.range(0.3, 1.0)).collect();
            argmax(&weighted)
        };
    }
    seeds
}

/// Balanced growth: while free cells remain, the smallest region that can grow takes its
/// best free neighbour (most sides already in the region, then nearest its seed).
fn grow(lattice: &Lattice, cells: &[CellId], seeds: &[CellId], owner: &mut [usize]) {
    for &c in cells {
        owner[c] = FREE;
    }
    let mut regions: Vec<Vec<CellId>> = seeds.iter().map(|&s| vec![s]).collect();
    for (r, &s) in seeds.iter().enumerate() {
        owner[s] = r;
    }
    let seed_km: Vec<(f64, f64)> = seeds.iter().map(|&s| to_km(lattice.centre(s))).collect();
    let mut stuck = vec![false; regions.len()];
    while let Some(r) = (0..regions.len())
        .filter(|&r| !stuck[r])
        .min_by_key(|&r| (regions[r].len(), r))
    {
        let mut best: Option<(usize, f64, CellId)> = None;
        for &m in &regions[r] {
            for c in Lattice::neighbours(m).filter(|&c| owner[c] == FREE) {
                let sides = Lattice::neighbours(c).filter(|&n| owner[n] == r).count();
                let d = dist2(to_km(lattice.centre(c)), seed_km[r]);
                let better = best.is_none_or(|(bs, bd, bc)| {
                    sides
                        .cmp(&bs)
                        .then(bd.total_cmp(&d))
                        .then(bc.cmp(&c))
                        .is_gt()
                });
                if better {
                    best = Some((sides, d, c));
                }
            }
        }
        match best {
            Some((_, _, c)) => {
                owner[c] = r;
                regions[r].push(c);
            }
            None => stuck[r] = true,
        }
    }
}

/// For each region, the member cell nearest its mean centre: the next seeds.
fn recentre(lattice: &Lattice, regions: &[Vec<CellId>]) -> Vec<CellId> {
    regions
        .iter()
        .filter(|r| !r.is_empty())
        .map(|r| {
            let km: Vec<(f64, f64)> = r.iter().map(|&c| to_km(lattice.centre(c))).collect();
            let n = km.len() as f64;
            let mean = km
                .iter()
                .fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
            let dists: Vec<f64> = km.iter().map(|p| -dist2(*p, mean)).collect();
            r[argmax(&dists)]
        })
        .collect()
}

/// Moves a cell to the region holding three or four of its sides when its own region
/// holds at most one and stays connected without it. Two passes in cell order.
fn smooth(cells: &[CellId], owner: &mut [usize], k: usize) {
    for _ in 0..2 {
        for &c in cells {
            let own = owner[c];
            let mut count = vec![0usize; k];
            for n in Lattice::neighbours(c) {
                if owner[n] < k {
                    count[owner[n]] += 1;
                }
            }
            let target = (0..k).find(|&r| r != own && count[r] >= 3);
            if let Some(t) = target {
                if count[own] <= 1 && stays_connected(cells, owner, c) {
                    owner[c] = t;
                }
            }
        }
    }
}

/// Repairs pinch vertices by giving one of the two diagonal outsiders to the pinched
/// region, when the donor stays non-empty and connected.
fn repair_pinches(cells: &[CellId], owner: &mut [usize], k: usize) {
    let mut nodes: Vec<NodeId> = cells.iter().flat_map(|&c| Lattice::corners(c)).collect();
    nodes.sort_unstable();
    nodes.dedup();
    for node in nodes {
        let around = Lattice::cells_around(node);
        let own = around.map(|c| c.map_or(OUT, |c| owner[c]));
        for (a, b) in [(0, 1), (1, 0)] {
            let pinched =
                own[a] < k && own[a] == own[a + 2] && own[b] != own[a] && own[b + 2] != own[a];
            if !pinched {
                continue;
            }
            for donor in [around[b], around[b + 2]].into_iter().flatten() {
                if owner[donor] < k && stays_connected(cells, owner, donor) {
                    owner[donor] = own[a];
                    break;
                }
            }
        }
    }
}

/// Whether `cell`'s region would remain non-empty and edge-connected without it.
fn stays_connected(cells: &[CellId], owner: &[usize], cell: CellId) -> bool {
    let r = owner[cell];
    let rest: Vec<CellId> = cells
        .iter()
        .copied()
        .filter(|&c| c != cell && owner[c] == r)
        .collect();
    !rest.is_empty() && connected(&rest)
}

/// The cells of each region, sorted.
fn members(cells: &[CellId], owner: &[usize], k: usize) -> Vec<Vec<CellId>> {
    let mut out = vec![Vec::new(); k];
    for &c in cells {
        if owner[c] < k {
            out[owner[c]].push(c);
        }
    }
    out
}

/// Whether the cells form one edge-connected piece.
pub(crate) fn connected(cells: &[CellId]) -> bool {
    let Some(&first) = cells.first() else {
        return false;
    };
    let inside: std::collections::BTreeSet<CellId> = cells.iter().copied().collect();
    let mut seen = std::collections::BTreeSet::from([first]);
    let mut stack = vec![first];
    while let Some(c) = stack.pop() {
        for n in Lattice::neighbours(c) {
            if inside.contains(&n) && seen.insert(n) {
                stack.push(n);
            }
        }
    }
    seen.len() == inside.len()
}

/// Edge-connected, pinch-free and bounded by exactly one ring.
pub(crate) fn is_clean(cells: &[CellId]) -> bool {
    connected(cells) && boundary_rings(cells).is_some_and(|rings| rings.len() == 1)
}

/// The outline of a set of cells as closed rings of node ids (first node repeated last),
/// counter-clockwise around the cells, each starting at its smallest node; `None` if some
/// node has two outgoing boundary edges (a pinch).
pub(crate) fn boundary_rings(cells: &[CellId]) -> Option<Vec<Vec<NodeId>>> {
    let inside: std::collections::BTreeSet<CellId> = cells.iter().copied().collect();
    let mut next: BTreeMap<NodeId, NodeId> = BTreeMap::new();
    for &c in cells {
        let k = Lattice::corners(c);
        let across = [
            c.checked_sub(super::lattice::COLS),
            Some(c + 1),
            Some(c + super::lattice::COLS),
            c.checked_sub(1),
        ];
        for (i, other) in across.into_iter().enumerate() {
            let other_inside = other.is_some_and(|o| neighbour_of(c, o) && inside.contains(&o));
            if !other_inside && next.insert(k[i], k[(i + 1) % 4]).is_some() {
                return None;
            }
        }
    }
    let mut rings = Vec::new();
    while let Some((&start, _)) = next.iter().next() {
        let mut ring = vec![start];
        let mut at = start;
        while let Some(to) = next.remove(&at) {
            ring.push(to);
            at = to;
        }
        if at != start {
            return None;
        }
        rings.push(ring);
    }
    Some(rings)
}

/// Whether `other` is an edge-neighbour of `cell` on the lattice (guards row wrap-around).
fn neighbour_of(cell: CellId, other: CellId) -> bool {
    Lattice::neighbours(cell).any(|n| n == other)
}

/// Squared planar distance.
fn dist2(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)
}

/// Index of the largest value, the first one on ties.
fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}
