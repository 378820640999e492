//! The demo town for benchmarks, loaded the way the service loads it: through the importer
//! into an in-memory SQLite store, then read back.

use gridlink::domain::GridScope;
use gridlink::domain::{Camera, Grid};
use gridlink::store::GridFilter;
use std::path::Path;

/// Every grid and camera of the demo town in `geodata/taihua`.
pub fn demo_town() -> (Vec<Grid>, Vec<Camera>) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(async {
        let store = gridlink::store::connect("sqlite::memory:")
            .await
            .expect("in-memory store");
        gridlink::import::import_dataset(store.as_ref(), Path::new("geodata/taihua"))
            .await
            .expect("demo dataset");
        let grids = store
            .grids(&GridScope::All, GridFilter::default())
            .await
            .expect("grids");
        let cameras = store.cameras(&GridScope::All, None).await.expect("cameras");
        (grids, cameras)
    })
}
