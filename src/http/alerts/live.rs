//! `GET /api/linkage/live?worker_id=N`: server-sent events `alert` and `call`, in the
//! shapes of `GET /api/alerts/{id}` (without the ranking) and `GET /api/calls/{id}`; with
//! `worker_id`, only that worker's calls, which is what a phone listens to. A listener
//! hears only the alerts and calls of cameras in the grids where it has `alerts.read`; a
//! grid worker without it hears only their own calls. On PostGIS it
//! carries every replica's changes (they tell each other with `NOTIFY`), so a phone may be
//! connected to any of them; on SQLite there is one process.

use super::view::live_event;
use crate::domain::{GridScope, Permission, WorkerId};
use crate::http::extract::Query;
use crate::http::{ApiError, AppState, RequestContext};
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

#[derive(Deserialize)]
pub(super) struct LiveQuery {
    worker_id: Option<WorkerId>,
}

/// What a listener hears: the command centre every alert and call of its grids (or one
/// worker's calls, if it asks); a grid worker without `alerts.read` only their own calls,
/// wherever the camera is.
fn listener(
    ctx: &RequestContext,
    asked: Option<WorkerId>,
) -> Result<(GridScope, Option<WorkerId>), ApiError> {
    let scope = ctx.scope_for(Permission::AlertsRead);
    if !scope.is_nothing() {
        return Ok((scope, asked));
    }
    let own = ctx.worker_id();
    if asked.is_some() && asked != own {
        return Err(ApiError::forbidden(
            "a grid worker listens only to their own calls",
        ));
    }
    // No worker has id 0: an account that is no worker hears nothing.
    Ok((GridScope::All, Some(own.unwrap_or(0))))
}

pub(super) async fn live(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<LiveQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let (scope, only) = listener(&ctx, q.worker_id)?;
    let changes = state.linkage.subscribe();
    let events = stream::unfold((changes, state), move |(mut changes, state)| {
        let scope = scope.clone();
        async move {
            loop {
                let event = match changes.recv().await {
                    Ok(change) => match live_event(&state, &change, &scope).await {
                        Ok(None) => continue,
                        Ok(Some((_, worker, _))) if only.is_some() && worker != only => {
                            continue;
                        }
                        Ok(Some((name, _, data))) => Event::default()
                            .event(name)
                            .json_data(data)
                            .unwrap_or_else(|_| Event::default().event("error")),
                        Err(error) => {
                            tracing::warn!(%error, "a linkage change could not be shown");
                            continue;
                        }
                    },
                    Err(RecvError::Lagged(missed)) => {
                        Event::default().event("lagged").data(missed.to_string())
                    }
                    Err(RecvError::Closed) => return None,
                };
                return Some((Ok(event), (changes, state)));
            }
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
