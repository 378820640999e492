//! Who is asking and whether they may: every route states what it needs ([`Access`]), and
//! the only way to add a route is [`Routes`], which wraps each in a guard. Deny by
//! default, then: a route no module states access for does not exist.
//!
//! Two layers do the work. [`authenticate`] runs for every request: it finds the caller
//! from the session cookie or the bearer token (through the accounts' cache) and refuses
//! a cookie-authenticated mutation from another origin (CSRF). The per-route guard then
//! answers 401 or 403, hands the handler the [`GridScope`] the route's permission reaches
//! (read by [`super::RequestContext`]), and writes each mutation to the audit trail with
//! what the handler noted of it ([`AuditNote`]).

use super::{ApiError, AppState};
use crate::accounts::Accounts;
use crate::domain::{Caller, GridScope, Permission};
use crate::store::{NewAuditEntry, Store};
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use chrono::Utc;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "gridlink_session";

/// What a route needs of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Nothing: anyone may call it.
    Public,
    /// Any signed-in user, over every grid (grid boundaries, locate).
    SignedIn,
    /// This permission; the handler gets the grids the caller has it on.
    Needs(Permission),
    /// Any of these permissions; the handler gets the union of their grids and narrows
    /// further itself (a grid worker sees only incidents assigned to them).
    AnyOf(&'static [Permission]),
}

impl From<Permission> for Access {
    fn from(p: Permission) -> Self {
        Self::Needs(p)
    }
}

impl Access {
    /// The permissions that satisfy it; empty for [`Access::Public`] and
    /// [`Access::SignedIn`].
    #[must_use]
    pub fn permissions(&self) -> &[Permission] {
        match self {
            Self::Public | Self::SignedIn => &[],
            Self::Needs(p) => std::slice::from_ref(p),
            Self::AnyOf(ps) => ps,
        }
    }
}

/// One route and what it needs, as [`super::route_table`] lists them.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    /// The method.
    pub method: Method,
    /// The path template, e.g. `/api/cameras/{id}`.
    pub path: String,
    /// What it needs.
    pub access: Access,
}

/// Routes being declared, each with its access; becomes an axum router at the end.
#[derive(Default)]
pub struct Routes {
    specs: Vec<RouteSpec>,
    methods: BTreeMap<String, MethodRouter<AppState>>,
}

impl Routes {
    /// No routes yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A `GET` route.
    #[must_use]
    pub fn get<H, T>(self, path: &str, access: impl Into<Access>, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.on(Method::GET, path, access.into(), handler)
    }

    /// A `POST` route.
    #[must_use]
    pub fn post<H, T>(self, path: &str, access: impl Into<Access>, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.on(Method::POST, path, access.into(), handler)
    }

    /// A `PUT` route.
    #[must_use]
    pub fn put<H, T>(self, path: &str, access: impl Into<Access>, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.on(Method::PUT, path, access.into(), handler)
    }

    /// A `PATCH` route.
    #[must_use]
    pub fn patch<H, T>(self, path: &str, access: impl Into<Access>, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.on(Method::PATCH, path, access.into(), handler)
    }

    /// A `DELETE` route.
    #[must_use]
    pub fn delete<H, T>(self, path: &str, access: impl Into<Access>, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.on(Method::DELETE, path, access.into(), handler)
    }

    fn on<H, T>(mut self, method: Method, path: &str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
        let guarded = on(filter, handler).route_layer(middleware::from_fn(
            move |req: Request, next: Next| guard(access, req, next),
        ));
        let merged = match self.methods.remove(path) {
            Some(existing) => existing.merge(guarded),
            None => guarded,
        };
        self.methods.insert(path.to_owned(), merged);
        self.specs.push(RouteSpec {
            method,
            path: path.to_owned(),
            access,
        });
        self
    }

    /// These routes and `other`'s.
    #[must_use]
    pub fn merge(mut self, other: Routes) -> Self {
        for (path, router) in other.methods {
            let merged = match self.methods.remove(&path) {
                Some(existing) => existing.merge(router),
                None => router,
            };
            self.methods.insert(path, merged);
        }
        self.specs.extend(other.specs);
        self
    }

    /// The same routes with `prefix` before each path.
    #[must_use]
    pub fn under(self, prefix: &str) -> Self {
        Self {
            specs: self
                .specs
                .into_iter()
                .map(|s| RouteSpec {
                    path: format!("{prefix}{}", s.path),
                    ..s
                })
                .collect(),
            methods: self
                .methods
                .into_iter()
                .map(|(path, router)| (format!("{prefix}{path}"), router))
                .collect(),
        }
    }

    /// What each route needs.
    #[must_use]
    pub fn specs(&self) -> &[RouteSpec] {
        &self.specs
    }

    /// The axum router of these routes.
    pub fn into_router(self) -> Router<AppState> {
        self.methods
            .into_iter()
            .fold(Router::new(), |router, (path, methods)| {
                router.route(&path, methods)
            })
    }
}

/// What [`authenticate`] found out about a request, for the guard.
#[derive(Clone)]
pub(super) struct Authenticated {
    /// The caller, if the request carried valid credentials.
    pub caller: Option<Arc<Caller>>,
    /// The client's address.
    pub address: Option<IpAddr>,
    /// Where the guard writes the audit trail.
    store: Arc<dyn Store>,
}

/// What [`authenticate`] needs: the accounts, and the store to hand the guard.
#[derive(Clone)]
pub(super) struct Gate {
    /// Finds the caller behind credentials.
    pub accounts: Arc<Accounts>,
    /// Where the audit trail is written.
    pub store: Arc<dyn Store>,
}

/// The grids the route's permission reaches for the caller, set by the guard.
#[derive(Debug, Clone)]
pub(super) struct Granted(pub GridScope);

/// What a handler says of the mutation it made, for the audit trail: put it in the
/// response's extensions ([`AuditNote::attach`]). Without one, the route and its `{id}`
/// are recorded.
#[derive(Debug, Clone, Default)]
pub struct AuditNote {
    /// What was done, e.g. `dispatch`; by default the method.
    pub action: Option<String>,
    /// The kind of object, e.g. `incident`.
    pub object_type: Option<String>,
    /// Its id.
    pub object_id: Option<String>,
    /// The fields before.
    pub before: Option<serde_json::Value>,
    /// The fields after.
    pub after: Option<serde_json::Value>,
}

impl AuditNote {
    /// A note of an edit of `object_type` `id`, from `before` to `after`.
    pub fn edit(
        object_type: &str,
        id: impl std::fmt::Display,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Self {
        Self {
            action: None,
            object_type: Some(object_type.to_owned()),
            object_id: Some(id.to_string()),
            before,
            after,
        }
    }

    /// The same note naming the action.
    #[must_use]
    pub fn action(self, action: &str) -> Self {
        Self {
            action: Some(action.to_owned()),
            ..self
        }
    }

    /// `response` carrying this note.
    pub fn attach(self, response: impl IntoResponse) -> Response {
        let mut response = response.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The outer layer: finds the caller and refuses cross-origin cookie mutations.
pub(super) async fn authenticate(
    State(gate): State<Gate>,
    mut req: Request,
    next: Next,
) -> Response {
    let now = Utc::now();
    let headers = req.headers();
    let address = client_address(headers, &req);
    let found = if let Some(token) = bearer(headers).or_else(|| open311_api_key(&req)) {
        gate.accounts
            .token_caller(token, now)
            .await
            .map(|c| (c, false))
    } else if let Some(session) = cookie(headers, SESSION_COOKIE) {
        gate.accounts
            .session_caller(session, now)
            .await
            .map(|c| (c, true))
    } else {
        Ok((None, false))
    };
    let (caller, by_cookie) = match found {
        Ok(found) => found,
        Err(e) => return ApiError::from(e).into_response(),
    };
    if by_cookie && caller.is_some() && is_mutation(req.method()) && !same_origin(req.headers()) {
        return ApiError::forbidden(
            "a change made with the session cookie must come from this site's own pages \
             (Origin or Referer of this host)",
        )
        .into_response();
    }
    req.extensions_mut().insert(Authenticated {
        caller,
        address,
        store: Arc::clone(&gate.store),
    });
    next.run(req).await
}

/// The per-route guard: 401 without credentials, 403 without the permission anywhere;
/// otherwise the handler runs with the scope granted, and a mutation is audited.
async fn guard(access: Access, mut req: Request, next: Next) -> Response {
    let Some(auth) = req.extensions().get::<Authenticated>().cloned() else {
        return ApiError::Internal("no authentication layer".into()).into_response();
    };
    let scope = match (access, &auth.caller) {
        (Access::Public, _) | (Access::SignedIn, Some(_)) => GridScope::All,
        (_, None) => return ApiError::unauthenticated().into_response(),
        (access, Some(caller)) => {
            let scope = caller.scope_for_any(access.permissions());
            if scope.is_nothing() {
                let needed: Vec<&str> = access.permissions().iter().map(|p| p.as_str()).collect();
                return ApiError::forbidden(format!(
                    "this needs the permission {} on some grid",
                    needed.join(" or ")
                ))
                .into_response();
            }
            scope
        }
    };
    req.extensions_mut().insert(Granted(scope));
    let method = req.method().clone();
    if !is_mutation(&method) {
        return next.run(req).await;
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| req.uri().path().to_owned(), |m| m.as_str().to_owned());
    // A log-in is audited by the accounts service, which knows who tried and how it went.
    if route == "/api/session" && method == Method::POST {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    let note = response
        .extensions()
        .get::<AuditNote>()
        .cloned()
        .unwrap_or_default();
    record(&auth, &method, &route, &path, response.status(), note).await;
    response
}

/// Appends a mutation to the audit trail. A failure is logged: the change itself is
/// already committed, and the client must hear so.
async fn record(
    auth: &Authenticated,
    method: &Method,
    route: &str,
    path: &str,
    status: StatusCode,
    note: AuditNote,
) {
    let (default_type, default_id) = object_of(route, path);
    let caller = auth.caller.as_deref();
    let entry = NewAuditEntry {
        at: Utc::now(),
        user_id: caller.map(|c| c.user.id),
        username: caller.map(|c| c.user.username.clone()),
        token_id: caller.and_then(|c| c.token_id),
        address: auth.address.map(|a| a.to_string()),
        method: method.as_str().to_owned(),
        route: route.to_owned(),
        status: status.as_u16(),
        action: note
            .action
            .unwrap_or_else(|| method.as_str().to_ascii_lowercase()),
        object_type: note.object_type.or(default_type),
        object_id: note.object_id.or(default_id),
        before: note.before,
        after: note.after,
    };
    if let Err(e) = auth.store.append_audit(&entry).await {
        tracing::error!(error = %e, route, "audit row not written");
    }
}

/// The object a route names by default: the segment before its first `{…}` parameter and
/// that parameter's value, e.g. `cameras`, `17` for `/api/cameras/{id}`.
fn object_of(route: &str, path: &str) -> (Option<String>, Option<String>) {
    let template: Vec<&str> = route.split('/').collect();
    let actual: Vec<&str> = path.split('/').collect();
    let param = template.iter().position(|s| s.starts_with('{'));
    match param {
        Some(i) if i > 0 => (
            Some(template[i - 1].to_owned()),
            actual.get(i).map(|s| (*s).to_owned()),
        ),
        _ => (
            template
                .iter()
                .rev()
                .find(|s| !s.is_empty())
                .map(|s| (*s).to_owned()),
            None,
        ),
    }
}

fn is_mutation(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The `api_key` query parameter of an Open311 request: GeoReport v2's way to pass the
/// token.
fn open311_api_key(req: &Request) -> Option<&str> {
    if !req.uri().path().starts_with("/open311/") {
        return None;
    }
    req.uri()
        .query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("api_key="))
}

/// The value of cookie `name`.
pub(super) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Whether the request's `Origin` (or, without one, its `Referer`) is this host.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| url::Url::parse(v).ok());
    source.is_some_and(|url| {
        let authority = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            _ => return false,
        };
        authority.eq_ignore_ascii_case(host)
    })
}

/// The client's address: the first of `X-Forwarded-For` (a proxy in front), else the
/// socket's peer.
fn client_address(headers: &HeaderMap, req: &Request) -> Option<IpAddr> {
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|v| v.trim().parse().ok());
    forwarded.or_else(|| {
        req.extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
    })
}

impl ApiError {
    /// A 401: the request carries no valid credentials.
    #[must_use]
    pub fn unauthenticated() -> Self {
        Self::Status {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthenticated",
            message: "sign in first: a session cookie or an Authorization: Bearer token".into(),
        }
    }

    /// A 403 saying why.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Status {
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_object_of_a_route_is_the_segment_before_its_first_parameter() {
        assert_eq!(
            object_of("/api/cameras/{id}", "/api/cameras/17"),
            (Some("cameras".into()), Some("17".into()))
        );
        assert_eq!(
            object_of(
                "/api/incidents/{id}/transitions",
                "/api/incidents/4/transitions"
            ),
            (Some("incidents".into()), Some("4".into()))
        );
        assert_eq!(
            object_of("/api/cameras", "/api/cameras"),
            (Some("cameras".into()), None)
        );
    }

    #[test]
    fn same_origin_compares_host_and_port() {
        let headers = |pairs: &[(header::HeaderName, &str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(k.clone(), v.parse().expect("header"));
            }
            h
        };
        let host = (header::HOST, "gridlink.example:8080");
        assert!(same_origin(&headers(&[
            host.clone(),
            (header::ORIGIN, "http://gridlink.example:8080")
        ])));
        assert!(same_origin(&headers(&[
            host.clone(),
            (header::REFERER, "http://gridlink.example:8080/map/")
        ])));
        assert!(!same_origin(&headers(&[
            host.clone(),
            (header::ORIGIN, "http://evil.example:8080")
        ])));
        assert!(!same_origin(&headers(&[
            host.clone(),
            (header::ORIGIN, "http://gridlink.example")
        ])));
        assert!(!same_origin(&headers(&[host])));
    }

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; gridlink_session=gls_x; b=2".parse().expect("cookie"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("gls_x"));
        assert_eq!(cookie(&h, "c"), None);
    }
}
