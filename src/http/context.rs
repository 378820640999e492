//! The request context: who is asking and which grids they may see.
//!
//! Accounts do not exist yet, so every request is anonymous with the whole hierarchy in
//! scope. Handlers hand `scope` to every service call and store query they make, so
//! grid-scoped permissions (a village dispatcher sees only their village) will be
//! enforced where the data is chosen, without changing handler signatures.

use super::ApiError;
use crate::domain::GridScope;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// Who is asking, and what they may see.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The `x-request-id` of this request, for logs.
    pub request_id: Option<String>,
    /// The signed-in user; always `None` until accounts exist.
    pub user: Option<String>,
    /// The grids in scope.
    pub scope: GridScope,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Self {
            request_id,
            user: None,
            scope: GridScope::All,
        })
    }
}
