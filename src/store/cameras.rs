//! Camera registry writes both backends run word for word, generic over the database like
//! `queries.rs`: edits, moves and retirement, each in the caller's write transaction and
//! bumping the cameras' data version, so that every replica's scene reloads.

use super::StoreError;
use super::rows::{CameraRow, found, write_error};
use super::versions::{self, Topic};
use crate::domain::{Camera, CameraChange, CameraId, FieldOfView, Heading};
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use std::marker::PhantomData;

/// How a backend spells the camera statements whose point columns differ.
pub(crate) struct CameraWrites {
    /// Reads the camera `$1` as a [`CameraRow`], locking the row until the transaction
    /// ends where the backend locks rows.
    pub lock: &'static str,
    /// Rewrites camera `$1`: name, lon, lat, kind, stream URL, status, heading and field
    /// of view as `$2`..`$9`.
    pub update: &'static str,
}

/// The shared camera registry queries for database `DB`.
pub(crate) struct CameraQueries<DB>(PhantomData<DB>);

impl<DB> CameraQueries<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Decode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<f64>: Encode<'q, DB>,
    for<'r> CameraRow: FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    /// Applies `change` to camera `id` and bumps the cameras' version (see
    /// `Store::update_camera`); run it in a write transaction.
    pub async fn update_camera(
        conn: &mut DB::Connection,
        writes: &CameraWrites,
        id: CameraId,
        change: &CameraChange,
    ) -> Result<Camera, StoreError> {
        let camera = Self::live_camera(&mut *conn, writes, id, "changed").await?;
        let changed = camera.changed(change);
        sqlx::query(writes.update)
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
        versions::bump(conn, Topic::Cameras).await?;
        Ok(changed)
    }

    /// Retires camera `id` at `at`, kept to the microsecond, and bumps the cameras'
    /// version (see `Store::retire_camera`); run it in a write transaction.
    pub async fn retire_camera(
        conn: &mut DB::Connection,
        writes: &CameraWrites,
        id: CameraId,
        at: DateTime<Utc>,
    ) -> Result<Camera, StoreError> {
        let at = at.trunc_subsecs(6);
        let camera = Self::live_camera(&mut *conn, writes, id, "retired").await?;
        sqlx::query("UPDATE cameras SET retired_at = $2 WHERE id = $1")
            .bind(id)
            .bind(at)
            .execute(&mut *conn)
            .await
            .map_err(|e| write_error(e, &format!("camera {id}")))?;
        versions::bump(conn, Topic::Cameras).await?;
        Ok(Camera {
            retired_at: Some(at),
            ..camera
        })
    }

    /// Camera `id`, locked, provided it is not retired: a retired one cannot be `done`
    /// again, which is a [`StoreError::Conflict`].
    async fn live_camera(
        conn: &mut DB::Connection,
        writes: &CameraWrites,
        id: CameraId,
        done: &str,
    ) -> Result<Camera, StoreError> {
        let row: Option<CameraRow> = sqlx::query_as(writes.lock)
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

    /// Every camera code in use, retired cameras' included, in order.
    pub async fn camera_codes(conn: &mut DB::Connection) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT code FROM cameras ORDER BY code")
            .fetch_all(conn)
            .await?)
    }
}
