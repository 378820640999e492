//! Pages of incidents, filtered as the request asks: the one query whose conditions are
//! built at run time, and the photos attached to what it found.

use super::scope::push_code_in_scope;
use super::{Conn, Db};
use crate::domain::{GridScope, IncidentId, PhotoId, Urgency};
use crate::store::rows::incidents::IncidentRow;
use crate::store::{IncidentFilter, IncidentPage, StoreError};
use chrono::SubsecRound;
use sqlx::QueryBuilder;
use std::collections::HashMap;

/// The columns of an incident, in [`IncidentRow`]'s order.
pub(super) const COLUMNS: &str = "id, category, source, lon, lat, chain, description, reporter, priority, \
     status, extension_from, pending_extension, responsible_grid_id, department, assignee_id, \
     reported_at, deadline, yellow_at, closed_at, satisfaction, duplicate_of, revision, \
     updated_at";

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
    let mut query =
        QueryBuilder::<Db>::new("SELECT incident_id, id FROM photos WHERE incident_id IN (");
    let mut list = query.separated(", ");
    for &id in ids {
        list.push_bind(id);
    }
    query.push(") ORDER BY id");
    let rows: Vec<(IncidentId, PhotoId)> = query.build_query_as().fetch_all(conn).await?;
    for (incident, photo) in rows {
        photos.entry(incident).or_default().push(photo);
    }
    Ok(photos)
}

/// The incidents within `scope` that `filter` selects, newest first, one page of them.
/// Only placeholders are spliced into the text; values are bound.
pub(super) async fn list(
    conn: &mut Conn,
    scope: &GridScope,
    filter: &IncidentFilter,
) -> Result<IncidentPage, StoreError> {
    let mut sql = QueryBuilder::<Db>::new(format!("SELECT {COLUMNS} FROM incidents WHERE 1 = 1"));
    push_code_in_scope(&mut sql, scope, "grid_code");
    if !filter.statuses.is_empty() {
        sql.push(" AND status IN (");
        let mut list = sql.separated(", ");
        for status in &filter.statuses {
            list.push_bind(status.as_str().to_owned());
        }
        sql.push(")");
    }
    let now = filter.now.trunc_subsecs(6);
    if let Some(colour) = filter.colour {
        sql.push(format_args!(" AND status NOT IN {NOT_OPEN}"));
        match colour {
            Urgency::Red => sql.push(" AND deadline <= ").push_bind(now),
            Urgency::Yellow => sql
                .push(" AND deadline > ")
                .push_bind(now)
                .push(" AND yellow_at < ")
                .push_bind(now),
            Urgency::Blue => sql.push(" AND yellow_at >= ").push_bind(now),
        };
    }
    if let Some(grid) = &filter.grid {
        // Every code under `grid` starts with its code; ':' sorts right after '9'.
        sql.push(" AND grid_code >= ").push_bind(grid.to_string());
        sql.push(" AND grid_code < ").push_bind(format!("{grid}:"));
    }
    if !filter.categories.is_empty() {
        sql.push(" AND category IN (");
        let mut list = sql.separated(", ");
        for category in &filter.categories {
            list.push_bind(category.clone());
        }
        sql.push(")");
    }
    if let Some(assignee) = filter.assignee {
        sql.push(" AND assignee_id = ").push_bind(assignee);
    }
    if let Some(department) = &filter.department {
        sql.push(" AND department = ").push_bind(department.clone());
    }
    if let Some(bbox) = filter.bbox {
        sql.push(" AND lon BETWEEN ").push_bind(bbox.min().lon());
        sql.push(" AND ").push_bind(bbox.max().lon());
        sql.push(" AND lat BETWEEN ").push_bind(bbox.min().lat());
        sql.push(" AND ").push_bind(bbox.max().lat());
    }
    if let Some(since) = filter.reported_since {
        sql.push(" AND reported_at >= ")
            .push_bind(since.trunc_subsecs(6));
    }
    if let Some(before) = filter.before_id {
        sql.push(" AND id < ").push_bind(before);
    }
    // One more than asked tells whether another page follows.
    let limit = i64::from(filter.limit);
    sql.push(" ORDER BY id DESC LIMIT ").push_bind(limit + 1);
    let mut rows: Vec<IncidentRow> = sql.build_query_as().fetch_all(&mut *conn).await?;
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
