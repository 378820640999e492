//! Pages of incidents, filtered as the request asks: the one query whose conditions are
//! built at run time, and the photos attached to what it found.

use super::incidents::COLUMNS;
use super::{Conn, Db};
use crate::domain::{IncidentId, PhotoId, Urgency};
use crate::store::rows::incidents::IncidentRow;
use crate::store::{IncidentFilter, IncidentPage, StoreError};
use chrono::{DateTime, SubsecRound, Utc};
use sqlx::query::QueryAs;
use sqlx::{Database, FromRow};
use std::collections::HashMap;

/// The statuses of closed incidents, which have no colour; see `IncidentStatus::is_open`.
const NOT_OPEN: &str = "('closed', 'archived', 'rejected')";

/// The ids of the photos attached to each of `ids`.
pub(super) async fn photos_of(
    conn: &mut Conn,
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
pub(super) async fn list(
    conn: &mut Conn,
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
    let mut photos = photos_of(conn, &ids).await?;
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

    /// The query as built, its values bound, reading rows as `T`.
    fn query_as<T>(&mut self) -> QueryAs<'_, Db, T, <Db as Database>::Arguments<'_>>
    where
        T: for<'r> FromRow<'r, <Db as Database>::Row>,
    {
        let mut query = sqlx::query_as::<Db, T>(&self.text);
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
