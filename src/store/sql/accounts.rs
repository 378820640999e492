//! Accounts, grants, sessions, tokens, roles and the audit trail.

use super::{Backend, Conn, commit};
use crate::domain::{Grant, GrantId, GridCode, Role, User, UserId};
use crate::store::rows::accounts::{
    AUDIT_COLUMNS, AuditRow, GrantRow, USER_COLUMNS, UserRow, grants_by_user, roles,
};
use crate::store::rows::{found, write_error};
use crate::store::{
    AccountStore, AuditEntry, AuditFilter, Credentials, NewAuditEntry, NewUser, StoreError,
    TokenInfo, UserChange,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

const TOKEN_COLUMNS: &str = "id, user_id, label, created_at, expires_at, revoked_at";

/// The grants of `user`, or of everyone when `None`.
async fn grants(conn: &mut Conn, user: Option<UserId>) -> Result<Vec<GrantRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, role, grid_code FROM grants \
         WHERE ($1 IS NULL OR user_id = $1) ORDER BY id",
    )
    .bind(user)
    .fetch_all(conn)
    .await?)
}

/// How an account is looked up.
enum Key<'a> {
    Id(UserId),
    Name(&'a str),
}

/// The user row `key` names, with its grants.
async fn user_where(
    conn: &mut Conn,
    key: Key<'_>,
) -> Result<Option<(UserRow, Vec<Grant>)>, StoreError> {
    let query = match key {
        Key::Id(_) => format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"),
        Key::Name(_) => format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1"),
    };
    let query = sqlx::query_as(&query);
    let query = match key {
        Key::Id(id) => query.bind(id),
        Key::Name(name) => query.bind(name),
    };
    let row: Option<UserRow> = query.fetch_optional(&mut *conn).await?;
    let Some(row) = row else { return Ok(None) };
    let mut by_user = grants_by_user(grants(conn, Some(row.id)).await?)?;
    let grants = by_user.remove(&row.id).unwrap_or_default();
    Ok(Some((row, grants)))
}

async fn read_user(conn: &mut Conn, id: UserId) -> Result<User, StoreError> {
    let (row, grants) = found(user_where(conn, Key::Id(id)).await?, || {
        format!("user {id}")
    })?;
    Ok(row.into_user(grants))
}

async fn insert_grant(
    conn: &mut Conn,
    user: UserId,
    role: &str,
    grid: Option<&GridCode>,
) -> Result<Grant, StoreError> {
    let what = format!(
        "grant of {role} on {}",
        grid.map_or("everything", |c| c.as_str())
    );
    let id: GrantId = sqlx::query_scalar(
        "INSERT INTO grants (user_id, role, grid_code) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(user)
    .bind(role)
    .bind(grid.map(GridCode::as_str))
    .fetch_one(conn)
    .await
    .map_err(|e| write_error(e, &what))?;
    Ok(Grant {
        id,
        role: role.to_owned(),
        grid_code: grid.cloned(),
    })
}

async fn revoke_sessions(
    conn: &mut Conn,
    user: UserId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

async fn read_token(conn: &mut Conn, id: i64) -> Result<TokenInfo, StoreError> {
    let row = sqlx::query_as(&format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    found(row, || format!("token {id}"))
}

fn json_text(value: Option<&serde_json::Value>) -> Option<String> {
    value.map(serde_json::Value::to_string)
}

#[async_trait]
impl AccountStore for Backend {
    async fn roles(&self) -> Result<Vec<Role>, StoreError> {
        let mut conn = self.conn().await?;
        let rows = sqlx::query_as("SELECT name, title_zh, title_en FROM roles ORDER BY name")
            .fetch_all(&mut *conn)
            .await?;
        let permissions: Vec<(String, String)> =
            sqlx::query_as("SELECT role, permission FROM role_permissions ORDER BY permission")
                .fetch_all(&mut *conn)
                .await?;
        roles(rows, &permissions)
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut tx = self.read().await?;
        let rows: Vec<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY username"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let mut by_user = grants_by_user(grants(&mut tx, None).await?)?;
        let users = rows
            .into_iter()
            .map(|row| {
                let grants = by_user.remove(&row.id).unwrap_or_default();
                row.into_user(grants)
            })
            .collect();
        commit(tx, users).await
    }

    async fn user(&self, id: UserId) -> Result<User, StoreError> {
        let mut tx = self.read().await?;
        let user = read_user(&mut tx, id).await?;
        commit(tx, user).await
    }

    async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError> {
        let mut tx = self.read().await?;
        let found = user_where(&mut tx, Key::Name(username)).await?;
        let credentials = found.map(|(row, grants)| Credentials {
            password_hash: row.password_hash.clone(),
            locked_until: row.locked_until,
            user: row.into_user(grants),
        });
        commit(tx, credentials).await
    }

    async fn insert_user(&self, user: &NewUser) -> Result<User, StoreError> {
        let mut tx = self.write().await?;
        let what = format!("user {}", user.username);
        let id: UserId = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, worker_id, department, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(user.worker_id)
        .bind(&user.department)
        .bind(user.created_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| write_error(e, &what))?;
        for (role, grid) in &user.grants {
            insert_grant(&mut tx, id, role, grid.as_ref()).await?;
        }
        let stored = read_user(&mut tx, id).await?;
        commit(tx, stored).await
    }

    async fn update_user(
        &self,
        id: UserId,
        change: &UserChange,
        at: DateTime<Utc>,
    ) -> Result<User, StoreError> {
        let mut tx = self.write().await?;
        read_user(&mut tx, id).await?;
        let mut update =
            QueryBuilder::<super::Db>::new("UPDATE users SET display_name = display_name");
        if let Some(name) = &change.display_name {
            update.push(", display_name = ").push_bind(name);
        }
        if let Some(enabled) = change.enabled {
            update.push(", enabled = ").push_bind(enabled);
        }
        if let Some(hash) = &change.password_hash {
            update.push(", password_hash = ").push_bind(hash);
            update.push(", locked_until = NULL");
        }
        update.push(" WHERE id = ").push_bind(id);
        update.build().execute(&mut *tx).await?;
        if change.password_hash.is_some() || change.enabled == Some(false) {
            revoke_sessions(&mut tx, id, at).await?;
        }
        let stored = read_user(&mut tx, id).await?;
        commit(tx, stored).await
    }

    async fn lock_user(&self, id: UserId, until: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE users SET locked_until = $2 WHERE id = $1")
            .bind(id)
            .bind(until)
            .execute(&mut *tx)
            .await?;
        commit(tx, ()).await
    }

    async fn insert_grant(
        &self,
        user: UserId,
        role: &str,
        grid: Option<&GridCode>,
    ) -> Result<Grant, StoreError> {
        let mut tx = self.write().await?;
        read_user(&mut tx, user).await?;
        let grant = insert_grant(&mut tx, user, role, grid).await?;
        commit(tx, grant).await
    }

    async fn delete_grant(&self, user: UserId, id: GrantId) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let deleted = sqlx::query("DELETE FROM grants WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound(format!("grant {id} of user {user}")));
        }
        commit(tx, ()).await
    }

    async fn insert_session(
        &self,
        hash: &str,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $3)",
        )
        .bind(hash)
        .bind(user)
        .bind(at)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    async fn session(
        &self,
        hash: &str,
        idle_since: DateTime<Utc>,
    ) -> Result<Option<(UserId, DateTime<Utc>)>, StoreError> {
        let mut conn = self.conn().await?;
        Ok(sqlx::query_as(
            "SELECT user_id, last_seen_at FROM sessions \
             WHERE id_hash = $1 AND revoked_at IS NULL AND last_seen_at > $2",
        )
        .bind(hash)
        .bind(idle_since)
        .fetch_optional(&mut *conn)
        .await?)
    }

    async fn touch_session(&self, hash: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1")
            .bind(hash)
            .bind(at)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn revoke_session(&self, hash: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        sqlx::query(
            "UPDATE sessions SET revoked_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL",
        )
        .bind(hash)
        .bind(at)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    async fn insert_token(
        &self,
        user: UserId,
        hash: &str,
        label: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<TokenInfo, StoreError> {
        let mut tx = self.write().await?;
        read_user(&mut tx, user).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tokens (user_id, token_hash, label, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user)
        .bind(hash)
        .bind(label)
        .bind(at)
        .bind(expires_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| write_error(e, "token"))?;
        let token = read_token(&mut tx, id).await?;
        commit(tx, token).await
    }

    async fn token(
        &self,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(UserId, i64)>, StoreError> {
        let mut conn = self.conn().await?;
        Ok(sqlx::query_as(
            "SELECT user_id, id FROM tokens \
             WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(hash)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?)
    }

    async fn tokens(&self, user: UserId) -> Result<Vec<TokenInfo>, StoreError> {
        let mut conn = self.conn().await?;
        Ok(sqlx::query_as(&format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE user_id = $1 ORDER BY id DESC"
        ))
        .bind(user)
        .fetch_all(&mut *conn)
        .await?)
    }

    async fn revoke_token(&self, id: i64, at: DateTime<Utc>) -> Result<TokenInfo, StoreError> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        let token = read_token(&mut tx, id).await?;
        commit(tx, token).await
    }

    async fn append_audit(&self, entry: &NewAuditEntry) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        sqlx::query(
            "INSERT INTO audit (at, user_id, username, token_id, address, method, route, \
             status, action, object_type, object_id, before, after) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(entry.at)
        .bind(entry.user_id)
        .bind(&entry.username)
        .bind(entry.token_id)
        .bind(&entry.address)
        .bind(&entry.method)
        .bind(&entry.route)
        .bind(i64::from(entry.status))
        .bind(&entry.action)
        .bind(&entry.object_type)
        .bind(&entry.object_id)
        .bind(json_text(entry.before.as_ref()))
        .bind(json_text(entry.after.as_ref()))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<AuditRow> = sqlx::query_as(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit \
             WHERE ($1 IS NULL OR username = $1) AND ($2 IS NULL OR object_type = $2) \
             AND ($3 IS NULL OR object_id = $3) AND ($4 IS NULL OR at >= $4) \
             AND ($5 IS NULL OR at < $5) AND ($6 IS NULL OR id < $6) \
             ORDER BY id DESC LIMIT $7"
        ))
        .bind(&filter.username)
        .bind(&filter.object_type)
        .bind(&filter.object_id)
        .bind(filter.from)
        .bind(filter.to)
        .bind(filter.before_id)
        .bind(i64::from(filter.limit))
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(AuditRow::into_entry).collect()
    }

    async fn failed_logins(&self, username: &str, since: DateTime<Utc>) -> Result<i64, StoreError> {
        let mut conn = self.conn().await?;
        Ok(sqlx::query_scalar(
            "SELECT count(*) FROM audit WHERE username = $1 AND action = 'login_failed' \
             AND at >= $2",
        )
        .bind(username)
        .bind(since)
        .fetch_one(&mut *conn)
        .await?)
    }
}
