//! The camera registry: its queries, and [`CameraStore`] for `Backend`. Edits, moves and
//! retirement each bump the cameras' data version, so that every replica's scene reloads.

use super::versions::{Topic, bump};
use super::{Backend, Conn, Db, commit};
use crate::domain::{
    Bbox, Camera, CameraChange, CameraId, FieldOfView, GridScope, Heading, NewCamera,
};
use crate::store::dialect::Dialect;
use crate::store::rows::{CameraRow, found, stored_camera, write_error};
use crate::store::{CameraStore, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use sqlx::QueryBuilder;
use std::sync::LazyLock;

/// A camera's columns as [`CameraRow`] reads them.
fn camera_columns() -> String {
    format!(
        "id, code, name, {}, kind, stream_url, status, heading_deg, fov_deg, retired_at",
        Backend::CAMERA_POINT
    )
}

/// Cameras in service; add conditions with `AND`.
static CAMERAS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM cameras WHERE retired_at IS NULL",
        camera_columns()
    )
});
/// Camera `$1`, retired or not.
static CAMERA_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {} FROM cameras WHERE id = $1", camera_columns()));
/// Camera `$1`, locked until the transaction ends where the backend locks rows.
static LOCK_CAMERA: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM cameras WHERE id = $1{}",
        camera_columns(),
        Backend::FOR_UPDATE
    )
});

/// Stores cameras and bumps the cameras' version unless there were none.
pub(super) async fn insert_cameras(
    conn: &mut Conn,
    cameras: &[NewCamera],
) -> Result<Vec<Camera>, StoreError> {
    let mut stored = Vec::with_capacity(cameras.len());
    for camera in cameras {
        let id: CameraId = sqlx::query_scalar(Backend::INSERT_CAMERA)
            .bind(camera.code.as_str())
            .bind(camera.name.as_str())
            .bind(camera.location.lon())
            .bind(camera.location.lat())
            .bind(camera.kind.as_str())
            .bind(camera.stream_url.as_str())
            .bind(camera.status.as_str())
            .bind(camera.heading.map(Heading::degrees))
            .bind(camera.field_of_view.map(FieldOfView::degrees))
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| write_error(e, &format!("camera {}", camera.code)))?;
        stored.push(stored_camera(id, camera));
    }
    if !cameras.is_empty() {
        bump(conn, Topic::Cameras).await?;
    }
    Ok(stored)
}

/// Applies `change` to camera `id` and bumps the cameras' version (see
/// `CameraStore::update_camera`); run it in a write transaction.
async fn update_camera(
    conn: &mut Conn,
    id: CameraId,
    change: &CameraChange,
) -> Result<Camera, StoreError> {
    let camera = live_camera(&mut *conn, id, "changed").await?;
    let changed = camera.changed(change);
    sqlx::query(Backend::UPDATE_CAMERA)
        .bind(id)
        .bind(changed.name.as_str())
        .bind(changed.location.lon())
        .bind(changed.location.lat())
        .bind(changed.kind.as_str())
        .bind(changed.stream_url.as_str())
        .bind(changed.status.as_str())
        .bind(changed.heading.map(Heading::degrees))
        .bind(changed.field_of_view.map(FieldOfView::degrees))
        .execute(&mut *conn)
        .await
        .map_err(|e| write_error(e, &format!("camera {id}")))?;
    bump(conn, Topic::Cameras).await?;
    Ok(changed)
}

/// Retires camera `id` at `at`, kept to the microsecond, and bumps the cameras'
/// version (see `CameraStore::retire_camera`); run it in a write transaction.
async fn retire_camera(
    conn: &mut Conn,
    id: CameraId,
    at: DateTime<Utc>,
) -> Result<Camera, StoreError> {
    let at = at.trunc_subsecs(6);
    let camera = live_camera(&mut *conn, id, "retired").await?;
    sqlx::query("UPDATE cameras SET retired_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at)
        .execute(&mut *conn)
        .await
        .map_err(|e| write_error(e, &format!("camera {id}")))?;
    bump(conn, Topic::Cameras).await?;
    Ok(Camera {
        retired_at: Some(at),
        ..camera
    })
}

/// Camera `id`, locked, provided it is not retired: a retired one cannot be `done`
/// again, which is a [`StoreError::Conflict`].
async fn live_camera(conn: &mut Conn, id: CameraId, done: &str) -> Result<Camera, StoreError> {
    let row: Option<CameraRow> = sqlx::query_as(&LOCK_CAMERA)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    let camera = Camera::try_from(found(row, || format!("camera {id}"))?)?;
    match camera.retired_at {
        Some(at) => Err(StoreError::Conflict(format!(
            "camera {id} was retired at {} and cannot be {done}",
            at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
        ))),
        None => Ok(camera),
    }
}

#[async_trait]
impl CameraStore for Backend {
    async fn cameras(
        &self,
        _scope: &GridScope,
        bbox: Option<Bbox>,
    ) -> Result<Vec<Camera>, StoreError> {
        // No grid column: a narrower scope is the caller's to apply (see `CameraStore`).
        let mut query = QueryBuilder::<Db>::new(CAMERAS.as_str());
        if let Some(bbox) = bbox {
            Backend::push_camera_bbox(&mut query, bbox);
        }
        query.push(" ORDER BY code");
        let rows: Vec<CameraRow> = query.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(Camera::try_from).collect()
    }

    async fn camera(&self, _scope: &GridScope, id: CameraId) -> Result<Camera, StoreError> {
        // No grid column: a narrower scope is the caller's to apply (see `CameraStore`).
        let row: Option<CameraRow> = sqlx::query_as(&CAMERA_BY_ID)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        found(row, || format!("camera {id}"))?.try_into()
    }

    async fn insert_cameras(&self, cameras: &[NewCamera]) -> Result<Vec<Camera>, StoreError> {
        let mut tx = self.write().await?;
        let stored = insert_cameras(&mut tx, cameras).await?;
        commit(tx, stored).await
    }

    async fn update_camera(
        &self,
        id: CameraId,
        change: &CameraChange,
    ) -> Result<Camera, StoreError> {
        let mut tx = self.write().await?;
        let camera = update_camera(&mut tx, id, change).await?;
        commit(tx, camera).await
    }

    async fn retire_camera(&self, id: CameraId, at: DateTime<Utc>) -> Result<Camera, StoreError> {
        let mut tx = self.write().await?;
        let camera = retire_camera(&mut tx, id, at).await?;
        commit(tx, camera).await
    }

    async fn camera_codes(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT code FROM cameras ORDER BY code")
            .fetch_all(&self.pool)
            .await?)
    }
}
