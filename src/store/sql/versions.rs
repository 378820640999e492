//! The versions of the data the in-memory mirrors follow (`data_versions`): each write
//! bumps its topic in its own transaction, and a reader compares versions to know what to
//! reload.

use super::Conn;
use crate::store::StoreError;

/// A part of the data with a version of its own in `data_versions`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Topic {
    /// Grids: their rows and boundaries.
    Grids,
    /// Workers: their rows, grid assignments, duty and positions.
    Workers,
    /// Cameras: their rows and positions.
    Cameras,
}

impl Topic {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Grids => "grids",
            Self::Workers => "workers",
            Self::Cameras => "cameras",
        }
    }

    /// The error for a `data_versions` table without this topic's row.
    pub(super) fn missing(self) -> StoreError {
        StoreError::Corrupt(format!("data_versions has no row for {}", self.as_str()))
    }
}

/// Bumps the version of `topic`; run it in the transaction of the write that changed the
/// topic, so the change and the new version commit together or not at all.
pub(super) async fn bump(conn: &mut Conn, topic: Topic) -> Result<(), StoreError> {
    let version: Option<i64> = sqlx::query_scalar(
        "UPDATE data_versions SET version = version + 1 WHERE topic = $1 RETURNING version",
    )
    .bind(topic.as_str())
    .fetch_optional(conn)
    .await?;
    version.map(drop).ok_or_else(|| topic.missing())
}
