//! The database as a whole: migrations, the data versions as committed, and whole
//! datasets stored in one transaction; [`DataStore`] for `Backend`.

use super::cameras::insert_cameras;
use super::grids::{insert_grids, put_levels};
use super::versions::Topic;
use super::workers::insert_workers;
use super::{Backend, Conn, commit};
use crate::store::dialect::Dialect;
use crate::store::{DataStore, DataVersions, Dataset, DatasetCounts, StoreError};
use async_trait::async_trait;

/// Stores a whole dataset: levels, grids, cameras, workers, in that order, so that
/// each can refer to what came before (see `DataStore::insert_dataset`).
async fn insert_dataset(conn: &mut Conn, dataset: &Dataset) -> Result<DatasetCounts, StoreError> {
    put_levels(&mut *conn, &dataset.levels).await?;
    let grids = insert_grids(&mut *conn, &dataset.grids).await?;
    let cameras = insert_cameras(&mut *conn, &dataset.cameras).await?;
    let workers = insert_workers(&mut *conn, &dataset.workers).await?;
    Ok(DatasetCounts {
        levels: dataset.levels.len(),
        grids: grids.len(),
        cameras: cameras.len(),
        workers: workers.len(),
    })
}

#[async_trait]
impl DataStore for Backend {
    async fn migrate(&self) -> Result<(), StoreError> {
        Backend::MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    async fn data_versions(&self) -> Result<DataVersions, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT topic, version FROM data_versions")
            .fetch_all(&self.pool)
            .await?;
        let version = |topic: Topic| {
            rows.iter()
                .find(|(t, _)| t == topic.as_str())
                .map(|&(_, v)| v)
                .ok_or_else(|| topic.missing())
        };
        Ok(DataVersions {
            grids: version(Topic::Grids)?,
            workers: version(Topic::Workers)?,
            cameras: version(Topic::Cameras)?,
        })
    }

    async fn insert_dataset(&self, dataset: &Dataset) -> Result<DatasetCounts, StoreError> {
        let mut tx = self.write().await?;
        let counts = insert_dataset(&mut tx, dataset).await?;
        commit(tx, counts).await
    }
}
