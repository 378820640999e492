//! Incident queries both backends run word for word, generic over the database like
//! `queries.rs`. Each write runs in the caller's transaction.

use super::rows::{found, write_error};
use super::{IncidentFilter, IncidentPage, NewPhoto, RecordedFact, StoreError, StoredPhoto};
use crate::domain::{
    ChainEntry, EventDetails, GridCode, Incident, IncidentAction, IncidentEvent, IncidentFact,
    IncidentId, IncidentState, IncidentStatus, LonLat, NewIncident, NewIncidentEvent, PhotoId,
    Responsible, TimeLimit, Urgency,
};
use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::query::{QueryAs, QueryScalar};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::str::FromStr;

/// The columns of an incident, in [`IncidentRow`]'s order.
const COLUMNS: &str = "id, category, source, lon, lat, chain, description, reporter, priority, \
     status, extension_from, pending_extension, responsible_grid_id, department, assignee_id, \
     reported_at, deadline, yellow_at, closed_at, satisfaction, duplicate_of, revision, \
     updated_at";

/// The statuses of closed incidents, which have no colour; see `IncidentStatus::is_open`.
const NOT_OPEN: &str = "('closed', 'archived', 'rejected')";

/// An `incidents` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct IncidentRow {
    id: IncidentId,
    category: String,
    source: String,
    lon: f64,
    lat: f64,
    chain: String,
    description: String,
    reporter: String,
    priority: String,
    status: String,
    extension_from: Option<String>,
    pending_extension: Option<String>,
    responsible_grid_id: Option<i64>,
    department: Option<String>,
    assignee_id: Option<i64>,
    reported_at: DateTime<Utc>,
    deadline: DateTime<Utc>,
    yellow_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    satisfaction: Option<i64>,
    duplicate_of: Option<i64>,
    revision: i64,
    updated_at: DateTime<Utc>,
}

/// An `incident_events` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EventRow {
    seq: i64,
    at: DateTime<Utc>,
    actor: String,
    action: Option<String>,
    from_status: Option<String>,
    to_status: String,
    note: String,
    photos: String,
    details: String,
}

/// The narrow row statistics read: see [`RecordedFact`].
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct FactRow {
    id: IncidentId,
    revision: i64,
    updated_at: DateTime<Utc>,
    grid_code: String,
    category: String,
    status: String,
    reported_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    deadline: DateTime<Utc>,
    yellow_at: DateTime<Utc>,
    satisfaction: Option<i64>,
}

impl FactRow {
    fn into_fact(self) -> Result<RecordedFact, StoreError> {
        let what = || format!("incident {}", self.id);
        Ok(RecordedFact {
            id: self.id,
            revision: self.revision,
            updated_at: self.updated_at,
            fact: IncidentFact {
                grid_code: GridCode::parse(&self.grid_code).map_err(|e| corrupt(what(), e))?,
                status: word(&self.status, &what())?,
                // A rating outside 1..=5 cannot be stored (a CHECK), and statistics ignore one.
                satisfaction: self.satisfaction.and_then(|s| u8::try_from(s).ok()),
                category: self.category,
                reported_at: self.reported_at,
                closed_at: self.closed_at,
                deadline: self.deadline,
                yellow_at: self.yellow_at,
            },
        })
    }
}

/// A `photos` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PhotoRow {
    id: PhotoId,
    incident_id: Option<IncidentId>,
    content_type: String,
    width: i64,
    height: i64,
    data: Vec<u8>,
}

/// A stored value that does not read back, naming what it belongs to.
pub(crate) fn corrupt(what: impl std::fmt::Display, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {err}"))
}

/// A stored word (a status, a kind) read back into its enum.
pub(crate) fn word<T: FromStr>(text: &str, what: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e| corrupt(what, e))
}

fn json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

fn to_json(value: &impl Serialize) -> String {
    // Plain structs of strings and numbers always serialise.
    serde_json::to_string(value).unwrap_or_default()
}

impl IncidentRow {
    fn into_incident(self, photos: Vec<PhotoId>) -> Result<Incident, StoreError> {
        let what = format!("incident {}", self.id);
        let status: IncidentStatus = word(&self.status, &what)?;
        let extension_from = self
            .extension_from
            .as_deref()
            .map(|s| word(s, &what))
            .transpose()?;
        Ok(Incident {
            id: self.id,
            category: self.category,
            source: word(&self.source, &what)?,
            location: LonLat::new(self.lon, self.lat).map_err(|e| corrupt(&what, e))?,
            chain: json::<Vec<ChainEntry>>(&self.chain, &what)?,
            description: self.description,
            reporter: self.reporter,
            priority: word(&self.priority, &what)?,
            state: IncidentState::new(status, extension_from).map_err(|e| corrupt(&what, e))?,
            responsible: Responsible {
                grid: self.responsible_grid_id,
                department: self.department,
            },
            assignee: self.assignee_id,
            reported_at: self.reported_at,
            deadline: self.deadline,
            yellow_at: self.yellow_at,
            pending_extension: self
                .pending_extension
                .as_deref()
                .map(|s| json::<TimeLimit>(s, &what))
                .transpose()?,
            closed_at: self.closed_at,
            satisfaction: self
                .satisfaction
                .map(|s| u8::try_from(s).map_err(|e| corrupt(&what, e)))
                .transpose()?,
            duplicate_of: self.duplicate_of,
            photos,
            revision: self.revision,
            updated_at: self.updated_at,
        })
    }
}

impl EventRow {
    fn into_event(self, incident: IncidentId) -> Result<IncidentEvent, StoreError> {
        let what = format!("incident {incident} event {}", self.seq);
        Ok(IncidentEvent {
            seq: self.seq,
            at: self.at,
            actor: self.actor,
            action: self
                .action
                .as_deref()
                .map(|a| word::<IncidentAction>(a, &what))
                .transpose()?,
            from: self
                .from_status
                .as_deref()
                .map(|s| word::<IncidentStatus>(s, &what))
                .transpose()?,
            to: word(&self.to_status, &what)?,
            note: self.note,
            photos: json(&self.photos, &what)?,
            details: json::<EventDetails>(&self.details, &what)?,
        })
    }
}

/// The incident just filed, built from what was written rather than read back: times as
/// stored (to the microsecond), photos in id order as a read gives them.
fn stored_incident(id: IncidentId, new: &NewIncident, photos: &[PhotoId]) -> Incident {
    let reported_at = new.reported_at.trunc_subsecs(6);
    let mut photos = photos.to_vec();
    photos.sort_unstable();
    Incident {
        id,
        category: new.category.clone(),
        source: new.source,
        location: new.location,
        chain: new.chain.clone(),
        description: new.description.clone(),
        reporter: new.reporter.clone(),
        priority: new.priority,
        state: IncidentState::REPORTED,
        responsible: new.responsible.clone(),
        assignee: new.assignee,
        reported_at,
        deadline: new.deadline.trunc_subsecs(6),
        yellow_at: new.yellow_at.trunc_subsecs(6),
        pending_extension: None,
        closed_at: None,
        satisfaction: None,
        duplicate_of: None,
        photos,
        revision: 1,
        updated_at: reported_at,
    }
}

/// The incident just updated to `revision` at `at`, built from what was written.
fn updated_incident(incident: &Incident, revision: i64, at: DateTime<Utc>) -> Incident {
    let mut stored = incident.clone();
    stored.revision = revision;
    stored.updated_at = at.trunc_subsecs(6);
    stored.deadline = stored.deadline.trunc_subsecs(6);
    stored.yellow_at = stored.yellow_at.trunc_subsecs(6);
    stored.closed_at = stored.closed_at.map(|t| t.trunc_subsecs(6));
    stored.photos.sort_unstable();
    stored
}

/// The shared incident queries for database `DB`.
pub(crate) struct IncidentQueries<DB>(PhantomData<DB>);

impl<DB> IncidentQueries<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'q> &'q [u8]: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'r> IncidentRow: FromRow<'r, DB::Row>,
    for<'r> EventRow: FromRow<'r, DB::Row>,
    for<'r> PhotoRow: FromRow<'r, DB::Row>,
    for<'r> FactRow: FromRow<'r, DB::Row>,
    for<'r> (IncidentId, PhotoId): FromRow<'r, DB::Row>,
    for<'r> (String,): FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    /// Files an incident with its first event, attaching its photos.
    pub async fn insert(
        conn: &mut DB::Connection,
        incident: &NewIncident,
        event: &NewIncidentEvent,
    ) -> Result<Incident, StoreError> {
        let id: IncidentId = Self::bind_incident(
            sqlx::query_scalar::<DB, i64>(
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
        Self::append(&mut *conn, id, 1, None, IncidentStatus::Reported, event).await?;
        Ok(stored_incident(id, incident, &event.photos))
    }

    /// Files an incident without photos and its first event with `sql`, one statement
    /// writing both rows and returning the incident's id (PostgreSQL's `WITH … INSERT`):
    /// one round trip and, run on its own, one transaction. `$1`–`$16` are the incident's
    /// as in [`Self::insert`], `$17`–`$22` the event's `at`, `actor`, `action`, `note`,
    /// `photos` and `details`.
    pub async fn insert_in_one_statement(
        conn: &mut DB::Connection,
        sql: &'static str,
        incident: &NewIncident,
        event: &NewIncidentEvent,
    ) -> Result<Incident, StoreError> {
        debug_assert!(event.photos.is_empty(), "photos are attached by `insert`");
        let id: IncidentId = Self::bind_incident(sqlx::query_scalar::<DB, i64>(sql), incident)
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
    fn bind_incident<'q>(
        query: QueryScalar<'q, DB, i64, DB::Arguments<'q>>,
        incident: &'q NewIncident,
    ) -> QueryScalar<'q, DB, i64, DB::Arguments<'q>> {
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
    /// and appends `event`; see `Store::update_incident`.
    pub async fn update(
        conn: &mut DB::Connection,
        incident: &Incident,
        event: &NewIncidentEvent,
    ) -> Result<Incident, StoreError> {
        let what = format!("incident {}", incident.id);
        let stored: Option<(String,)> =
            sqlx::query_as("SELECT status FROM incidents WHERE id = $1")
                .bind(incident.id)
                .fetch_optional(&mut *conn)
                .await?;
        let (from,) = found(stored, || what.clone())?;
        let updated: Option<IncidentId> = sqlx::query_scalar::<DB, i64>(
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
        Self::append(
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
        conn: &mut DB::Connection,
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
            let attached: Option<PhotoId> = sqlx::query_scalar::<DB, i64>(
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

    /// One incident.
    pub async fn get(conn: &mut DB::Connection, id: IncidentId) -> Result<Incident, StoreError> {
        let select = format!("SELECT {COLUMNS} FROM incidents WHERE id = $1");
        let row: Option<IncidentRow> = sqlx::query_as(&select)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        let row = found(row, || format!("incident {id}"))?;
        let photos = Self::photos_of(conn, &[id])
            .await?
            .remove(&id)
            .unwrap_or_default();
        row.into_incident(photos)
    }

    /// The ids of the photos attached to each of `ids`.
    async fn photos_of(
        conn: &mut DB::Connection,
        ids: &[IncidentId],
    ) -> Result<HashMap<IncidentId, Vec<PhotoId>>, StoreError> {
        let mut photos: HashMap<IncidentId, Vec<PhotoId>> = HashMap::new();
        if ids.is_empty() {
            return Ok(photos);
        }
        let mut sql = Sql::new("SELECT incident_id, id FROM photos WHERE incident_id IN (");
        sql.list(ids.iter().map(|&id| Arg::Int(id)));
        sql.push(") ORDER BY id");
        let rows: Vec<(IncidentId, PhotoId)> = sql.query_as().fetch_all(conn).await?;
        for (incident, photo) in rows {
            photos.entry(incident).or_default().push(photo);
        }
        Ok(photos)
    }

    /// The incidents `filter` selects, newest first, one page of them.
    pub async fn list(
        conn: &mut DB::Connection,
        filter: &IncidentFilter,
    ) -> Result<IncidentPage, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM incidents WHERE 1 = 1"));
        if !filter.statuses.is_empty() {
            sql.push(" AND status IN (");
            sql.list(
                filter
                    .statuses
                    .iter()
                    .map(|s| Arg::Text(s.as_str().to_owned())),
            );
            sql.push(")");
        }
        let now = || Arg::Time(filter.now.trunc_subsecs(6));
        if let Some(colour) = filter.colour {
            sql.push(&format!(" AND status NOT IN {NOT_OPEN}"));
            match colour {
                Urgency::Red => sql.push(" AND deadline <= ").bind(now()),
                Urgency::Yellow => sql
                    .push(" AND deadline > ")
                    .bind(now())
                    .push(" AND yellow_at < ")
                    .bind(now()),
                Urgency::Blue => sql.push(" AND yellow_at >= ").bind(now()),
            };
        }
        if let Some(grid) = &filter.grid {
            // Every code under `grid` starts with its code; ':' sorts right after '9'.
            sql.push(" AND grid_code >= ")
                .bind(Arg::Text(grid.to_string()));
            sql.push(" AND grid_code < ")
                .bind(Arg::Text(format!("{grid}:")));
        }
        if !filter.categories.is_empty() {
            sql.push(" AND category IN (");
            sql.list(filter.categories.iter().map(|c| Arg::Text(c.clone())));
            sql.push(")");
        }
        if let Some(assignee) = filter.assignee {
            sql.push(" AND assignee_id = ").bind(Arg::Int(assignee));
        }
        if let Some(bbox) = filter.bbox {
            sql.push(" AND lon BETWEEN ")
                .bind(Arg::Float(bbox.min().lon()));
            sql.push(" AND ").bind(Arg::Float(bbox.max().lon()));
            sql.push(" AND lat BETWEEN ")
                .bind(Arg::Float(bbox.min().lat()));
            sql.push(" AND ").bind(Arg::Float(bbox.max().lat()));
        }
        if let Some(since) = filter.reported_since {
            sql.push(" AND reported_at >= ")
                .bind(Arg::Time(since.trunc_subsecs(6)));
        }
        if let Some(before) = filter.before_id {
            sql.push(" AND id < ").bind(Arg::Int(before));
        }
        // One more than asked tells whether another page follows.
        let limit = i64::from(filter.limit);
        sql.push(" ORDER BY id DESC LIMIT ")
            .bind(Arg::Int(limit + 1));
        let mut rows: Vec<IncidentRow> = sql.query_as().fetch_all(&mut *conn).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(filter.limit as usize);
        let ids: Vec<IncidentId> = rows.iter().map(|r| r.id).collect();
        let mut photos = Self::photos_of(conn, &ids).await?;
        let incidents = rows
            .into_iter()
            .map(|row| {
                let attached = photos.remove(&row.id).unwrap_or_default();
                row.into_incident(attached)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let next_before = more.then(|| ids.last().copied()).flatten();
        Ok(IncidentPage {
            incidents,
            next_before,
        })
    }

    /// The facts of every incident changed at or after `since`, or of all.
    pub async fn facts(
        conn: &mut DB::Connection,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<RecordedFact>, StoreError> {
        const SELECT: &str = "SELECT id, revision, updated_at, grid_code, category, status, \
             reported_at, closed_at, deadline, yellow_at, satisfaction FROM incidents";
        let rows: Vec<FactRow> = match since {
            None => sqlx::query_as(SELECT).fetch_all(&mut *conn).await?,
            Some(since) => {
                sqlx::query_as(&format!("{SELECT} WHERE updated_at >= $1"))
                    .bind(since.trunc_subsecs(6))
                    .fetch_all(&mut *conn)
                    .await?
            }
        };
        rows.into_iter().map(FactRow::into_fact).collect()
    }

    /// The timeline of an incident, oldest first.
    pub async fn events(
        conn: &mut DB::Connection,
        id: IncidentId,
    ) -> Result<Vec<IncidentEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT seq, at, actor, action, from_status, to_status, note, photos, details \
             FROM incident_events WHERE incident_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            // Every stored incident has its report event, so none means no incident.
            Self::get(conn, id).await?;
        }
        rows.into_iter().map(|row| row.into_event(id)).collect()
    }

    /// Stores an uploaded photo, not yet attached to an incident.
    pub async fn insert_photo(
        conn: &mut DB::Connection,
        photo: &NewPhoto,
    ) -> Result<PhotoId, StoreError> {
        sqlx::query_scalar::<DB, i64>(
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

    /// A stored photo, full size or its thumbnail.
    pub async fn photo(
        conn: &mut DB::Connection,
        id: PhotoId,
        thumbnail: bool,
    ) -> Result<StoredPhoto, StoreError> {
        let select = if thumbnail {
            "SELECT id, incident_id, 'image/jpeg' AS content_type, width, height, \
             thumbnail AS data FROM photos WHERE id = $1"
        } else {
            "SELECT id, incident_id, content_type, width, height, data FROM photos WHERE id = $1"
        };
        let row: Option<PhotoRow> = sqlx::query_as(select).bind(id).fetch_optional(conn).await?;
        let row = found(row, || format!("photo {id}"))?;
        let what = format!("photo {}", row.id);
        Ok(StoredPhoto {
            id: row.id,
            incident: row.incident_id,
            content_type: row.content_type,
            width: u32::try_from(row.width).map_err(|e| corrupt(&what, e))?,
            height: u32::try_from(row.height).map_err(|e| corrupt(&what, e))?,
            data: row.data,
        })
    }
}

/// A value bound to a query built at run time.
enum Arg {
    Text(String),
    Int(i64),
    Float(f64),
    Time(DateTime<Utc>),
}

/// SQL text with `$N` placeholders and the values bound to them, for queries whose
/// conditions depend on the request. Only placeholders are spliced in; values are bound.
struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn bind(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// Binds each value, separated by commas.
    fn list(&mut self, args: impl IntoIterator<Item = Arg>) -> &mut Self {
        for (i, arg) in args.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(arg);
        }
        self
    }

    fn query_as<DB, T>(&mut self) -> QueryAs<'_, DB, T, DB::Arguments<'_>>
    where
        DB: Database,
        T: for<'r> FromRow<'r, DB::Row>,
        for<'q> i64: Encode<'q, DB> + Type<DB>,
        for<'q> String: Encode<'q, DB> + Type<DB>,
        for<'q> f64: Encode<'q, DB> + Type<DB>,
        for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    {
        let mut query = sqlx::query_as::<DB, T>(&self.text);
        for arg in self.args.drain(..) {
            query = match arg {
                Arg::Text(v) => query.bind(v),
                Arg::Int(v) => query.bind(v),
                Arg::Float(v) => query.bind(v),
                Arg::Time(v) => query.bind(v),
            };
        }
        query
    }
}
