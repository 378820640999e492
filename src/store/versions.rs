//! The versions of the data the in-memory index mirrors (`data_versions`): each write bumps
//! its topic in its own transaction, and a reader compares versions to know what to reload.
//! Written once for both backends, generic over the database like `queries.rs`.

use super::{DataVersions, StoreError};
use sqlx::{Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};

/// A part of the data with a version of its own in `data_versions`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Topic {
    /// Grids: their rows and boundaries.
    Grids,
    /// Workers: their rows, grid assignments, duty and positions.
    Workers,
    /// Cameras: their rows and positions.
    Cameras,
}

impl Topic {
    fn as_str(self) -> &'static str {
        match self {
            Self::Grids => "grids",
            Self::Workers => "workers",
            Self::Cameras => "cameras",
        }
    }

    /// The error for a `data_versions` table without this topic's row.
    fn missing(self) -> StoreError {
        StoreError::Corrupt(format!("data_versions has no row for {}", self.as_str()))
    }
}

/// Bumps the version of `topic`; run it in the transaction of the write that changed the
/// topic, so the change and the new version commit together or not at all.
pub(crate) async fn bump<DB>(conn: &mut DB::Connection, topic: Topic) -> Result<(), StoreError>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let version: Option<i64> = sqlx::query_scalar(
        "UPDATE data_versions SET version = version + 1 WHERE topic = $1 RETURNING version",
    )
    .bind(topic.as_str())
    .fetch_optional(conn)
    .await?;
    version.map(drop).ok_or_else(|| topic.missing())
}

/// The committed version of every topic.
pub(crate) async fn read<DB>(conn: &mut DB::Connection) -> Result<DataVersions, StoreError>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> (String, i64): FromRow<'r, DB::Row>,
{
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT topic, version FROM data_versions")
        .fetch_all(conn)
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
