//! `GET /api/incidents/live`: a server-sent-events stream of incident changes, so every
//! dispatcher's map and list update without reloading. Each event is named `filed` or
//! `changed` and carries the incident in the shape of `GET /api/incidents/{id}`; a
//! listener too slow to keep up receives a `lagged` event and should reload its list.
//!
//! The stream carries the changes made through this service process. Behind several
//! replicas, route a page's stream and its writes to one replica, or add a shared feed
//! (PostgreSQL `LISTEN`/`NOTIFY`) as the accounts and scale issues plan.

use super::auth::Routes;
use super::incidents::{Reach, view_if_seen};
use super::{AppState, RequestContext};
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::Utc;
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new().get("/incidents/live", super::incidents::READERS, live)
}

async fn live(
    State(state): State<AppState>,
    context: RequestContext,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let changes = state.desk.subscribe();
    // The listener's reach is fixed for the life of the stream: worked out once.
    let reach = Reach::of(&context);
    let events = stream::unfold(
        (changes, state, context, reach),
        |(mut changes, state, context, reach)| async move {
            loop {
                let event = match changes.recv().await {
                    Ok(change) => {
                        let seen =
                            view_if_seen(&context, &reach, &change.incident, &state, Utc::now());
                        let Some(view) = seen else {
                            continue;
                        };
                        Event::default()
                            .event(change.kind)
                            .id(change.incident.revision.to_string())
                            .json_data(view)
                            .unwrap_or_else(|_| Event::default().event("error"))
                    }
                    Err(RecvError::Lagged(missed)) => {
                        Event::default().event("lagged").data(missed.to_string())
                    }
                    Err(RecvError::Closed) => return None,
                };
                return Some((Ok(event), (changes, state, context, reach)));
            }
        },
    );
    Sse::new(events).keep_alive(KeepAlive::default())
}
