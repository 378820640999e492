//! What both backends share, compiled once (unlike `sql/`): rows as they come out of
//! SQL, their mapping to the domain model, and the mapping of database errors to
//! [`StoreError`].
//!
//! The backends differ only in how a geometry is spelt (GeoJSON text or WKB) and in
//! their SQL; everything after the query is written once here, so they cannot drift.

pub(crate) mod accounts;
pub(crate) mod incidents;
pub(crate) mod linkage;
pub(crate) mod planning;

use super::StoreError;
use crate::domain::{
    Camera, CameraId, FieldOfView, Grid, GridCode, GridId, Heading, LevelNo, LonLat, NewCamera,
    NewGrid, NewWorker, Shift, Worker, WorkerId,
};
use chrono::{DateTime, Utc};
use geo::MultiPolygon;
use sqlx::error::ErrorKind;
use std::collections::HashMap;

/// A `grids` row; `G` is the stored geometry (GeoJSON text or WKB bytes).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct GridRow<G> {
    pub id: GridId,
    pub code: String,
    pub name: String,
    pub level: LevelNo,
    pub parent_id: Option<GridId>,
    pub households: i64,
    pub residents: i64,
    pub geometry: G,
    pub version: i64,
}

impl<G> GridRow<G> {
    /// Builds the grid, decoding the geometry with the backend's own reader.
    pub fn into_grid(
        self,
        decode: impl FnOnce(G, &str) -> Result<MultiPolygon<f64>, StoreError>,
    ) -> Result<Grid, StoreError> {
        let what = format!("grid {}", self.id);
        Ok(Grid {
            id: self.id,
            code: GridCode::parse(&self.code).map_err(|e| corrupt(&what, &e))?,
            name: self.name,
            level: self.level,
            parent_id: self.parent_id,
            geometry: decode(self.geometry, &what)?,
            households: self.households,
            residents: self.residents,
            version: self.version,
        })
    }
}

/// A `cameras` row, with the point as two doubles.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct CameraRow {
    pub id: CameraId,
    pub code: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub kind: String,
    pub stream_url: String,
    pub status: String,
    pub heading_deg: Option<f64>,
    pub fov_deg: Option<f64>,
    pub retired_at: Option<DateTime<Utc>>,
}

impl TryFrom<CameraRow> for Camera {
    type Error = StoreError;

    fn try_from(row: CameraRow) -> Result<Self, StoreError> {
        let what = format!("camera {}", row.id);
        Ok(Camera {
            id: row.id,
            code: row.code,
            name: row.name,
            location: LonLat::new(row.lon, row.lat).map_err(|e| corrupt(&what, &e))?,
            kind: row.kind.parse().map_err(|e| corrupt(&what, &e))?,
            stream_url: row.stream_url,
            status: row.status.parse().map_err(|e| corrupt(&what, &e))?,
            heading: (row.heading_deg.map(Heading::new).transpose())
                .map_err(|e| corrupt(&what, &e))?,
            field_of_view: (row.fov_deg.map(FieldOfView::new).transpose())
                .map_err(|e| corrupt(&what, &e))?,
            retired_at: row.retired_at,
        })
    }
}

/// A `workers` row, with the last position as two nullable doubles.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct WorkerRow {
    pub id: WorkerId,
    pub name: String,
    pub role: String,
    pub department: Option<String>,
    pub phone: String,
    pub on_duty: bool,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub position_at: Option<DateTime<Utc>>,
}

/// When a worker's last known position was reported.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PositionTime {
    pub position_at: Option<DateTime<Utc>>,
}

/// A `shifts` row: worker, weekday bits, start and end minutes.
pub(crate) type ShiftRow = (WorkerId, i64, i64, i64);

/// Joins workers to their `(worker_id, grid_id)` assignments and their shifts, keeping the
/// rows' order.
pub(crate) fn assemble_workers(
    rows: Vec<WorkerRow>,
    assignments: Vec<(WorkerId, GridId)>,
    shift_rows: Vec<ShiftRow>,
) -> Result<Vec<Worker>, StoreError> {
    let mut grids: HashMap<WorkerId, Vec<GridId>> = HashMap::new();
    for (worker_id, grid_id) in assignments {
        grids.entry(worker_id).or_default().push(grid_id);
    }
    let mut shifts: HashMap<WorkerId, Vec<Shift>> = HashMap::new();
    for (worker_id, weekdays, starts, ends) in shift_rows {
        let shift = u8::try_from(weekdays)
            .ok()
            .zip(u16::try_from(starts).ok().zip(u16::try_from(ends).ok()))
            .ok_or_else(|| format!("{weekdays}, {starts}, {ends}"))
            .and_then(|(w, (s, e))| Shift::from_parts(w, s, e).map_err(|e| e.to_string()))
            .map_err(|e| corrupt(&format!("worker {worker_id}: shift"), &e))?;
        shifts.entry(worker_id).or_default().push(shift);
    }
    rows.into_iter()
        .map(|row| {
            let what = format!("worker {}", row.id);
            let position = match (row.lon, row.lat) {
                (Some(lon), Some(lat)) => {
                    Some(LonLat::new(lon, lat).map_err(|e| corrupt(&what, &e))?)
                }
                (None, None) => None,
                _ => return Err(StoreError::Corrupt(format!("{what}: half a position"))),
            };
            Ok(Worker {
                grid_ids: grids.remove(&row.id).unwrap_or_default(),
                id: row.id,
                name: row.name,
                role: row.role.parse().map_err(|e| corrupt(&what, &e))?,
                department: row.department,
                phone: row.phone,
                on_duty: row.on_duty,
                position,
                position_at: row.position_at,
                shifts: shifts.remove(&row.id).unwrap_or_default(),
            })
        })
        .collect()
}

fn corrupt(what: &str, err: &dyn std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {err}"))
}

/// Maps a database error from writing `what` (e.g. `grid 320282102`) to a [`StoreError`]:
/// broken uniqueness or references are conflicts, refused checks are invalid data, and
/// the rest stays a database error. The messages are fixed text plus `what`, never the
/// database's own wording nor its constraint names (those go to the debug log), so they
/// are safe to show a client.
pub(crate) fn write_error(err: sqlx::Error, what: &str) -> StoreError {
    let sqlx::Error::Database(db) = &err else {
        return StoreError::Db(err);
    };
    let refused = match db.kind() {
        ErrorKind::UniqueViolation => StoreError::Conflict(format!("{what} already exists")),
        ErrorKind::ForeignKeyViolation => {
            StoreError::Conflict(format!("{what} refers to a row that does not exist"))
        }
        ErrorKind::CheckViolation | ErrorKind::NotNullViolation => {
            StoreError::Invalid(format!("{what} was refused by a database check"))
        }
        _ => return StoreError::Db(err),
    };
    tracing::debug!(what, constraint = db.constraint(), error = %db, "write refused");
    refused
}

/// `NotFound` for a row that a lookup by id or code did not return.
pub(crate) fn found<T>(row: Option<T>, what: impl FnOnce() -> String) -> Result<T, StoreError> {
    row.ok_or_else(|| StoreError::NotFound(what()))
}

/// The grid just inserted, built from what was written rather than read back.
pub(crate) fn stored_grid(id: GridId, parent_id: Option<GridId>, grid: &NewGrid) -> Grid {
    Grid {
        id,
        code: grid.code.clone(),
        name: grid.name.clone(),
        level: grid.level,
        parent_id,
        geometry: grid.geometry.clone(),
        households: grid.households,
        residents: grid.residents,
        version: 1,
    }
}

/// The camera just inserted.
pub(crate) fn stored_camera(id: CameraId, camera: &NewCamera) -> Camera {
    Camera {
        id,
        code: camera.code.clone(),
        name: camera.name.clone(),
        location: camera.location,
        kind: camera.kind,
        stream_url: camera.stream_url.as_str().to_owned(),
        status: camera.status,
        heading: camera.heading,
        field_of_view: camera.field_of_view,
        retired_at: None,
    }
}

/// The worker just inserted; assignments are a set, kept in id order as they are read.
pub(crate) fn stored_worker(id: WorkerId, mut grid_ids: Vec<GridId>, worker: &NewWorker) -> Worker {
    grid_ids.sort_unstable();
    grid_ids.dedup();
    Worker {
        id,
        name: worker.name.clone(),
        role: worker.role,
        department: worker.department.clone(),
        phone: worker.phone.clone(),
        grid_ids,
        on_duty: worker.on_duty,
        position: worker.position,
        position_at: worker.position_at,
        shifts: worker.shifts.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::error::DatabaseError;

    const CONSTRAINT: &str = "grids_secret_rule";

    /// A refusal as a database reports it, naming its constraint.
    #[derive(Debug)]
    struct Refusal(ErrorKind, String);

    fn refusal(kind: ErrorKind) -> sqlx::Error {
        let message = format!("new row violates constraint \"{CONSTRAINT}\"");
        sqlx::Error::Database(Box::new(Refusal(kind, message)))
    }

    impl std::fmt::Display for Refusal {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.1)
        }
    }

    impl std::error::Error for Refusal {}

    impl DatabaseError for Refusal {
        fn message(&self) -> &str {
            &self.1
        }
        fn constraint(&self) -> Option<&str> {
            self.1.contains(CONSTRAINT).then_some(CONSTRAINT)
        }
        fn kind(&self) -> ErrorKind {
            match &self.0 {
                ErrorKind::UniqueViolation => ErrorKind::UniqueViolation,
                ErrorKind::ForeignKeyViolation => ErrorKind::ForeignKeyViolation,
                ErrorKind::NotNullViolation => ErrorKind::NotNullViolation,
                ErrorKind::CheckViolation => ErrorKind::CheckViolation,
                _ => ErrorKind::Other,
            }
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
    }

    #[test]
    fn refusals_name_the_row_but_never_the_constraint() {
        let cases = [
            (ErrorKind::UniqueViolation, "grid 320282102 already exists"),
            (
                ErrorKind::ForeignKeyViolation,
                "grid 320282102 refers to a row that does not exist",
            ),
            (
                ErrorKind::CheckViolation,
                "grid 320282102 was refused by a database check",
            ),
            (
                ErrorKind::NotNullViolation,
                "grid 320282102 was refused by a database check",
            ),
        ];
        for (kind, expected) in cases {
            let label = format!("{kind:?}");
            let message = match write_error(refusal(kind), "grid 320282102") {
                StoreError::Conflict(m) | StoreError::Invalid(m) => m,
                other => panic!("{label}: expected a conflict or invalid data, got {other:?}"),
            };
            assert_eq!(message, expected, "{label}");
        }
        let other = write_error(refusal(ErrorKind::Other), "grid 1");
        assert!(matches!(other, StoreError::Db(_)), "{other:?}");
    }
}
