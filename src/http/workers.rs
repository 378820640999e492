//! Workers: `GET /api/workers` (optionally by grid, role or duty), `GET /api/workers/{id}`,
//! `GET /api/workers/nearest` (the k nearest available workers to a point),
//! `POST /api/workers/{id}/positions` (a phone reporting where its worker is) and
//! `PUT /api/workers/{id}/shifts` (their weekly shifts).

use super::auth::{AuditNote, Routes};
use super::extract::{self, PageSize, Path, Query};
use super::{ApiError, AppState, RequestContext};
use crate::domain::{Fix, GridId, LonLat, Shift, ShiftSpec, Worker, WorkerId, WorkerRole};
use crate::domain::{GridScope, Permission};
use crate::spatial::{Availability, GridIndex};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// Workers one nearest query answers: 5 unless `k` says otherwise, at most 100.
const NEAREST: PageSize = PageSize {
    param: "k",
    default: 5,
    max: 100,
};

/// How far ahead of our clock a reported time may be, since phones' clocks drift.
const MAX_CLOCK_SKEW: TimeDelta = TimeDelta::seconds(60);

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new()
        .get("/workers", Permission::WorkersRead, list)
        .get("/workers/nearest", Permission::WorkersRead, nearest)
        .get("/workers/{id}", Permission::WorkersRead, one)
        .post(
            "/workers/{id}/positions",
            Permission::PositionsReport,
            record_position,
        )
        .put(
            "/workers/{id}/shifts",
            Permission::WorkersShifts,
            replace_shifts,
        )
        .get(
            "/grids/{id}/responsible",
            Permission::WorkersRead,
            responsible,
        )
}

/// Whose phone numbers the caller may see: their own, and the workers of the grids they
/// hold `workers.contact` on.
struct Phones {
    own: Option<WorkerId>,
    scope: GridScope,
    grids: Arc<GridIndex>,
}

impl Phones {
    fn of(ctx: &RequestContext, state: &AppState) -> Self {
        Self {
            own: ctx.worker_id(),
            scope: ctx.scope_for(Permission::WorkersContact),
            grids: state.mirrors.index.grids(),
        }
    }

    fn shown(&self, w: &Worker) -> bool {
        if self.own == Some(w.id) {
            return true;
        }
        let codes = w
            .grid_ids
            .iter()
            .filter_map(|&id| self.grids.get(id))
            .map(|g| g.code.as_str());
        self.scope.includes_any(codes)
    }
}

/// A worker as the API shows it.
#[derive(Serialize)]
struct WorkerView<'a> {
    id: WorkerId,
    name: &'a str,
    role: WorkerRole,
    department: Option<&'a str>,
    phone: &'a str,
    grid_ids: &'a [GridId],
    on_duty: bool,
    /// One of their shifts covers now.
    on_shift: bool,
    /// On duty, on shift and with a fresh position: they can be called.
    available: bool,
    shifts: &'a [Shift],
    position: Option<LonLat>,
    position_at: Option<DateTime<Utc>>,
}

impl<'a> WorkerView<'a> {
    /// The view of `w`, available or not by `rule`.
    fn new(w: &'a Worker, rule: &Availability, phones: &Phones) -> Self {
        let fix = w.position.zip(w.position_at);
        Self {
            id: w.id,
            name: &w.name,
            role: w.role,
            department: w.department.as_deref(),
            phone: if phones.shown(w) { &w.phone } else { "" },
            grid_ids: &w.grid_ids,
            on_duty: w.on_duty,
            on_shift: w.on_shift(rule.now),
            available: rule.check_parts(w.on_duty, &w.shifts, fix).is_ok(),
            shifts: &w.shifts,
            position: w.position,
            position_at: w.position_at,
        }
    }
}

#[derive(Deserialize)]
struct ListQuery {
    grid: Option<GridId>,
    role: Option<WorkerRole>,
    on_duty: Option<bool>,
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let index = state.mirrors.index.grids();
    if let Some(grid) = q.grid.filter(|&g| index.get(g).is_none()) {
        return Err(ApiError::NotFound(format!("grid {grid}")));
    }
    let answers_for = |w: &Worker, root: GridId| {
        w.grid_ids
            .iter()
            .any(|&g| index.get(g).is_some_and(|ig| index.is_within(ig, root)))
    };
    let workers = state.store.workers(&ctx.scope).await?;
    let rule = state.linkage.availability(Utc::now());
    let phones = Phones::of(&ctx, &state);
    let views: Vec<WorkerView<'_>> = workers
        .iter()
        .filter(|w| q.grid.is_none_or(|g| answers_for(w, g)))
        .filter(|w| q.role.is_none_or(|r| w.role == r))
        .filter(|w| q.on_duty.is_none_or(|d| w.on_duty == d))
        .map(|w| WorkerView::new(w, &rule, &phones))
        .collect();
    Ok(Json(views).into_response())
}

/// The worker with `id`, if the request may see them (one assigned to a grid in its
/// scope, or for the scope of everything any worker); one it may not see is not found.
pub(super) async fn visible_worker(
    state: &AppState,
    ctx: &RequestContext,
    id: WorkerId,
) -> Result<Worker, ApiError> {
    Ok(state.store.worker(&ctx.scope, id).await?)
}

async fn one(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<WorkerId>,
) -> Result<Response, ApiError> {
    let worker = visible_worker(&state, &ctx, id).await?;
    let rule = state.linkage.availability(Utc::now());
    let phones = Phones::of(&ctx, &state);
    Ok(Json(WorkerView::new(&worker, &rule, &phones)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShiftsBody {
    shifts: Vec<ShiftSpec>,
}

async fn replace_shifts(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<WorkerId>,
    extract::Json(body): extract::Json<ShiftsBody>,
) -> Result<Response, ApiError> {
    let shifts = body
        .shifts
        .iter()
        .map(Shift::try_from)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::bad_request("invalid_parameter", format!("shifts: {e}")))?;
    let before = visible_worker(&state, &ctx, id).await?;
    state.store.replace_shifts(id, &shifts).await?;
    // Committed: availability sees the shifts now, not only after the next reload.
    state.mirrors.index.set_shifts(id, &shifts);
    let worker = state.store.worker(&ctx.scope, id).await?;
    let rule = state.linkage.availability(Utc::now());
    let phones = Phones::of(&ctx, &state);
    let note = AuditNote::edit(
        "worker",
        id,
        serde_json::to_value(&before.shifts).ok(),
        serde_json::to_value(&worker.shifts).ok(),
    )
    .action("replace_shifts");
    Ok(note.attach(Json(WorkerView::new(&worker, &rule, &phones))))
}

/// A position report as posted.
#[derive(Deserialize)]
struct PositionBody {
    lon: f64,
    lat: f64,
    accuracy_m: f64,
    at: String,
}

impl PositionBody {
    /// Checks the report against `now`: a valid point, an accuracy of at least 0 m and an
    /// RFC 3339 time no more than [`MAX_CLOCK_SKEW`] ahead.
    fn check(self, now: DateTime<Utc>) -> Result<Fix, ApiError> {
        let position = LonLat::new(self.lon, self.lat)?;
        if !(self.accuracy_m.is_finite() && self.accuracy_m >= 0.0) {
            return Err(ApiError::bad_request(
                "invalid_parameter",
                format!("accuracy_m must be a number >= 0, not {}", self.accuracy_m),
            ));
        }
        let at = DateTime::parse_from_rfc3339(&self.at)
            .map_err(|e| {
                ApiError::bad_request(
                    "invalid_parameter",
                    format!("at must be an RFC 3339 time: {e}"),
                )
            })?
            .with_timezone(&Utc);
        if at > now + MAX_CLOCK_SKEW {
            return Err(ApiError::bad_request(
                "invalid_parameter",
                format!("at {} is more than 60 s in the future", self.at),
            ));
        }
        Ok(Fix {
            position,
            accuracy_m: self.accuracy_m,
            // As stored: both backends keep microseconds.
            at: at.trunc_subsecs(6),
        })
    }
}

async fn record_position(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<WorkerId>,
    extract::Json(body): extract::Json<PositionBody>,
) -> Result<Response, ApiError> {
    if ctx.worker_id() != Some(id) {
        return Err(ApiError::forbidden(format!(
            "only worker {id}, signed in as themselves, may report their position"
        )));
    }
    let now = Utc::now();
    let fix = body.check(now)?;
    let mut worker = visible_worker(&state, &ctx, id).await?;
    state.linkage.record_position(id, &fix, now).await?;
    (worker.position, worker.position_at) = (Some(fix.position), Some(fix.at));
    let rule = state.linkage.availability(now);
    let phones = Phones::of(&ctx, &state);
    Ok(Json(WorkerView::new(&worker, &rule, &phones)).into_response())
}

#[derive(Deserialize)]
struct NearestQuery {
    lon: f64,
    lat: f64,
    k: Option<u32>,
}

#[derive(Serialize)]
struct NearestView<'a> {
    lon: f64,
    lat: f64,
    workers: Vec<NearbyView<'a>>,
}

#[derive(Serialize)]
struct NearbyView<'a> {
    #[serde(flatten)]
    worker: WorkerView<'a>,
    distance_m: f64,
    eta_s: i64,
    responsible: bool,
}

async fn nearest(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<NearestQuery>,
) -> Result<Response, ApiError> {
    let p = LonLat::new(q.lon, q.lat)?;
    let k = NEAREST.of(q.k)? as usize;
    let now = Utc::now();
    let nearest = state.linkage.nearest(&ctx.scope, p, k, now).await?;
    let rule = state.linkage.availability(now);
    let phones = Phones::of(&ctx, &state);
    let views: Vec<NearbyView<'_>> = nearest
        .iter()
        .map(|(worker, c)| NearbyView {
            worker: WorkerView::new(worker, &rule, &phones),
            distance_m: c.distance_m,
            eta_s: c.eta_s,
            responsible: c.responsible,
        })
        .collect();
    Ok(Json(NearestView {
        lon: p.lon(),
        lat: p.lat(),
        workers: views,
    })
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(accuracy_m: f64, at: &str) -> PositionBody {
        PositionBody {
            lon: 119.65,
            lat: 31.17,
            accuracy_m,
            at: at.to_owned(),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_time_up_to_a_minute_ahead_passes_and_a_second_more_does_not() {
        let edge = body(0.0, "2026-11-23T16:01:00+08:00").check(now()).unwrap();
        assert_eq!(edge.at, now() + MAX_CLOCK_SKEW, "offsets are honoured");
        let ahead = body(0.0, "2026-11-23T08:01:01Z").check(now());
        assert!(
            matches!(ahead, Err(ApiError::BadRequest { .. })),
            "{ahead:?}"
        );
    }

    #[test]
    fn accuracy_must_be_a_number_of_at_least_zero() {
        for bad in [-0.5, f64::NAN, f64::INFINITY] {
            let checked = body(bad, "2026-11-23T08:00:00Z").check(now());
            assert!(checked.is_err(), "{bad} passed");
        }
        assert!(body(0.0, "2026-11-23T08:00:00Z").check(now()).is_ok());
    }
}

#[derive(Serialize)]
struct ResponsibleView<'a> {
    #[serde(flatten)]
    worker: WorkerView<'a>,
    /// The grid of the chain the worker answers for.
    for_grid: crate::spatial::ChainLink<'a>,
}

/// The workers who answer for a grid: those assigned to it or to any grid above it, finest
/// grid first (a micro-grid's liaison before the village's grid chief).
async fn responsible(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<GridId>,
) -> Result<Response, ApiError> {
    let index = state.mirrors.index.grids();
    let grid = index
        .get(id)
        .filter(|g| ctx.scope.includes(&g.code))
        .ok_or_else(|| ApiError::NotFound(format!("grid {id}")))?;
    let chain = index.chain(grid);
    let levels: Vec<(GridId, crate::domain::LevelNo)> =
        chain.iter().map(|link| (link.id, link.level)).collect();
    let roster = state.mirrors.index.roster();
    let answering = roster.answering(&levels);
    let ids: Vec<WorkerId> = answering.iter().map(|(m, _, _)| m.id).collect();
    let workers: HashMap<WorkerId, Worker> = state
        .store
        .workers_by_ids(&ctx.scope, &ids)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    let rule = state.linkage.availability(Utc::now());
    let phones = Phones::of(&ctx, &state);
    let views: Vec<ResponsibleView<'_>> = answering
        .iter()
        .filter_map(|&(member, grid_id, _)| {
            Some(ResponsibleView {
                worker: WorkerView::new(workers.get(&member.id)?, &rule, &phones),
                for_grid: *chain.iter().find(|link| link.id == grid_id)?,
            })
        })
        .collect();
    Ok(Json(views).into_response())
}
