//! The HTTP API: one module per resource, each with its own `router()`, merged here under
//! one [`AppState`] and one stack of layers (request ids, tracing, timeouts, body limits,
//! compression, panic catching).

mod accounts;
mod alerts;
mod auth;
mod cameras;
mod changesets;
mod context;
mod error;
mod extract;
mod geojson_out;
mod grids;
mod incidents;
mod levels;
mod live;
mod locate;
mod map;
mod open311;
mod photos;
mod search;
mod stats;
mod tiles;
mod tracks;
mod workers;

pub use auth::{Access, AuditNote, RouteSpec, Routes};
pub use context::RequestContext;
pub use error::ApiError;

use crate::accounts::Accounts;
use crate::config::ServeConfig;
use crate::incidents::Desk;
use crate::linkage::Linkage;
use crate::media::PhotoLimits;
use crate::mirrors::Mirrors;
use crate::planning::Planner;
use crate::store::Store;
use axum::Router;
use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::handler::HandlerWithoutStateExt;
use axum::http::Request;
use axum::http::{HeaderName, StatusCode};
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

/// What every handler can reach: the store, the index and the limits. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<dyn Store>,
    /// The in-memory mirrors of committed data: the index, the tiles' scene, the
    /// statistics facts.
    pub mirrors: Mirrors,
    /// Limits on what one request may ask.
    pub limits: Limits,
    /// What the web map is told about its basemap.
    pub basemap: Option<Arc<Basemap>>,
    /// Incident categories, calendar, settings and live feed.
    pub desk: Arc<Desk>,
    /// Camera alerts and calls to workers.
    pub linkage: Arc<Linkage>,
    /// Change sets of grid boundaries.
    pub planner: Arc<Planner>,
    /// Log-in, sessions, tokens and the caller behind each request.
    pub accounts: Arc<Accounts>,
}

/// An XYZ basemap for the web map.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Basemap {
    /// Tile URL template with `{z}`, `{x}`, `{y}`.
    pub url: String,
    /// Attribution text.
    pub attribution: String,
}

/// Per-request limits taken from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most points in one batch locate.
    pub max_batch_points: usize,
    /// What an incident photo may be.
    pub photo: PhotoLimits,
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("path {}", uri.path()))
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every route of the service with what it needs: the API under `/api`, tiles, Open311
/// and the health check.
fn routes(config: &ServeConfig) -> Routes {
    let api = Routes::new()
        .merge(accounts::router())
        .merge(levels::router())
        .merge(grids::router())
        .merge(locate::router())
        .merge(cameras::router())
        .merge(workers::router())
        .merge(changesets::router())
        .merge(map::router())
        .merge(search::router())
        .merge(stats::router())
        .merge(incidents::router())
        .merge(live::router())
        .merge(photos::router(config))
        .merge(alerts::router(config))
        .merge(tracks::router());
    Routes::new()
        .merge(api.under("/api"))
        .merge(tiles::router().under("/tiles"))
        .merge(open311::router().under("/open311/v2"))
        .get("/healthz", Access::Public, || async { "ok" })
}

/// Every route with what it needs, as the router serves them: for tests that walk them.
#[must_use]
pub fn route_table(config: &ServeConfig) -> Vec<RouteSpec> {
    routes(config).specs().to_vec()
}

/// The whole API with its layers.
pub fn router(state: AppState, config: &ServeConfig) -> Router {
    // The web map's files; anything else is a JSON 404 like every other.
    let web = ServeDir::new(&config.web_dir)
        .append_index_html_on_directories(true)
        .not_found_service(not_found.into_service());
    routes(config)
        .into_router()
        .fallback_service(web)
        .method_not_allowed_fallback(|| async {
            ApiError::Status {
                status: StatusCode::METHOD_NOT_ALLOWED,
                code: "method_not_allowed",
                message: "this path does not accept that method".into(),
            }
        })
        .layer(axum::middleware::from_fn_with_state(
            auth::Gate {
                accounts: Arc::clone(&state.accounts),
                store: Arc::clone(&state.store),
            },
            auth::authenticate,
        ))
        .with_state(state)
        .layer(CompressionLayer::new())
        // Bodies are read only by extractors, which enforce this and answer 413 in JSON.
        .layer(axum::extract::DefaultBodyLimit::max(config.max_body_bytes))
        // A request that runs too long gets a 503 in the usual JSON error shape.
        .layer(
            tower::ServiceBuilder::new()
                .layer(HandleErrorLayer::new(|_: tower::BoxError| async {
                    ApiError::Status {
                        status: StatusCode::SERVICE_UNAVAILABLE,
                        code: "timeout",
                        message: "the request took too long".into(),
                    }
                }))
                .timeout(Duration::from_secs(config.request_timeout_secs)),
        )
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(ApiError::Internal(
                "handler panicked".into(),
            ))
        }))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                let id = request
                    .headers()
                    .get(REQUEST_ID)
                    .and_then(|v| v.to_str().ok());
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    uri = %request.uri(),
                    request_id = id.unwrap_or("-"),
                )
            }),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}
