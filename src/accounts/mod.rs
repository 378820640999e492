//! Accounts: log-in, sessions, API tokens, and the [`Caller`] behind each request.
//!
//! Roles are read once at start-up (an unknown permission word stops the service). A
//! request's credentials (a session id or a token) are looked up through a small cache,
//! so the hot paths (locate, tiles) do not pay a database round trip each: an entry is
//! trusted for [`RECHECK`], and every change to an account, session or token made through
//! this process clears the cache at once. Another process sees such a change within
//! [`RECHECK`].

mod secret;

pub use secret::new_secret;

use crate::domain::{Caller, Grant, GridCode, Roles, User, UserId, WorkerId};
use crate::store::{NewAuditEntry, NewUser, Store, StoreError, TokenInfo, UserChange};
use chrono::{DateTime, Duration, Utc};
use quick_cache::sync::Cache;
use secret::{digest, hash_password, hash_secret, hex, verify_password};
use std::sync::Arc;
use std::time::Instant;

/// A session not used for this long has expired.
pub const SESSION_IDLE: Duration = Duration::hours(12);
/// How many failed log-ins within [`LOCK_WINDOW`] lock an account.
pub const LOCK_AFTER: i64 = 5;
/// The window failed log-ins are counted in.
pub const LOCK_WINDOW: Duration = Duration::minutes(10);
/// How long a locked account stays locked.
pub const LOCK_FOR: Duration = Duration::minutes(10);
/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// How long a cached credential is trusted before it is looked up again.
pub const RECHECK: std::time::Duration = std::time::Duration::from_secs(10);
/// A session's last use is written at most this often.
const TOUCH_EVERY: Duration = Duration::minutes(1);
/// What a session id starts with.
const SESSION_PREFIX: &str = "gls_";
/// What an API token starts with.
const TOKEN_PREFIX: &str = "glt_";

/// Why a log-in or an account change was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Unknown username, wrong password or disabled account: the same answer for all.
    #[error("the username or password is wrong")]
    InvalidCredentials,
    /// Too many failed log-ins.
    #[error("the account is locked after too many failed log-ins, until {0}")]
    Locked(DateTime<Utc>),
    /// A value refused (a short password, an unknown role, an empty name).
    #[error("{0}")]
    Invalid(String),
    /// The store failed or refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where a request came from, for the audit trail.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The client's address.
    pub address: Option<String>,
}

/// An account to create, with its password in clear (hashed here).
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// What it logs in with.
    pub username: String,
    /// The person's name; the username when empty.
    pub display_name: String,
    /// Its password.
    pub password: String,
    /// The grid worker it is.
    pub worker_id: Option<WorkerId>,
    /// Its department.
    pub department: Option<String>,
    /// Its grants: a role on a grid's subtree, or on everything.
    pub grants: Vec<(String, Option<GridCode>)>,
}

/// A credential found, and when.
#[derive(Clone)]
struct Cached {
    caller: Option<Arc<Caller>>,
    fetched: Instant,
}

/// The accounts service.
pub struct Accounts {
    store: Arc<dyn Store>,
    roles: Roles,
    /// By the SHA-256 of the secret.
    cache: Cache<[u8; 32], Cached>,
}

impl Accounts {
    /// Reads the roles; an unknown permission word in them is an error.
    pub async fn load(store: Arc<dyn Store>) -> Result<Self, StoreError> {
        let roles = Roles::new(store.roles().await?);
        Ok(Self {
            store,
            roles,
            cache: Cache::new(10_000),
        })
    }

    /// The roles of the deployment.
    #[must_use]
    pub fn roles(&self) -> &Roles {
        &self.roles
    }

    /// The caller an account is.
    #[must_use]
    pub fn caller(&self, user: User, token_id: Option<i64>) -> Caller {
        Caller::new(user, token_id, &self.roles)
    }

    /// Checks a username and password and opens a session: its id (for the cookie) and
    /// the caller. Every attempt is written to the audit trail; the fifth failure within
    /// [`LOCK_WINDOW`] locks the account for [`LOCK_FOR`].
    pub async fn log_in(
        &self,
        username: &str,
        password: &str,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<(String, Caller), AccountError> {
        let credentials = self.store.credentials(username).await?;
        if let Some(until) = credentials
            .as_ref()
            .and_then(|c| c.locked_until)
            .filter(|&until| until > now)
        {
            self.audit_login(username, None, origin, now, "login_locked", 429)
                .await?;
            return Err(AccountError::Locked(until));
        }
        let hash = credentials
            .as_ref()
            .map_or_else(String::new, |c| c.password_hash.clone());
        let given = password.to_owned();
        // Verified even for an unknown name, so timing does not tell which names exist.
        let matches = tokio::task::spawn_blocking(move || verify_password(&given, &hash))
            .await
            .unwrap_or(false);
        let Some(user) = credentials.map(|c| c.user).filter(|u| matches && u.enabled) else {
            self.audit_login(username, None, origin, now, "login_failed", 401)
                .await?;
            if self
                .store
                .failed_logins(username, now - LOCK_WINDOW)
                .await?
                >= LOCK_AFTER
                && let Some(c) = self.store.credentials(username).await?
            {
                self.store.lock_user(c.user.id, now + LOCK_FOR).await?;
            }
            return Err(AccountError::InvalidCredentials);
        };
        self.audit_login(username, Some(user.id), origin, now, "login", 200)
            .await?;
        Ok(self.open_session(user, now).await?)
    }

    /// Opens a session for `user`, already checked: its id (for the cookie) and the caller.
    pub async fn open_session(
        &self,
        user: User,
        now: DateTime<Utc>,
    ) -> Result<(String, Caller), StoreError> {
        let session = new_secret(SESSION_PREFIX);
        self.store
            .insert_session(&hash_secret(&session), user.id, now)
            .await?;
        Ok((session, self.caller(user, None)))
    }

    async fn audit_login(
        &self,
        username: &str,
        user_id: Option<UserId>,
        origin: &Origin,
        at: DateTime<Utc>,
        action: &str,
        status: u16,
    ) -> Result<(), StoreError> {
        self.store
            .append_audit(&NewAuditEntry {
                at,
                user_id,
                username: Some(username.to_owned()),
                address: origin.address.clone(),
                method: "POST".into(),
                route: "/api/session".into(),
                status,
                action: action.into(),
                object_type: Some("user".into()),
                object_id: user_id.map(|id| id.to_string()),
                ..NewAuditEntry::default()
            })
            .await
    }

    /// Ends a session.
    pub async fn log_out(&self, session: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let key = digest(session);
        self.store.revoke_session(&hex(&key), now).await?;
        self.cache.remove(&key);
        Ok(())
    }

    /// The caller a session id stands for, if it is open and was used within
    /// [`SESSION_IDLE`].
    pub async fn session_caller(
        &self,
        session: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Arc<Caller>>, StoreError> {
        self.cached(session, async |hash| {
            let Some((user, last_seen)) = self.store.session(hash, now - SESSION_IDLE).await?
            else {
                return Ok(None);
            };
            if now - last_seen > TOUCH_EVERY {
                self.store.touch_session(hash, now).await?;
            }
            self.enabled_caller(user, None).await
        })
        .await
    }

    /// The caller an API token stands for, if it is neither revoked nor expired.
    pub async fn token_caller(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Arc<Caller>>, StoreError> {
        self.cached(token, async |hash| {
            match self.store.token(hash, now).await? {
                Some((user, id)) => self.enabled_caller(user, Some(id)).await,
                None => Ok(None),
            }
        })
        .await
    }

    async fn enabled_caller(
        &self,
        user: UserId,
        token: Option<i64>,
    ) -> Result<Option<Arc<Caller>>, StoreError> {
        let user = self.store.user(user).await?;
        Ok(user.enabled.then(|| Arc::new(self.caller(user, token))))
    }

    /// Looks a secret up through the cache; `fetch` gets its hash.
    async fn cached(
        &self,
        secret: &str,
        fetch: impl AsyncFnOnce(&str) -> Result<Option<Arc<Caller>>, StoreError>,
    ) -> Result<Option<Arc<Caller>>, StoreError> {
        // The hot path hashes and looks up without allocating.
        let key = digest(secret);
        if let Some(hit) = self.cache.get(&key)
            && hit.fetched.elapsed() < RECHECK
        {
            return Ok(hit.caller);
        }
        let caller = fetch(&hex(&key)).await?;
        self.cache.insert(
            key,
            Cached {
                caller: caller.clone(),
                fetched: Instant::now(),
            },
        );
        Ok(caller)
    }

    /// Forgets every cached credential, after a change to accounts.
    fn forget(&self) {
        self.cache.clear();
    }

    /// Creates an account. The password must have [`MIN_PASSWORD_CHARS`]; every role
    /// must exist.
    pub async fn create_user(
        &self,
        account: NewAccount,
        now: DateTime<Utc>,
    ) -> Result<User, AccountError> {
        for (role, _) in &account.grants {
            self.check_role(role)?;
        }
        let password_hash = self.hash_new_password(account.password.clone()).await?;
        self.insert_hashed(account, password_hash, now).await
    }

    async fn insert_hashed(
        &self,
        account: NewAccount,
        password_hash: String,
        now: DateTime<Utc>,
    ) -> Result<User, AccountError> {
        for (role, _) in &account.grants {
            self.check_role(role)?;
        }
        let username = account.username.trim().to_owned();
        if username.is_empty() || username.chars().count() > 64 {
            return Err(AccountError::Invalid(
                "a username has 1 to 64 characters".into(),
            ));
        }
        let display_name = if account.display_name.trim().is_empty() {
            username.clone()
        } else {
            account.display_name.trim().to_owned()
        };
        let user = NewUser {
            username,
            display_name,
            password_hash,
            worker_id: account.worker_id,
            department: account.department,
            grants: account.grants,
            created_at: now,
        };
        Ok(self.store.insert_user(&user).await?)
    }

    /// Creates several accounts that share one password, hashing it once (the demo's).
    pub async fn create_users(
        &self,
        accounts: Vec<NewAccount>,
        now: DateTime<Utc>,
    ) -> Result<Vec<User>, AccountError> {
        let Some(password) = accounts.first().map(|a| a.password.clone()) else {
            return Ok(Vec::new());
        };
        let password_hash = self.hash_new_password(password.clone()).await?;
        let mut users = Vec::with_capacity(accounts.len());
        for account in accounts {
            if account.password != password {
                return Err(AccountError::Invalid(
                    "the accounts must share one password".into(),
                ));
            }
            users.push(
                self.insert_hashed(account, password_hash.clone(), now)
                    .await?,
            );
        }
        Ok(users)
    }

    /// Changes an account's name or whether it is enabled; disabling it ends its sessions.
    pub async fn change_user(
        &self,
        id: UserId,
        display_name: Option<String>,
        enabled: Option<bool>,
        now: DateTime<Utc>,
    ) -> Result<User, AccountError> {
        let change = UserChange {
            display_name,
            enabled,
            password_hash: None,
        };
        let user = self.store.update_user(id, &change, now).await?;
        self.forget();
        Ok(user)
    }

    /// Sets a new password, which ends every session of the account. With `current`, the
    /// old password must match it (a person changing their own).
    pub async fn set_password(
        &self,
        id: UserId,
        current: Option<&str>,
        new: String,
        now: DateTime<Utc>,
    ) -> Result<User, AccountError> {
        if let Some(current) = current {
            let user = self.store.user(id).await?;
            let credentials = self.store.credentials(&user.username).await?;
            let hash = credentials.map(|c| c.password_hash).unwrap_or_default();
            let given = current.to_owned();
            let matches = tokio::task::spawn_blocking(move || verify_password(&given, &hash))
                .await
                .unwrap_or(false);
            if !matches {
                return Err(AccountError::InvalidCredentials);
            }
        }
        let change = UserChange {
            password_hash: Some(self.hash_new_password(new).await?),
            ..UserChange::default()
        };
        let user = self.store.update_user(id, &change, now).await?;
        self.forget();
        Ok(user)
    }

    /// Gives a user a role on a grid's subtree, or on everything.
    pub async fn grant(
        &self,
        user: UserId,
        role: &str,
        grid: Option<&GridCode>,
    ) -> Result<Grant, AccountError> {
        self.check_role(role)?;
        let grant = self.store.insert_grant(user, role, grid).await?;
        self.forget();
        Ok(grant)
    }

    /// Takes a grant back.
    pub async fn revoke_grant(&self, user: UserId, grant: i64) -> Result<(), AccountError> {
        self.store.delete_grant(user, grant).await?;
        self.forget();
        Ok(())
    }

    /// Creates an API token for `user`, valid `days` days: the token (shown once) and
    /// what is kept of it.
    pub async fn create_token(
        &self,
        user: UserId,
        label: &str,
        days: u32,
        now: DateTime<Utc>,
    ) -> Result<(String, TokenInfo), AccountError> {
        if !(1..=3650).contains(&days) {
            return Err(AccountError::Invalid("a token lasts 1 to 3650 days".into()));
        }
        let token = new_secret(TOKEN_PREFIX);
        let info = self
            .store
            .insert_token(
                user,
                &hash_secret(&token),
                label,
                now,
                now + Duration::days(i64::from(days)),
            )
            .await?;
        Ok((token, info))
    }

    /// Revokes a token.
    pub async fn revoke_token(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<TokenInfo, AccountError> {
        let info = self.store.revoke_token(id, now).await?;
        self.forget();
        Ok(info)
    }

    fn check_role(&self, role: &str) -> Result<(), AccountError> {
        if self.roles.get(role).is_some() {
            Ok(())
        } else {
            let known: Vec<&str> = self.roles.iter().map(|r| r.name.as_str()).collect();
            Err(AccountError::Invalid(format!(
                "unknown role {role:?}; the roles are: {}",
                known.join(", ")
            )))
        }
    }

    async fn hash_new_password(&self, password: String) -> Result<String, AccountError> {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(AccountError::Invalid(format!(
                "a password has at least {MIN_PASSWORD_CHARS} characters"
            )));
        }
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| AccountError::Invalid(format!("hashing failed: {e}")))
    }
}
