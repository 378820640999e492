//! Rows of the accounts' tables and their mapping to the domain.

use super::corrupt;
use crate::domain::{Grant, GridCode, Role, User, UserId, WorkerId};
use crate::store::{AuditEntry, NewAuditEntry, StoreError};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// A `users` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub worker_id: Option<WorkerId>,
    pub department: Option<String>,
    pub enabled: bool,
    pub locked_until: Option<DateTime<Utc>>,
}

/// The columns of [`UserRow`], in order.
pub(crate) const USER_COLUMNS: &str =
    "id, username, display_name, password_hash, worker_id, department, enabled, locked_until";

impl UserRow {
    /// The account, with `grants`.
    pub fn into_user(self, grants: Vec<Grant>) -> User {
        User {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            worker_id: self.worker_id,
            department: self.department,
            enabled: self.enabled,
            grants,
        }
    }
}

/// A `grants` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct GrantRow {
    pub id: i64,
    pub user_id: UserId,
    pub role: String,
    pub grid_code: Option<String>,
}

impl GrantRow {
    fn into_grant(self) -> Result<Grant, StoreError> {
        let grid_code = self
            .grid_code
            .map(|c| GridCode::parse(&c))
            .transpose()
            .map_err(|e| corrupt(&format!("grant {}", self.id), &e))?;
        Ok(Grant {
            id: self.id,
            role: self.role,
            grid_code,
        })
    }
}

/// Grants grouped by user.
pub(crate) fn grants_by_user(
    rows: Vec<GrantRow>,
) -> Result<HashMap<UserId, Vec<Grant>>, StoreError> {
    let mut by_user: HashMap<UserId, Vec<Grant>> = HashMap::new();
    for row in rows {
        let user = row.user_id;
        by_user.entry(user).or_default().push(row.into_grant()?);
    }
    Ok(by_user)
}

/// The roles, from `(name, title_zh, title_en)` rows and `(role, permission)` rows; an
/// unknown permission word is corrupt data.
pub(crate) fn roles(
    roles: Vec<(String, String, String)>,
    permissions: &[(String, String)],
) -> Result<Vec<Role>, StoreError> {
    roles
        .into_iter()
        .map(|(name, title_zh, title_en)| {
            let words: Vec<String> = permissions
                .iter()
                .filter(|(role, _)| *role == name)
                .map(|(_, p)| p.clone())
                .collect();
            let what = format!("role {name}");
            Role::parse(name, title_zh, title_en, &words).map_err(|e| corrupt(&what, &e))
        })
        .collect()
}

/// An `audit` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<UserId>,
    pub username: Option<String>,
    pub token_id: Option<i64>,
    pub address: Option<String>,
    pub method: String,
    pub route: String,
    pub status: i64,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The columns of [`AuditRow`], in order.
pub(crate) const AUDIT_COLUMNS: &str = "id, at, user_id, username, token_id, address, method, \
     route, status, action, object_type, object_id, before, after";

impl AuditRow {
    /// The entry, its JSON fields parsed.
    pub fn into_entry(self) -> Result<AuditEntry, StoreError> {
        let what = format!("audit row {}", self.id);
        let json = |text: Option<String>| {
            text.map(|t| serde_json::from_str(&t))
                .transpose()
                .map_err(|e| corrupt(&what, &e))
        };
        Ok(AuditEntry {
            id: self.id,
            entry: NewAuditEntry {
                at: self.at,
                user_id: self.user_id,
                username: self.username,
                token_id: self.token_id,
                address: self.address,
                method: self.method,
                route: self.route,
                status: u16::try_from(self.status).unwrap_or_default(),
                action: self.action,
                object_type: self.object_type,
                object_id: self.object_id,
                before: json(self.before)?,
                after: json(self.after)?,
            },
        })
    }
}
