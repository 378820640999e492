//! The request context: who is asking and which grids the route lets them reach.
//!
//! The guard of each route (`auth.rs`) has already checked the route's permission and put
//! the grids it reaches for this caller into the request; handlers hand `scope` to every
//! service call and store query they make, so a village dispatcher's lists, items and
//! statistics start at their village.

use super::ApiError;
use super::auth::{Authenticated, Granted};
use crate::domain::{Caller, GridScope, Permission, WorkerId};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::sync::Arc;

/// Who is asking, and what they may reach.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The `x-request-id` of this request, for logs.
    pub request_id: Option<String>,
    /// The signed-in caller; `None` only on public routes.
    pub caller: Option<Arc<Caller>>,
    /// The grids the route's permission reaches for the caller.
    pub scope: GridScope,
    /// The client's address.
    pub address: Option<std::net::IpAddr>,
}

impl RequestContext {
    /// The signed-in caller, or a 401.
    pub fn caller(&self) -> Result<&Caller, ApiError> {
        self.caller.as_deref().ok_or_else(ApiError::unauthenticated)
    }

    /// Who timelines, change sets and alerts record as having acted: the username.
    #[must_use]
    pub fn actor(&self) -> String {
        self.caller
            .as_ref()
            .map_or_else(|| "anonymous".to_owned(), |c| c.user.username.clone())
    }

    /// Where the caller has `permission` (nothing without a caller).
    #[must_use]
    pub fn scope_for(&self, permission: Permission) -> GridScope {
        self.caller
            .as_ref()
            .map_or_else(GridScope::nothing, |c| c.scope_for(permission))
    }

    /// Whether the caller has `permission` over the grid with `code`.
    #[must_use]
    pub fn may(&self, permission: Permission, code: impl AsRef<str>) -> bool {
        self.caller
            .as_ref()
            .is_some_and(|c| c.may(permission, code))
    }

    /// The worker the caller is, if they are one.
    #[must_use]
    pub fn worker_id(&self) -> Option<WorkerId> {
        self.caller.as_ref().and_then(|c| c.worker_id())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let auth = parts.extensions.get::<Authenticated>();
        let caller = auth.and_then(|a| a.caller.clone());
        let address = auth.and_then(|a| a.address);
        // A route outside the guard would reach nothing: deny by default.
        let scope = parts
            .extensions
            .get::<Granted>()
            .map_or_else(GridScope::nothing, |g| g.0.clone());
        Ok(Self {
            request_id,
            caller,
            scope,
            address,
        })
    }
}
