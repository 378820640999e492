//! `GET /api/linkage/live?worker_id=N`: server-sent events `alert` and `call`, in the
//! shapes of `GET /api/alerts/{id}` (without the ranking) and `GET /api/calls/{id}`; with
//! `worker_id`, only that worker's calls, which is what a phone listens to. On PostGIS it
//! carries every replica's changes (they tell each other with `NOTIFY`), so a phone may be
//! connected to any of them; on SQLite there is one process.

use super::view::live_event;
use crate::domain::WorkerId;
use crate::http::extract::Query;
use crate::http::{ApiError, AppState};
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

pub(super) async fn live(
    State(state): State<AppState>,
    Query(q): Query<LiveQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let changes = state.linkage.subscribe();
    let events = stream::unfold((changes, state), move |(mut changes, state)| async move {
        loop {
            let event = match changes.recv().await {
                Ok(change) => match live_event(&state, &change).await {
                    Ok((_, worker, _)) if q.worker_id.is_some() && worker != q.worker_id => {
                        continue;
                    }
                    Ok((name, _, data)) => Event::default()
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
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
