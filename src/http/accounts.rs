//! Accounts: log-in and log-out (`/api/session`), the caller (`/api/me`, their password),
//! and for admins users, grants, tokens, roles and the audit trail.

use super::auth::{Access, AuditNote, Routes, SESSION_COOKIE, cookie};
use super::extract::{self, PageSize, Path, Query};
use super::{ApiError, AppState, RequestContext};
use crate::accounts::{AccountError, NewAccount, Origin, SESSION_IDLE};
use crate::domain::{Caller, GrantView, GridCode, Permission, User, UserId, WorkerId};
use crate::spatial::GridIndex;
use crate::store::AuditFilter;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Audit rows in one page: 100 unless `limit` says otherwise, at most 500.
const PAGE: PageSize = PageSize {
    param: "limit",
    default: 100,
    max: 500,
};

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new()
        .post("/session", Access::Public, log_in)
        .delete("/session", Access::SignedIn, log_out)
        .get("/me", Access::SignedIn, me)
        .put("/me/password", Access::SignedIn, change_password)
        .get("/roles", Permission::UsersManage, roles)
        .get("/users", Permission::UsersManage, users)
        .post("/users", Permission::UsersManage, create_user)
        .get("/users/{id}", Permission::UsersManage, user)
        .patch("/users/{id}", Permission::UsersManage, change_user)
        .post("/users/{id}/grants", Permission::UsersManage, grant)
        .delete(
            "/users/{id}/grants/{grant}",
            Permission::UsersManage,
            revoke_grant,
        )
        .get("/users/{id}/tokens", Permission::UsersManage, tokens)
        .post("/users/{id}/tokens", Permission::UsersManage, create_token)
        .delete("/tokens/{id}", Permission::UsersManage, revoke_token)
        .get("/audit", Permission::AuditRead, audit)
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::InvalidCredentials => Self::Status {
                status: StatusCode::UNAUTHORIZED,
                code: "invalid_credentials",
                message: e.to_string(),
            },
            AccountError::Locked(_) => Self::Status {
                status: StatusCode::TOO_MANY_REQUESTS,
                code: "locked",
                message: e.to_string(),
            },
            AccountError::Invalid(message) => Self::bad_request("invalid_parameter", message),
            AccountError::Store(e) => e.into(),
        }
    }
}

/// Each account's display name by username, to show beside the usernames timelines
/// record (`actor_name`); a name no account has (a system, a deleted account) is shown
/// as it is.
pub(super) struct DisplayNames(HashMap<String, String>);

impl DisplayNames {
    /// Every account's.
    pub async fn load(state: &AppState) -> Result<Self, ApiError> {
        let users = state.store.users().await?;
        Ok(Self(
            users
                .into_iter()
                .map(|u| (u.username, u.display_name))
                .collect(),
        ))
    }

    /// The display name of `username`, or the username itself.
    pub fn of<'a>(&'a self, username: &'a str) -> &'a str {
        self.0.get(username).map_or(username, String::as_str)
    }
}

/// A user as the API shows them: their grants with the grids named.
pub(super) fn user_view(user: &User, grids: &GridIndex) -> Value {
    let grants: Vec<GrantView> = user
        .grants
        .iter()
        .map(|g| {
            let grid = g
                .grid_code
                .as_ref()
                .and_then(|code| grids.iter().find(|x| &x.code == code));
            GrantView {
                id: g.id,
                role: g.role.clone(),
                grid_id: grid.map(|x| x.id),
                grid_code: g.grid_code.clone(),
                grid_name: grid.map(|x| x.name.clone()),
            }
        })
        .collect();
    json!({
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "worker_id": user.worker_id,
        "department": user.department,
        "enabled": user.enabled,
        "grants": grants,
    })
}

/// The caller as `/api/me` and a log-in answer them: the user and every permission.
fn me_view(state: &AppState, caller: &Caller) -> Value {
    let mut user = user_view(&caller.user, &state.mirrors.index.grids());
    let permissions: Vec<&str> = caller.permissions().map(Permission::as_str).collect();
    user["permissions"] = json!(permissions);
    json!({ "user": user })
}

/// The `Set-Cookie` of a session: HttpOnly and SameSite=Strict, lasting as long as a
/// session may stay idle (the server decides expiry; this only tidies the browser).
fn session_cookie(session: &str) -> String {
    format!(
        "{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
        SESSION_IDLE.num_seconds()
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogIn {
    username: String,
    password: String,
}

async fn log_in(
    State(state): State<AppState>,
    ctx: RequestContext,
    extract::Json(body): extract::Json<LogIn>,
) -> Result<Response, ApiError> {
    let now = Utc::now();
    let login = state
        .accounts
        .log_in(
            &body.username,
            &body.password,
            &Origin {
                address: ctx.address.map(|a| a.to_string()),
            },
            now,
        )
        .await;
    let (session, caller) = match login {
        Ok(found) => found,
        Err(AccountError::Locked(until)) => return Ok(locked(until)),
        Err(e) => return Err(e.into()),
    };
    let cookie = session_cookie(&session);
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(me_view(&state, &caller)),
    )
        .into_response())
}

/// The 429 of a locked account, saying until when.
fn locked(until: DateTime<Utc>) -> Response {
    let message = AccountError::Locked(until).to_string();
    let body = json!({ "error": { "code": "locked", "message": message, "until": until } });
    (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response()
}

async fn log_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(session) = cookie(&headers, SESSION_COOKIE) {
        state.accounts.log_out(session, Utc::now()).await?;
    }
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    Ok(([(header::SET_COOKIE, clear)], StatusCode::NO_CONTENT).into_response())
}

async fn me(State(state): State<AppState>, ctx: RequestContext) -> Result<Response, ApiError> {
    Ok(Json(me_view(&state, ctx.caller()?)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Changes the caller's own password; every session ends, so a new one is opened here.
async fn change_password(
    State(state): State<AppState>,
    ctx: RequestContext,
    extract::Json(body): extract::Json<PasswordChange>,
) -> Result<Response, ApiError> {
    let caller = ctx.caller()?;
    let user = caller.user.id;
    let now = Utc::now();
    let changed = state
        .accounts
        .set_password(user, Some(&body.current_password), body.new_password, now)
        .await?;
    let (session, caller) = state.accounts.open_session(changed, now).await?;
    let note = AuditNote::edit("user", user, None, None).action("change_password");
    let cookie = session_cookie(&session);
    Ok(note.attach((
        [(header::SET_COOKIE, cookie)],
        Json(me_view(&state, &caller)),
    )))
}

async fn roles(State(state): State<AppState>) -> Response {
    let roles: Vec<_> = state.accounts.roles().iter().cloned().collect();
    Json(json!({ "roles": roles })).into_response()
}

async fn users(State(state): State<AppState>) -> Result<Response, ApiError> {
    let grids = state.mirrors.index.grids();
    let users: Vec<Value> = state
        .store
        .users()
        .await?
        .iter()
        .map(|u| user_view(u, &grids))
        .collect();
    Ok(Json(json!({ "users": users })).into_response())
}

async fn user(State(state): State<AppState>, Path(id): Path<UserId>) -> Result<Response, ApiError> {
    let user = state.store.user(id).await?;
    Ok(Json(user_view(&user, &state.mirrors.index.grids())).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantBody {
    role: String,
    grid_code: Option<GridCode>,
}

/// A 403 unless the admin's own scope covers the grid a grant would cover.
fn check_grant_scope(ctx: &RequestContext, grid: Option<&GridCode>) -> Result<(), ApiError> {
    let within = match grid {
        Some(code) => ctx.scope.includes(code),
        None => ctx.scope.is_all(),
    };
    if within {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "a grant may cover only grids within your own grant of users.manage",
        ))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUserBody {
    username: String,
    #[serde(default)]
    display_name: String,
    password: String,
    worker_id: Option<WorkerId>,
    department: Option<String>,
    #[serde(default)]
    grants: Vec<GrantBody>,
}

async fn create_user(
    State(state): State<AppState>,
    ctx: RequestContext,
    extract::Json(body): extract::Json<NewUserBody>,
) -> Result<Response, ApiError> {
    for g in &body.grants {
        check_grant_scope(&ctx, g.grid_code.as_ref())?;
    }
    let account = NewAccount {
        username: body.username,
        display_name: body.display_name,
        password: body.password,
        worker_id: body.worker_id,
        department: body.department,
        grants: body
            .grants
            .into_iter()
            .map(|g| (g.role, g.grid_code))
            .collect(),
    };
    let user = state.accounts.create_user(account, Utc::now()).await?;
    let view = user_view(&user, &state.mirrors.index.grids());
    let note = AuditNote::edit("user", user.id, None, Some(view.clone())).action("create");
    Ok(note.attach((StatusCode::CREATED, Json(view))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserChangeBody {
    display_name: Option<String>,
    enabled: Option<bool>,
    password: Option<String>,
}

async fn change_user(
    State(state): State<AppState>,
    Path(id): Path<UserId>,
    extract::Json(body): extract::Json<UserChangeBody>,
) -> Result<Response, ApiError> {
    let grids = state.mirrors.index.grids();
    let before = user_view(&state.store.user(id).await?, &grids);
    let now = Utc::now();
    if let Some(password) = body.password {
        state.accounts.set_password(id, None, password, now).await?;
    }
    let user = state
        .accounts
        .change_user(id, body.display_name, body.enabled, now)
        .await?;
    let after = user_view(&user, &grids);
    let note = AuditNote::edit("user", id, Some(before), Some(after.clone())).action("update");
    Ok(note.attach(Json(after)))
}

async fn grant(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<UserId>,
    extract::Json(body): extract::Json<GrantBody>,
) -> Result<Response, ApiError> {
    check_grant_scope(&ctx, body.grid_code.as_ref())?;
    let grant = state
        .accounts
        .grant(id, &body.role, body.grid_code.as_ref())
        .await?;
    let note = AuditNote::edit("user", id, None, Some(json!({ "grant": grant }))).action("grant");
    Ok(note.attach((StatusCode::CREATED, Json(grant))))
}

async fn revoke_grant(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path((id, grant)): Path<(UserId, i64)>,
) -> Result<Response, ApiError> {
    let user = state.store.user(id).await?;
    let held = user.grants.iter().find(|g| g.id == grant);
    if let Some(held) = held {
        check_grant_scope(&ctx, held.grid_code.as_ref())?;
    }
    let before = held.map(|g| json!({ "grant": g }));
    state.accounts.revoke_grant(id, grant).await?;
    let note = AuditNote::edit("user", id, before, None).action("revoke_grant");
    Ok(note.attach(StatusCode::NO_CONTENT))
}

async fn tokens(
    State(state): State<AppState>,
    Path(id): Path<UserId>,
) -> Result<Response, ApiError> {
    let tokens = state.store.tokens(id).await?;
    Ok(Json(json!({ "tokens": tokens })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTokenBody {
    label: String,
    days: Option<u32>,
}

async fn create_token(
    State(state): State<AppState>,
    Path(id): Path<UserId>,
    extract::Json(body): extract::Json<NewTokenBody>,
) -> Result<Response, ApiError> {
    let days = body.days.unwrap_or(90);
    let (token, info) = state
        .accounts
        .create_token(id, &body.label, days, Utc::now())
        .await?;
    let note = AuditNote::edit("token", info.id, None, Some(json!(info))).action("create");
    let body = json!({ "token": token, "info": info });
    Ok(note.attach((StatusCode::CREATED, Json(body))))
}

async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let info = state.accounts.revoke_token(id, Utc::now()).await?;
    let note = AuditNote::edit("token", id, None, Some(json!(info))).action("revoke");
    Ok(note.attach(Json(info)))
}

#[derive(Deserialize)]
struct AuditQuery {
    user: Option<String>,
    object_type: Option<String>,
    object_id: Option<String>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    limit: Option<u32>,
    before: Option<i64>,
}

async fn audit(
    State(state): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let filter = AuditFilter {
        username: q.user.filter(|s| !s.is_empty()),
        object_type: q.object_type.filter(|s| !s.is_empty()),
        object_id: q.object_id.filter(|s| !s.is_empty()),
        from: q.from,
        to: q.to,
        before_id: q.before,
        limit: PAGE.of(q.limit)?,
    };
    let entries = state.store.audit(&filter).await?;
    let next = (entries.len() == filter.limit as usize)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(Json(json!({ "entries": entries, "next_before": next })).into_response())
}
