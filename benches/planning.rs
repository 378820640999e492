//! Grid planning (issue 6): moving a shared boundary between two micro-grids of the demo
//! town, checked and applied the way `POST /api/changesets` and `…/apply` do it, and the
//! re-mapping of every camera after it.
//!
//! The demo town (`geodata/taihua`, through the importer) goes into a fresh SQLite file
//! and, when `GRIDLINK_BENCH_DATABASE_URL` names a PostgreSQL database with PostGIS, into a
//! fresh schema there too (dropped afterwards). Two neighbouring micro-grids are picked
//! that share a vertex no other grid has, well inside their parent; each iteration is one
//! `Planner::propose` and one `Planner::apply` of a change set moving that vertex in both
//! grids by `STEP_M` metres across their shared boundary, out on even iterations and
//! back on odd ones, from the grids' current versions. Every change set must come back
//! clean (no problem at all) and applied, and the index the service reads must put a
//! point beside the vertex in the other grid after each apply: failures are not timed.
//!
//! The re-map is timed two ways: `GridIndex::new` over every grid plus `chain_at` for
//! every camera (what the cameras' chains cost after a change, since they are computed
//! from the index at each read), and the whole reload the service does after an apply
//! (the store's versions, every grid and camera read, the tiles' scene and the index
//! built, both swapped in: `Mirrors::reload_scene`, step by step).
//!
//! `cargo bench --bench planning` (criterion is not used: the targets are bounds, so the
//! figures are p50 / p99 / max of single timings with `Instant`). `PLANNING_ITERATIONS`
//! sets the number of change sets (default 200; 4 under `cargo test`), and each re-map is
//! timed 200 times (10 under `cargo test`). Figures go in
//! BENCHMARKS.md.

#![allow(missing_docs, reason = "a benchmark binary")]
#![allow(
    clippy::panic,
    reason = "a benchmark stops on a failure rather than time it"
)]

use geo::{BoundingRect, Coord, Distance, Euclidean, MapCoords, MultiPolygon, Point, Rect};
use gridlink::domain::{
    Bbox, ChangeSetId, ChangeSetStatus, Grid, GridEdit, GridId, GridScope, IncidentStatus,
};
use gridlink::planning::{HouseholdRule, Planner, Rules};
use gridlink::spatial::{GridIndex, SpatialIndex};
use gridlink::store::{ApplyPlan, GridFilter, IncidentFilter, NewChangeSet, Store};
use gridlink::tiles::{Scene, Tiles};
use std::collections::HashMap;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How far the shared vertex moves, in metres.
const STEP_M: f64 = 3.0;
/// How far from the parent's boundary, and from any other micro-grid, the vertex must be.
const CLEARANCE_M: f64 = 20.0;
/// Metres per degree of latitude (near enough for picking and stepping).
const M_PER_DEG: f64 = 111_320.0;
/// The demo town's cameras.
const CAMERAS: usize = 472;
/// The variable naming a PostGIS database to run on as well.
const DATABASE_URL: &str = "GRIDLINK_BENCH_DATABASE_URL";

/// Durations, summarised.
struct Summary {
    samples: Vec<Duration>,
}

impl Summary {
    fn new(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        Self { samples }
    }

    fn ms(&self, q: f64) -> f64 {
        let i = ((self.samples.len() as f64 * q).ceil() as usize).clamp(1, self.samples.len());
        self.samples[i - 1].as_secs_f64() * 1000.0
    }

    fn line(&self) -> String {
        let mean = self.samples.iter().sum::<Duration>().as_secs_f64() * 1000.0
            / self.samples.len() as f64;
        format!(
            "{} samples: mean {mean:.2} ms, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.samples.len(),
            self.ms(0.50),
            self.ms(0.99),
            self.ms(1.0),
        )
    }
}

/// Two sibling micro-grids and the vertex only they share.
struct SharedVertex {
    a: GridId,
    b: GridId,
    vertex: Coord<f64>,
    /// Where the vertex moves to.
    moved: Coord<f64>,
}

/// Every ring vertex of `geometry` (the closing repeat left out).
fn vertices(geometry: &MultiPolygon<f64>) -> impl Iterator<Item = Coord<f64>> + '_ {
    geometry.iter().flat_map(|polygon| {
        std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .flat_map(|ring| ring.0.iter().skip(1).copied())
    })
}

/// Degrees to metres around latitude `lat` (x scaled by its cosine).
fn metres(d: Coord<f64>, lat: f64) -> Coord<f64> {
    Coord {
        x: d.x * M_PER_DEG * lat.to_radians().cos(),
        y: d.y * M_PER_DEG,
    }
}

/// The first pair (by code) of sibling micro-grids sharing a vertex that no other grid of
/// any level has, at least `CLEARANCE_M` from their parent's boundary and from every
/// other micro-grid; the vertex moves `STEP_M` square to the line through its neighbours.
fn shared_vertex(grids: &[Grid]) -> SharedVertex {
    let finest = grids.iter().map(|g| g.level).max().expect("grids");
    let mut owners: HashMap<(u64, u64), Vec<GridId>> = HashMap::new();
    for grid in grids {
        for corner in vertices(&grid.geometry) {
            let holders = owners
                .entry((corner.x.to_bits(), corner.y.to_bits()))
                .or_default();
            if holders.last() != Some(&grid.id) {
                holders.push(grid.id);
            }
        }
    }
    let by_id: HashMap<GridId, &Grid> = grids.iter().map(|g| (g.id, g)).collect();
    let mut micro: Vec<&Grid> = grids.iter().filter(|g| g.level == finest).collect();
    micro.sort_by(|x, y| x.code.cmp(&y.code));
    for first in &micro {
        let ring = &first.geometry.0[0].exterior().0;
        for (k, &vertex) in ring.iter().enumerate().take(ring.len() - 1).skip(1) {
            let Some(&[one, other]) = owners
                .get(&(vertex.x.to_bits(), vertex.y.to_bits()))
                .map(Vec::as_slice)
            else {
                continue;
            };
            let second = by_id[&if one == first.id { other } else { one }];
            if second.level != finest || second.parent_id != first.parent_id {
                continue;
            }
            let parent = by_id[&first.parent_id.expect("a micro-grid has a parent")];
            let (prev, next) = (ring[k - 1], ring[k + 1]);
            if clear(vertex, parent, &micro, [first.id, second.id], [prev, next]) {
                let along = metres(next - prev, vertex.y);
                let length = along.x.hypot(along.y);
                let moved = Coord {
                    x: vertex.x
                        - STEP_M * along.y / length / (M_PER_DEG * vertex.y.to_radians().cos()),
                    y: vertex.y + STEP_M * along.x / length / M_PER_DEG,
                };
                return SharedVertex {
                    a: first.id,
                    b: second.id,
                    vertex,
                    moved,
                };
            }
        }
    }
    panic!("no two sibling micro-grids share a vertex well inside their parent");
}

/// Whether `vertex` is `CLEARANCE_M` from `parent`'s boundary, from every micro-grid but
/// `pair`, and from its `neighbours` along the ring, so a step of `STEP_M` stays clean.
fn clear(
    vertex: Coord<f64>,
    parent: &Grid,
    micro: &[&Grid],
    pair: [GridId; 2],
    neighbours: [Coord<f64>; 2],
) -> bool {
    let point = Point::from(vertex);
    let to_m = |deg: f64| deg * M_PER_DEG * vertex.y.to_radians().cos();
    let clear_of_parent = parent
        .geometry
        .iter()
        .all(|poly| to_m(Euclidean.distance(&point, poly.exterior())) > CLEARANCE_M);
    let clear_of_others = micro
        .iter()
        .filter(|g| !pair.contains(&g.id))
        .all(|g| to_m(Euclidean.distance(&point, &g.geometry)) > CLEARANCE_M);
    let legs_long = neighbours.iter().all(|&n| {
        let leg = metres(n - vertex, vertex.y);
        leg.x.hypot(leg.y) > CLEARANCE_M
    });
    clear_of_parent && clear_of_others && legs_long
}

/// `geometry` with every copy of `from` put at `to`.
fn moved(geometry: &MultiPolygon<f64>, from: Coord<f64>, to: Coord<f64>) -> MultiPolygon<f64> {
    geometry.map_coords(|c| if c == from { to } else { c })
}

/// The grid-index and tile rebuild the service does after an apply
/// (`Mirrors::catch_up_on_grids`, then `Mirrors::reload_scene` with `grids = true`), step
/// for step.
async fn reload_as_the_service_does(store: &dyn Store, index: &SpatialIndex, tiles: &Tiles) {
    let current = store.data_versions().await.expect("versions");
    let stored = store
        .grids(&GridScope::All, GridFilter::default())
        .await
        .expect("grids");
    let cameras = store.cameras(&GridScope::All, None).await.expect("cameras");
    let version = ((current.grids as u64) << 32) ^ (current.cameras as u64);
    let (scene, grid_index) = tokio::task::spawn_blocking(move || {
        let scene = Scene::new(version, &stored, &cameras);
        (scene, GridIndex::new(stored))
    })
    .await
    .expect("the scene and the index are built");
    tiles.replace_scene(scene);
    index.replace_grids(grid_index);
}

/// The rules the service gives its planner, with its default settings.
fn service_rules() -> Rules {
    Rules {
        sliver_m2: 20.0,
        households: Some(HouseholdRule {
            level: 0,
            min: 50,
            max: 100,
        }),
        ..Rules::default()
    }
}

/// The two grids' shapes, each as `[original, moved]`.
type Shapes = [[MultiPolygon<f64>; 2]; 2];

/// Loads the demo town into `store`, then times `iterations` shared-boundary moves and the
/// re-maps (each `remaps` times).
async fn run(backend: &str, store: Arc<dyn Store>, iterations: usize, remaps: usize) {
    let loading = Instant::now();
    gridlink::import::import_dataset(store.as_ref(), Path::new("geodata/taihua"))
        .await
        .expect("demo dataset");
    let (mirrors, _) = gridlink::mirrors::Mirrors::load(store.as_ref(), 64 << 20)
        .await
        .expect("mirrors");
    let grids = store
        .grids(&GridScope::All, GridFilter::default())
        .await
        .expect("grids");
    let cameras = store.cameras(&GridScope::All, None).await.expect("cameras");
    assert_eq!(cameras.len(), CAMERAS, "the demo town's cameras");
    let shared = shared_vertex(&grids);
    let by_id = |id| grids.iter().find(|g| g.id == id).expect("grid");
    let pair = [by_id(shared.a), by_id(shared.b)];
    println!(
        "planning on {backend}: {} grids, {} cameras, loaded in {:.0} ms; moving the vertex \
         ({:.6}, {:.6}) shared by {} and {} by {STEP_M} m, {iterations} change sets",
        grids.len(),
        cameras.len(),
        loading.elapsed().as_secs_f64() * 1000.0,
        shared.vertex.x,
        shared.vertex.y,
        pair[0].code,
        pair[1].code,
    );
    let planner = Planner::new(Arc::clone(&store), mirrors.clone(), service_rules());
    let shapes: Shapes = pair.map(|g| {
        [
            g.geometry.clone(),
            moved(&g.geometry, shared.vertex, shared.moved),
        ]
    });
    let last = time_changesets(
        &planner,
        store.as_ref(),
        &mirrors.index,
        &shared,
        &shapes,
        iterations,
    )
    .await;
    time_remaps(store.as_ref(), &mirrors.index, &mirrors.tiles, remaps).await;
    let changed = shapes
        .iter()
        .flatten()
        .filter_map(BoundingRect::bounding_rect)
        .reduce(|x, y| {
            Rect::new(
                (x.min().x.min(y.min().x), x.min().y.min(y.min().y)),
                (x.max().x.max(y.max().x), x.max().y.max(y.max().y)),
            )
        })
        .expect("the change's box");
    phases(store.as_ref(), changed, last, remaps).await;
    time_writes(&planner, store.as_ref(), &shared, &shapes, remaps).await;
}

/// Times `iterations` change sets, each proposed and applied, moving the shared vertex out
/// and back in turn after two untimed ones; checks each came back clean and applied, and
/// moved a point beside the vertex to the other grid in the service's index. Answers the
/// last change set.
async fn time_changesets(
    planner: &Planner,
    store: &dyn Store,
    index: &SpatialIndex,
    shared: &SharedVertex,
    shapes: &Shapes,
    iterations: usize,
) -> ChangeSetId {
    let pair = [shared.a, shared.b];
    // Halfway along the step: in one grid before each move, in the other after it.
    let probe = Coord {
        x: f64::midpoint(shared.vertex.x, shared.moved.x),
        y: f64::midpoint(shared.vertex.y, shared.moved.y),
    };
    let located = || index.grids().locate(probe).map(|g| g.id);
    let mut side = located().expect("the probe is in the town");
    assert!(pair.contains(&side), "the probe is in one of the two grids");
    let warm_up = 2; // out and back, so the timed run starts from the original shapes.
    let (mut proposing, mut applying, mut both) = (Vec::new(), Vec::new(), Vec::new());
    let (mut moved_cameras, mut last) = (0, None);
    for i in 0..iterations + warm_up {
        let mut edits = Vec::with_capacity(2);
        for (shape, id) in shapes.iter().zip(pair) {
            // The version a planner's page has, from `GET /api/grids`.
            let version = store.grid(&GridScope::All, id).await.expect("grid").version;
            edits.push(GridEdit {
                id: Some(id),
                version: Some(version),
                geometry: Some(shape[(i + 1) % 2].clone()),
                parent_id: None,
                name: None,
                households: None,
                residents: None,
            });
        }
        let start = Instant::now();
        let proposal = planner
            .propose(&GridScope::All, "bench: shared boundary", "bench", &edits)
            .await
            .unwrap_or_else(|e| panic!("iteration {i}: propose: {e}"));
        let checked = Instant::now();
        let outcome = planner
            .apply(&GridScope::All, proposal.id)
            .await
            .unwrap_or_else(|e| panic!("iteration {i}: apply: {e}"))
            .changeset;
        let done = Instant::now();
        assert!(
            proposal.problems.is_empty(),
            "iteration {i}: the change set is not clean: {:?}",
            proposal.problems
        );
        assert_eq!(outcome.status, ChangeSetStatus::Applied, "iteration {i}");
        assert!(
            outcome.problems.is_empty(),
            "iteration {i}: re-checked clean"
        );
        let now = located().expect("the probe is in the town");
        assert!(
            now != side && pair.contains(&now),
            "iteration {i}: the index did not move the probe to the other grid"
        );
        side = now;
        last = Some(outcome.id);
        if i >= warm_up {
            proposing.push(checked - start);
            applying.push(done - checked);
            both.push(done - start);
            moved_cameras += outcome.impact.cameras.len();
        }
    }
    for (shape, id) in shapes.iter().zip(pair) {
        let stored = store.grid(&GridScope::All, id).await.expect("grid");
        assert_eq!(
            stored.geometry,
            shape[(iterations + warm_up) % 2],
            "grid {id} holds the last shape applied"
        );
    }
    println!("  propose + apply: {}", Summary::new(both).line());
    println!("    propose:       {}", Summary::new(proposing).line());
    println!("    apply:         {}", Summary::new(applying).line());
    println!("    cameras changing grid, over all change sets: {moved_cameras}");
    last.expect("a change set")
}

/// Times the re-map `samples` times: a new index over every grid and every camera's
/// chain from it, then the whole reload the service does after an apply.
async fn time_remaps(store: &dyn Store, index: &SpatialIndex, tiles: &Tiles, samples: usize) {
    let grids = store
        .grids(&GridScope::All, GridFilter::default())
        .await
        .expect("grids");
    let cameras = store.cameras(&GridScope::All, None).await.expect("cameras");
    let points: Vec<Coord<f64>> = cameras.iter().map(|c| c.location.into()).collect();
    let (mut remapped, mut built) = (Vec::with_capacity(samples), Vec::with_capacity(samples));
    for _ in 0..samples {
        let all = grids.clone();
        let start = Instant::now();
        let rebuilt = GridIndex::new(black_box(all));
        let indexed = Instant::now();
        let chained = points
            .iter()
            .filter(|&&p| !black_box(rebuilt.chain_at(p)).is_empty())
            .count();
        remapped.push(start.elapsed());
        built.push(indexed - start);
        assert_eq!(chained, CAMERAS, "every camera is in a grid");
    }
    println!(
        "  re-map, GridIndex::new + chain_at x {CAMERAS}: {}",
        Summary::new(remapped).line()
    );
    println!("    GridIndex::new alone: {}", Summary::new(built).line());
    let mut reloads = Vec::with_capacity(samples);
    for _ in 0..samples {
        let start = Instant::now();
        reload_as_the_service_does(store, index, tiles).await;
        reloads.push(start.elapsed());
    }
    println!(
        "  full reload (versions, grids, cameras, scene, index): {}",
        Summary::new(reloads).line()
    );
}

/// Times, `samples` times each, the store reads a change set's propose and apply make
/// (read-only, so they can be repeated alone) and the CPU steps of the reload, to see
/// where a change set's time goes. Counts are per propose + apply of the two-grid move.
async fn phases(store: &dyn Store, changed: Rect<f64>, changeset: ChangeSetId, samples: usize) {
    // The bench reads the whole town.
    let all = &GridScope::All;
    let area = Bbox::from_rect(changed).expect("the change's box");
    let grid = store
        .grids(all, GridFilter::default())
        .await
        .expect("grids")[0]
        .id;
    let mut open = IncidentFilter::all(1000, chrono::Utc::now());
    open.bbox = Some(area);
    open.statuses = IncidentStatus::ALL
        .iter()
        .copied()
        .filter(|s| s.is_open())
        .collect();
    let grids = store
        .grids(all, GridFilter::default())
        .await
        .expect("grids");
    let cameras = store.cameras(all, None).await.expect("cameras");
    println!("  phases (each timed {samples} times; calls per propose + apply, p50, p99):");
    macro_rules! time {
        ($what:expr, $count:expr, $body:expr) => {{
            let mut taken = Vec::with_capacity(samples);
            for _ in 0..samples {
                let start = Instant::now();
                black_box($body);
                taken.push(start.elapsed());
            }
            let summary = Summary::new(taken);
            println!(
                "    {:<44} x{:<2} {:>7.3} ms {:>7.3} ms",
                $what,
                $count,
                summary.ms(0.5),
                summary.ms(0.99)
            );
        }};
    }
    time!("store.levels()", 2, store.levels().await.expect("levels"));
    time!(
        "store.grid(id)",
        6,
        store.grid(all, grid).await.expect("grid")
    );
    let near = || GridFilter {
        level: None,
        bbox: Some(area),
    };
    time!(
        "store.grids(the change's box)",
        2,
        store.grids(all, near()).await.expect("grids")
    );
    time!(
        "store.cameras(the change's box)",
        2,
        store.cameras(all, Some(area)).await.expect("cameras")
    );
    time!(
        "store.incidents(open, the change's box)",
        2,
        store.incidents(all, &open).await.expect("incidents")
    );
    time!(
        "store.changeset(id)",
        1,
        store.changeset(changeset).await.expect("changeset")
    );
    time!(
        "store.data_versions()",
        1,
        store.data_versions().await.expect("versions")
    );
    time!(
        "store.grids(all)",
        1,
        store
            .grids(all, GridFilter::default())
            .await
            .expect("grids")
    );
    time!(
        "store.cameras(all)",
        1,
        store.cameras(all, None).await.expect("cameras")
    );
    time!(
        "Scene::new(all grids, all cameras)",
        1,
        Scene::new(1, &grids, &cameras)
    );
    time!(
        "GridIndex::new(all grids)",
        1,
        GridIndex::new(grids.clone())
    );
}

/// Times the store's two writes alone, `samples` times each, on change sets the planner
/// proposed (the same moves, out and back): storing a proposed change set, and applying
/// one in its transaction (no workers or incidents to move here, as in the timed runs).
async fn time_writes(
    planner: &Planner,
    store: &dyn Store,
    shared: &SharedVertex,
    shapes: &Shapes,
    samples: usize,
) {
    let (mut inserts, mut applies) = (Vec::with_capacity(samples), Vec::with_capacity(samples));
    for i in 0..samples.next_multiple_of(2) {
        let mut edits = Vec::with_capacity(2);
        for (shape, id) in shapes.iter().zip([shared.a, shared.b]) {
            edits.push(GridEdit {
                id: Some(id),
                version: Some(store.grid(&GridScope::All, id).await.expect("grid").version),
                geometry: Some(shape[(i + 1) % 2].clone()),
                parent_id: None,
                name: None,
                households: None,
                residents: None,
            });
        }
        let proposal = planner
            .propose(&GridScope::All, "bench: store writes", "bench", &edits)
            .await
            .expect("propose");
        assert!(proposal.problems.is_empty(), "clean");
        let fresh = NewChangeSet {
            reason: proposal.reason.clone(),
            author: proposal.author.clone(),
            created_at: chrono::Utc::now(),
            grids: proposal.grids.clone(),
            problems: Vec::new(),
            impact: proposal.impact.clone(),
        };
        let start = Instant::now();
        let stored = store.insert_changeset(&fresh).await.expect("insert");
        let inserted = Instant::now();
        let plan = ApplyPlan {
            at: chrono::Utc::now(),
            changeset: stored,
            transfers: Vec::new(),
            reroutes: Vec::new(),
        };
        let outcome = store.apply_changeset(&plan).await.expect("apply").changeset;
        applies.push(inserted.elapsed());
        inserts.push(inserted - start);
        assert_eq!(outcome.status, ChangeSetStatus::Applied, "applied");
        planner
            .discard(&GridScope::All, proposal.id)
            .await
            .expect("discard");
    }
    let (inserts, applies) = (Summary::new(inserts), Summary::new(applies));
    for (what, summary) in [
        ("store.insert_changeset", inserts),
        ("store.apply_changeset (the transaction)", applies),
    ] {
        println!(
            "    {what:<44} x1  {:>7.3} ms {:>7.3} ms",
            summary.ms(0.5),
            summary.ms(0.99)
        );
    }
}

/// A fresh schema in the database `url` names, and a store migrated into it.
async fn postgres(url: &str) -> (Arc<dyn Store>, sqlx::PgPool, String) {
    let admin = sqlx::PgPool::connect(url)
        .await
        .unwrap_or_else(|e| panic!("cannot reach {url}: {e}"));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos();
    let schema = format!("bench_planning_{}_{nanos}", std::process::id());
    // An identifier cannot be a bound parameter; this one is generated here.
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .expect("create the schema");
    let separator = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{separator}options%5Bsearch_path%5D={schema},public");
    let store = gridlink::store::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("open {url}: {e}"));
    (store, admin, schema)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs a short smoke run.
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let iterations = match std::env::var("PLANNING_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        Some(n) => n,
        None if benchmarking => 200,
        None => 4,
    };
    let remaps = if benchmarking { 200 } else { 10 };
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite:{}", dir.path().join("planning.db").display());
        let store = gridlink::store::connect(&url).await.expect("SQLite store");
        run("SQLite", store, iterations, remaps).await;

        if let Ok(url) = std::env::var(DATABASE_URL) {
            let (store, admin, schema) = postgres(&url).await;
            run("PostGIS", store, iterations, remaps).await;
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&admin)
                .await
                .expect("drop the schema");
        }
    });
}
