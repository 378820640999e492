//! What the accounts' part of the store contract speaks in: new users and their changes,
//! tokens, and the audit trail's entries and filters.

use crate::domain::{GridCode, User, UserId, WorkerId};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// An account to create, with its first grants.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// What it logs in with.
    pub username: String,
    /// The person's name as shown.
    pub display_name: String,
    /// The argon2id PHC string of its password.
    pub password_hash: String,
    /// The grid worker it is, if any.
    pub worker_id: Option<WorkerId>,
    /// Its department, for the `department` role.
    pub department: Option<String>,
    /// Its grants: a role, on a grid's subtree or (`None`) everything.
    pub grants: Vec<(String, Option<GridCode>)>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A change to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    /// A new display name.
    pub display_name: Option<String>,
    /// Enable or disable the account.
    pub enabled: Option<bool>,
    /// A new password hash: every session of the account is revoked with it.
    pub password_hash: Option<String>,
}

/// An account with what log-in checks.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The account.
    pub user: User,
    /// Its password hash.
    pub password_hash: String,
    /// Until when it is locked after failed log-ins.
    pub locked_until: Option<DateTime<Utc>>,
}

/// An API token as listed (never the token itself, which is shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct TokenInfo {
    /// Its id.
    pub id: i64,
    /// Whose it is.
    pub user_id: UserId,
    /// What it is for, e.g. "video analytics".
    pub label: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// One row of the audit trail: as appended, and as the API shows it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewAuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who, when known.
    pub user_id: Option<UserId>,
    /// Their username, or the name typed in a failed log-in.
    pub username: Option<String>,
    /// The token the request came with.
    pub token_id: Option<i64>,
    /// The client's address.
    pub address: Option<String>,
    /// The HTTP method.
    pub method: String,
    /// The route as matched, e.g. `/api/cameras/{id}`.
    pub route: String,
    /// The answer's status.
    pub status: u16,
    /// What was done: `create`, `update`, `delete`, `login`, `login_failed`, or the
    /// route's own word.
    pub action: String,
    /// The kind of object, e.g. `camera`.
    pub object_type: Option<String>,
    /// The object's id.
    pub object_id: Option<String>,
    /// The fields before the edit, as JSON.
    pub before: Option<serde_json::Value>,
    /// The fields after it, as JSON.
    pub after: Option<serde_json::Value>,
}

/// A stored row of the audit trail.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    /// Its id; newer rows have larger ids.
    pub id: i64,
    /// The row as appended.
    #[serde(flatten)]
    pub entry: NewAuditEntry,
}

/// Which audit rows to read, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this username.
    pub username: Option<String>,
    /// Only this kind of object.
    pub object_type: Option<String>,
    /// Only this object (with `object_type`).
    pub object_id: Option<String>,
    /// Only rows at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only rows before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Only rows older than this id: the cursor of the next page.
    pub before_id: Option<i64>,
    /// Most rows.
    pub limit: u32,
}
