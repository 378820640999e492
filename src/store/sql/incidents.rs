//! Incidents, their timelines and photos: the queries, and [`IncidentStore`] for
//! `Backend`. Each write runs in the caller's transaction.

use super::incident_list::{COLUMNS, list, photos_of};
use super::scope::push_code_in_scope;
use super::{Backend, Conn, Db, commit};
use crate::domain::{
    GridScope, Incident, IncidentAction, IncidentEvent, IncidentId, IncidentStatus, NewIncident,
    NewIncidentEvent, PhotoId,
};
use crate::store::dialect::Dialect;
use crate::store::rows::incidents::{
    EventRow, FactRow, IncidentRow, PhotoRow, stored_incident, to_json, updated_incident, word,
};
use crate::store::rows::{found, write_error};
use crate::store::{
    IncidentFilter, IncidentPage, IncidentStore, NewPhoto, RecordedFact, StoreError, StoredPhoto,
};
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};
use sqlx::query::QueryScalar;
use sqlx::{Connection, Database, QueryBuilder};

/// An insert returning an id, with its parameters bound so far.
type Insert<'q> = QueryScalar<'q, Db, i64, <Db as Database>::Arguments<'q>>;

/// Files an incident with its first event, attaching its photos.
pub(super) async fn insert(
    conn: &mut Conn,
    incident: &NewIncident,
    event: &NewIncidentEvent,
) -> Result<Incident, StoreError> {
    let id: IncidentId = bind_incident(
        sqlx::query_scalar::<Db, i64>(
            "INSERT INTO incidents (category, source, lon, lat, grid_code, chain, \
             description, reporter, priority, status, responsible_grid_id, department, \
             assignee_id, reported_at, deadline, yellow_at, revision, updated_at) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, \
             $14) RETURNING id",
        ),
        incident,
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| write_error(e, "the incident"))?;
    append(&mut *conn, id, 1, None, IncidentStatus::Reported, event).await?;
    Ok(stored_incident(id, incident, &event.photos))
}

/// Files an incident without photos and its first event with `sql`, the backend's one
/// statement writing both rows (see `Dialect::INSERT_INCIDENT_AND_EVENT`): one round trip
/// and, run on its own, one transaction.
async fn insert_in_one_statement(
    conn: &mut Conn,
    sql: &'static str,
    incident: &NewIncident,
    event: &NewIncidentEvent,
) -> Result<Incident, StoreError> {
    debug_assert!(event.photos.is_empty(), "photos are attached by `insert`");
    let id: IncidentId = bind_incident(sqlx::query_scalar::<Db, i64>(sql), incident)
        .bind(event.at.trunc_subsecs(6))
        .bind(event.actor.as_str())
        .bind(event.action.map(IncidentAction::as_str))
        .bind(event.note.as_str())
        .bind(to_json(&event.photos))
        .bind(to_json(&event.details))
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| write_error(e, "the incident"))?;
    Ok(stored_incident(id, incident, &event.photos))
}

/// Binds `$1`–`$16` of an incident insert: the new incident's columns, status reported.
fn bind_incident<'q>(query: Insert<'q>, incident: &'q NewIncident) -> Insert<'q> {
    let at = |t: DateTime<Utc>| t.trunc_subsecs(6);
    query
        .bind(incident.category.as_str())
        .bind(incident.source.as_str())
        .bind(incident.location.lon())
        .bind(incident.location.lat())
        .bind(incident.chain.last().map_or("", |g| g.code.as_str()))
        .bind(to_json(&incident.chain))
        .bind(incident.description.as_str())
        .bind(incident.reporter.as_str())
        .bind(incident.priority.as_str())
        .bind(IncidentStatus::Reported.as_str())
        .bind(incident.responsible.grid)
        .bind(incident.responsible.department.as_deref())
        .bind(incident.assignee)
        .bind(at(incident.reported_at))
        .bind(at(incident.deadline))
        .bind(at(incident.yellow_at))
}

/// Writes `incident` over the stored one if its revision is still `incident.revision`,
/// and appends `event`; see `IncidentStore::update_incident`.
pub(super) async fn update(
    conn: &mut Conn,
    incident: &Incident,
    event: &NewIncidentEvent,
) -> Result<Incident, StoreError> {
    let what = format!("incident {}", incident.id);
    let stored: Option<(String,)> = sqlx::query_as("SELECT status FROM incidents WHERE id = $1")
        .bind(incident.id)
        .fetch_optional(&mut *conn)
        .await?;
    let (from,) = found(stored, || what.clone())?;
    let updated: Option<IncidentId> = sqlx::query_scalar::<Db, i64>(
        "UPDATE incidents SET category = $3, priority = $4, status = $5, \
         extension_from = $6, pending_extension = $7, responsible_grid_id = $8, \
         department = $9, assignee_id = $10, deadline = $11, yellow_at = $12, \
         closed_at = $13, satisfaction = $14, duplicate_of = $15, \
         revision = revision + 1, updated_at = $16 WHERE id = $1 AND revision = $2 \
         RETURNING id",
    )
    .bind(incident.id)
    .bind(incident.revision)
    .bind(incident.category.as_str())
    .bind(incident.priority.as_str())
    .bind(incident.status().as_str())
    .bind(incident.state.extension_from().map(IncidentStatus::as_str))
    .bind(incident.pending_extension.as_ref().map(to_json))
    .bind(incident.responsible.grid)
    .bind(incident.responsible.department.as_deref())
    .bind(incident.assignee)
    .bind(incident.deadline.trunc_subsecs(6))
    .bind(incident.yellow_at.trunc_subsecs(6))
    .bind(incident.closed_at.map(|t| t.trunc_subsecs(6)))
    .bind(incident.satisfaction.map(i64::from))
    .bind(incident.duplicate_of)
    .bind(event.at.trunc_subsecs(6))
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| write_error(e, &what))?;
    if updated.is_none() {
        return Err(StoreError::Conflict(format!(
            "{what} was changed by someone else meanwhile; reload it and try again"
        )));
    }
    let from: IncidentStatus = word(&from, &what)?;
    // Filing is revision 1 with event 1, and every update adds one to each.
    let revision = incident.revision + 1;
    append(
        &mut *conn,
        incident.id,
        revision,
        Some(from),
        incident.status(),
        event,
    )
    .await?;
    Ok(updated_incident(incident, revision, event.at))
}

/// Appends event `seq` and attaches its photos to the incident.
async fn append(
    conn: &mut Conn,
    id: IncidentId,
    seq: i64,
    from: Option<IncidentStatus>,
    to: IncidentStatus,
    event: &NewIncidentEvent,
) -> Result<(), StoreError> {
    let what = format!("incident {id}");
    sqlx::query(
        "INSERT INTO incident_events (incident_id, seq, at, actor, action, from_status, \
         to_status, note, photos, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(seq)
    .bind(event.at.trunc_subsecs(6))
    .bind(event.actor.as_str())
    .bind(event.action.map(IncidentAction::as_str))
    .bind(from.map(IncidentStatus::as_str))
    .bind(to.as_str())
    .bind(event.note.as_str())
    .bind(to_json(&event.photos))
    .bind(to_json(&event.details))
    .execute(&mut *conn)
    .await
    .map_err(|e| write_error(e, &what))?;
    for &photo in &event.photos {
        let attached: Option<PhotoId> = sqlx::query_scalar::<Db, i64>(
            "UPDATE photos SET incident_id = $1 WHERE id = $2 AND incident_id IS NULL \
             RETURNING id",
        )
        .bind(id)
        .bind(photo)
        .fetch_optional(&mut *conn)
        .await?;
        if attached.is_none() {
            return Err(StoreError::Conflict(format!(
                "photo {photo} does not exist or is already attached to an incident"
            )));
        }
    }
    Ok(())
}

/// One incident, [`StoreError::NotFound`] outside `scope`.
pub(super) async fn get(
    conn: &mut Conn,
    scope: &GridScope,
    id: IncidentId,
) -> Result<Incident, StoreError> {
    let mut query = QueryBuilder::<Db>::new(format!("SELECT {COLUMNS} FROM incidents WHERE id = "));
    query.push_bind(id);
    push_code_in_scope(&mut query, scope, "grid_code");
    let row: Option<IncidentRow> = query.build_query_as().fetch_optional(&mut *conn).await?;
    let row = found(row, || format!("incident {id}"))?;
    let photos = photos_of(conn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    row.into_incident(photos)
}

/// Stores an uploaded photo, not yet attached to an incident.
pub(super) async fn insert_photo(conn: &mut Conn, photo: &NewPhoto) -> Result<PhotoId, StoreError> {
    sqlx::query_scalar::<Db, i64>(
        "INSERT INTO photos (content_type, width, height, data, thumbnail, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(photo.content_type.as_str())
    .bind(i64::from(photo.width))
    .bind(i64::from(photo.height))
    .bind(photo.data.as_slice())
    .bind(photo.thumbnail.as_slice())
    .bind(photo.uploaded_at.trunc_subsecs(6))
    .fetch_one(conn)
    .await
    .map_err(|e| write_error(e, "the photo"))
}

/// Files an incident on `conn`, in a transaction of its own: without photos in one
/// statement where the backend has one, otherwise in a write transaction that attaches
/// the photos too.
async fn file(
    conn: &mut Conn,
    incident: &NewIncident,
    event: &NewIncidentEvent,
) -> Result<Incident, StoreError> {
    if let Some(sql) = Backend::INSERT_INCIDENT_AND_EVENT
        && event.photos.is_empty()
    {
        return insert_in_one_statement(conn, sql, incident, event).await;
    }
    let mut tx = conn.begin_with(Backend::BEGIN_WRITE).await?;
    let stored = insert(&mut tx, incident, event).await?;
    commit(tx, stored).await
}

#[async_trait]
impl IncidentStore for Backend {
    async fn insert_incident(
        &self,
        incident: &NewIncident,
        event: &NewIncidentEvent,
    ) -> Result<Incident, StoreError> {
        file(&mut *self.conn().await?, incident, event).await
    }

    async fn insert_incident_near(
        &self,
        scope: &GridScope,
        incident: &NewIncident,
        event: &NewIncidentEvent,
        nearby: &IncidentFilter,
    ) -> Result<(Incident, Vec<Incident>), StoreError> {
        // One connection for both: one trip through the pool (and sqlx's ping on the way
        // back) instead of two. The filing has committed before the search starts.
        let mut conn = self.conn().await?;
        let stored = file(&mut conn, incident, event).await?;
        let near = list(&mut conn, scope, &nearby.filed_before(stored.id)).await?;
        Ok((stored, near.incidents))
    }

    async fn incident(&self, scope: &GridScope, id: IncidentId) -> Result<Incident, StoreError> {
        get(&mut *self.conn().await?, scope, id).await
    }

    async fn update_incident(
        &self,
        incident: &Incident,
        event: &NewIncidentEvent,
    ) -> Result<Incident, StoreError> {
        let mut tx = self.write().await?;
        let stored = update(&mut tx, incident, event).await?;
        commit(tx, stored).await
    }

    async fn incidents(
        &self,
        scope: &GridScope,
        filter: &IncidentFilter,
    ) -> Result<IncidentPage, StoreError> {
        list(&mut *self.conn().await?, scope, filter).await
    }

    async fn incident_events(
        &self,
        scope: &GridScope,
        id: IncidentId,
    ) -> Result<Vec<IncidentEvent>, StoreError> {
        let mut conn = self.conn().await?;
        let mut query = QueryBuilder::<Db>::new(
            "SELECT seq, at, actor, action, from_status, to_status, note, photos, details \
             FROM incident_events WHERE incident_id = ",
        );
        query.push_bind(id);
        if !scope.is_all() {
            query.push(" AND EXISTS (SELECT 1 FROM incidents WHERE incidents.id = incident_events.incident_id");
            push_code_in_scope(&mut query, scope, "incidents.grid_code");
            query.push(")");
        }
        query.push(" ORDER BY seq");
        let rows: Vec<EventRow> = query.build_query_as().fetch_all(&mut *conn).await?;
        if rows.is_empty() {
            // Every stored incident has its report event, so none means no incident, or
            // one outside the scope.
            get(&mut conn, scope, id).await?;
        }
        rows.into_iter().map(|row| row.into_event(id)).collect()
    }

    async fn incident_facts(
        &self,
        scope: &GridScope,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<RecordedFact>, StoreError> {
        let mut query = QueryBuilder::<Db>::new(
            "SELECT id, revision, updated_at, grid_code, category, status, reported_at, \
             closed_at, deadline, yellow_at, satisfaction FROM incidents WHERE 1 = 1",
        );
        if let Some(since) = since {
            query
                .push(" AND updated_at >= ")
                .push_bind(since.trunc_subsecs(6));
        }
        push_code_in_scope(&mut query, scope, "grid_code");
        let rows: Vec<FactRow> = query.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(FactRow::into_fact).collect()
    }

    async fn insert_photo(&self, photo: &NewPhoto) -> Result<PhotoId, StoreError> {
        insert_photo(&mut *self.conn().await?, photo).await
    }

    async fn photo(&self, id: PhotoId, thumbnail: bool) -> Result<StoredPhoto, StoreError> {
        let select = if thumbnail {
            "SELECT id, incident_id, 'image/jpeg' AS content_type, width, height, \
             thumbnail AS data FROM photos WHERE id = $1"
        } else {
            "SELECT id, incident_id, content_type, width, height, data FROM photos WHERE id = $1"
        };
        let row: Option<PhotoRow> = sqlx::query_as(select)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        found(row, || format!("photo {id}"))?.into_photo()
    }
}
