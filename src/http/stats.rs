//! Statistics: `GET /api/stats`, a grid and the grids below it with their incident
//! figures (see [`crate::domain::stats`] for what each figure means), as JSON or as a CSV
//! that Excel opens. Tallied from the in-memory facts mirror, never from the database.

use super::auth::Routes;
use super::extract::Query;
use super::{ApiError, AppState, RequestContext};
use crate::domain::Permission;
use crate::domain::{
    CategoryGrouping, CategoryLevel, Period, StatsReport, TallyOptions, duty_classes,
};
use crate::mirrors::{ReportOn, StatsError};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Deserialize;
use std::sync::Arc;

impl From<StatsError> for ApiError {
    fn from(e: StatsError) -> Self {
        match e {
            StatsError::UnknownGrid(_) => Self::bad_request("invalid_query", e.to_string()),
            StatsError::Tally(e) => Self::Internal(e.to_string()),
        }
    }
}

/// Deepest a report reaches below its grid: town to micro-grid.
const MAX_DEPTH: u8 = 3;

/// China Standard Time, in which dates are days.
const CST: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => unreachable!(),
};

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new().get("/stats", Permission::StatsRead, stats)
}

/// How the report is sent.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Format {
    /// JSON, the [`StatsReport`] shape.
    #[default]
    Json,
    /// CSV with a byte-order mark, one row per grid and breakdown cell.
    Csv,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatsQuery {
    /// The grid reported on, by code or id; the top level when absent.
    grid: Option<String>,
    /// How many levels below it are listed too.
    depth: Option<u8>,
    by_category: Option<CategoryLevel>,
    period: Option<Period>,
    /// First report date counted (China time), inclusive.
    from: Option<NaiveDate>,
    /// Last report date counted (China time), inclusive.
    to: Option<NaiveDate>,
    format: Option<Format>,
}

async fn stats(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<StatsQuery>,
) -> Result<Response, ApiError> {
    let depth = q.depth.unwrap_or(1);
    if depth > MAX_DEPTH {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("depth: {depth} is more than {MAX_DEPTH}"),
        ));
    }
    let options = TallyOptions {
        by_category: q.by_category.map(|level| match level {
            CategoryLevel::SubCategory => CategoryGrouping::SubCategory,
            CategoryLevel::DutyClass => {
                CategoryGrouping::DutyClass(duty_classes(state.desk.categories()))
            }
        }),
        by_period: q.period,
        reported: reported_range(q.from, q.to)?,
    };
    let on = ReportOn {
        scope: &ctx.scope,
        grid: q.grid.as_deref(),
        depth,
    };
    let facts = Arc::clone(&state.mirrors.incidents);
    let report = facts
        .report(&state.mirrors.index.grids(), on, options)
        .await?;
    Ok(q.format.unwrap_or_default().answer(&report))
}

impl Format {
    /// The report as an answer in this format.
    fn answer(self, report: &StatsReport) -> Response {
        match self {
            Self::Json => axum::Json(report).into_response(),
            Self::Csv => (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"gridlink-stats.csv\"",
                    ),
                ],
                report.to_csv(),
            )
                .into_response(),
        }
    }
}

/// The instants `from` and `to` (whole China-time days, inclusive) span.
fn reported_range(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Option<std::ops::Range<DateTime<Utc>>>, ApiError> {
    if from.is_none() && to.is_none() {
        return Ok(None);
    }
    let start_of = |day: NaiveDate| {
        day.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(CST).single())
            .map(|t| t.with_timezone(&Utc))
    };
    let start = from.map_or(Some(DateTime::<Utc>::MIN_UTC), start_of);
    let end = to.map_or(Some(DateTime::<Utc>::MAX_UTC), |day| {
        day.succ_opt().and_then(start_of)
    });
    let (Some(start), Some(end)) = (start, end) else {
        return Err(ApiError::bad_request(
            "invalid_query",
            "from/to: date out of range",
        ));
    };
    if end <= start {
        return Err(ApiError::bad_request(
            "invalid_query",
            "from/to: `from` is after `to`",
        ));
    }
    Ok(Some(start..end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn dates_are_whole_china_time_days_inclusive() {
        let range = reported_range(Some(day("2026-11-23")), Some(day("2026-11-23")))
            .unwrap()
            .unwrap();
        assert_eq!(range.start.to_rfc3339(), "2026-11-22T16:00:00+00:00");
        assert_eq!(range.end.to_rfc3339(), "2026-11-23T16:00:00+00:00");
    }

    #[test]
    fn a_range_that_ends_before_it_starts_is_refused() {
        assert!(reported_range(Some(day("2026-11-24")), Some(day("2026-11-23"))).is_err());
    }

    #[test]
    fn no_dates_count_every_incident() {
        assert!(reported_range(None, None).unwrap().is_none());
    }
}
