//! PostGIS and the in-process index agree on which micro-grid contains a point: for all
//! 472 demo cameras and 10,000 random points of the town, `ST_Contains` in the database
//! names the same grid as `GridIndex::locate` (points exactly on a boundary aside, where
//! `ST_Contains` names none; random doubles do not land there).

mod common;

use gridlink::demo::SplitMix64;
use gridlink::domain::GridScope;
use gridlink::spatial::GridIndex;
use gridlink::store::{CameraStore, DataStore, GridStore};
use gridlink::store::{GridFilter, PostgresStore};
use sqlx::postgres::PgPool;
use std::collections::HashMap;
use std::path::Path;

/// For each point, the ids of the micro-grids PostGIS says contain it.
async fn postgis_micro_grids(pool: &PgPool, points: &[(f64, f64)]) -> Vec<Vec<i64>> {
    let (lons, lats): (Vec<f64>, Vec<f64>) = points.iter().copied().unzip();
    let rows: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT p.i, g.id
           FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i)
           LEFT JOIN grids g
             ON g.level = 4 AND ST_Contains(g.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))",
    )
    .bind(&lons)
    .bind(&lats)
    .fetch_all(pool)
    .await
    .expect("ST_Contains query");
    let mut found: HashMap<i64, Vec<i64>> = HashMap::new();
    for (i, id) in rows {
        found.entry(i).or_default().extend(id);
    }
    (1..=points.len() as i64)
        .map(|i| found.remove(&i).unwrap_or_default())
        .collect()
}

/// Reproducible points over the bounding box of the town.
fn random_points(min: (f64, f64), max: (f64, f64), n: usize) -> Vec<(f64, f64)> {
    let mut rng = SplitMix64::new(2026, 0);
    (0..n)
        .map(|_| (rng.range(min.0, max.0), rng.range(min.1, max.1)))
        .collect()
}

#[tokio::test]
async fn st_contains_agrees_with_the_index_for_every_camera_and_10000_random_points() {
    let options = common::postgres_schema().await;
    let store = PostgresStore::connect_with(options.clone())
        .await
        .expect("store");
    store.migrate().await.expect("migrations");
    gridlink::import::import_dataset(&store, Path::new("geodata/taihua"))
        .await
        .expect("demo dataset into PostGIS");
    let pool = PgPool::connect_with(options)
        .await
        .expect("pool on the same schema");
    let index = GridIndex::new(
        store
            .grids(&GridScope::All, GridFilter::default())
            .await
            .expect("grids"),
    );
    let town = index
        .locate_at_level(geo::coord! { x: 119.65, y: 31.17 }, 1)
        .and_then(gridlink::spatial::IndexedGrid::bbox)
        .expect("the town");

    let cameras: Vec<(f64, f64)> = store
        .cameras(&GridScope::All, None)
        .await
        .expect("cameras")
        .iter()
        .map(|c| (c.location.lon(), c.location.lat()))
        .collect();
    assert_eq!(cameras.len(), 472);
    let random = random_points(
        (town.min().x, town.min().y),
        (town.max().x, town.max().y),
        10_000,
    );

    for (what, points) in [("camera", cameras), ("random point", random)] {
        let postgis = postgis_micro_grids(&pool, &points).await;
        let mut inside = 0;
        for ((lon, lat), by_postgis) in points.iter().zip(postgis) {
            let by_index: Vec<i64> = index
                .locate_at_level(geo::coord! { x: *lon, y: *lat }, 4)
                .map(|g| g.id)
                .into_iter()
                .collect();
            assert_eq!(by_postgis, by_index, "{what} at {lon},{lat}");
            inside += by_index.len();
        }
        assert!(inside > 0, "some {what}s are inside the town");
    }
}
