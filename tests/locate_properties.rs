//! Properties of point location on the demo town, checked against brute force: every
//! point of the town is in exactly one micro-grid, and the chain is that micro-grid's
//! ancestry.

use geo::Coord;
use gridlink::domain::Grid;
use gridlink::domain::GridScope;
use gridlink::spatial::{GridIndex, Shape};
use gridlink::store::GridFilter;
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

struct Town {
    grids: Vec<Grid>,
    shapes: Vec<Shape>,
    index: GridIndex,
}

fn town() -> &'static Town {
    static TOWN: OnceLock<Town> = OnceLock::new();
    TOWN.get_or_init(|| {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let grids = runtime.block_on(async {
            let store = gridlink::store::connect("sqlite::memory:")
                .await
                .expect("store");
            gridlink::import::import_dataset(store.as_ref(), Path::new("geodata/taihua"))
                .await
                .expect("demo dataset");
            store
                .grids(&GridScope::All, GridFilter::default())
                .await
                .expect("grids")
        });
        Town {
            shapes: grids.iter().map(|g| Shape::new(&g.geometry)).collect(),
            index: GridIndex::new(grids.clone()),
            grids,
        }
    })
}

/// Ids of the grids of `level` that contain `p`, by testing every one of them.
fn brute_force(town: &Town, p: Coord<f64>, level: i32) -> Vec<i64> {
    town.grids
        .iter()
        .zip(&town.shapes)
        .filter(|(g, s)| g.level == level && s.contains(p))
        .map(|(g, _)| g.id)
        .collect()
}

fn check_point(p: Coord<f64>) -> Result<(), TestCaseError> {
    let town = town();
    let in_town = !brute_force(town, p, 1).is_empty();
    let micro = brute_force(town, p, 4);
    prop_assert_eq!(
        micro.len(),
        usize::from(in_town),
        "micro-grids containing {:?}",
        p
    );
    let chain: Vec<i64> = town.index.chain_at(p).iter().map(|l| l.id).collect();
    if let Some(&micro) = micro.first() {
        let deepest = town.index.get(micro).expect("indexed");
        let mut ancestry: Vec<i64> = town
            .index
            .ancestors_and_self(deepest)
            .map(|g| g.id)
            .collect();
        ancestry.reverse();
        prop_assert_eq!(&chain, &ancestry);
        for (level, id) in (1..=4).zip(&chain) {
            prop_assert_eq!(
                brute_force(town, p, level),
                vec![*id],
                "level {} at {:?}",
                level,
                p
            );
        }
    } else {
        prop_assert!(chain.is_empty());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_random_point_is_in_exactly_one_micro_grid_whose_ancestors_are_its_chain(
        lon in 119.58..119.78f64,
        lat in 31.06..31.24f64,
    ) {
        let p = Coord { x: lon, y: lat };
        check_point(p)?;
        // An independent oracle, geo's own predicate, for points off every boundary
        // (random doubles practically never land on one).
        let by_geo: Vec<i64> = town().grids.iter()
            .filter(|g| g.level == 4 && geo::Contains::contains(&g.geometry, &geo::Point::from(p)))
            .map(|g| g.id)
            .collect();
        let by_index: Vec<i64> = town().index.locate_at_level(p, 4).map(|g| g.id).into_iter().collect();
        prop_assert_eq!(by_geo, by_index);
    }

    #[test]
    fn every_vertex_of_every_grid_resolves_to_exactly_one_chain(
        pick in any::<proptest::sample::Index>(),
    ) {
        // Vertices are where edges meet: the hardest points for the boundary rule.
        let town = town();
        let vertices: Vec<Coord<f64>> = town.grids.iter().filter(|g| g.level == 4)
            .flat_map(|g| g.geometry.iter().flat_map(|p| p.exterior().coords().copied()).collect::<Vec<_>>())
            .collect();
        check_point(*pick.get(&vertices))?;
    }
}

#[test]
fn midpoints_of_every_shared_edge_resolve_to_exactly_one_micro_grid() {
    let town = town();
    for grid in town.grids.iter().filter(|g| g.level == 4) {
        for line in grid.geometry.iter().flat_map(|p| p.exterior().lines()) {
            let mid = Coord {
                x: f64::midpoint(line.start.x, line.end.x),
                y: f64::midpoint(line.start.y, line.end.y),
            };
            if let Err(e) = check_point(mid) {
                panic!("edge midpoint {mid:?} of {}: {e}", grid.code);
            }
        }
    }
}
