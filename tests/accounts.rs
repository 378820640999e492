//! Accounts on both stores: users with grants, sessions that expire when idle and end on
//! log-out or a new password, tokens that expire or are revoked, log-in lock-out, and an
//! audit trail that neither the code nor plain SQL can change.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail the test on purpose"
)]

mod common;

use chrono::{Duration, Utc};
use gridlink::accounts::{AccountError, Accounts, NewAccount, Origin, SESSION_IDLE};
use gridlink::domain::{GridCode, Permission};
use gridlink::store::{AuditFilter, Store, StoreError};
use std::sync::Arc;

const PASSWORD: &str = "a long password";

fn account(username: &str, grants: Vec<(String, Option<GridCode>)>) -> NewAccount {
    NewAccount {
        username: username.into(),
        display_name: String::new(),
        password: PASSWORD.into(),
        worker_id: None,
        department: None,
        grants,
    }
}

async fn service(store: &Arc<dyn Store>) -> Accounts {
    Accounts::load(Arc::clone(store)).await.unwrap()
}

/// Each case on a fresh SQLite store and a fresh PostGIS schema; the cases take the
/// store's `Arc`, as the accounts service holds it.
macro_rules! on_both {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $case() {
                let t = super::common::sqlite_store().await;
                super::$case(std::sync::Arc::clone(&t.store)).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $case() {
                let t = super::common::postgres_store().await;
                super::$case(std::sync::Arc::clone(&t.store)).await;
            })*
        }
    };
}

on_both!(
    users_keep_their_grants_and_a_taken_name_is_a_conflict,
    a_session_lasts_while_used_and_ends_on_log_out_or_a_new_password,
    a_token_works_until_it_expires_or_is_revoked,
    five_failed_log_ins_lock_the_account_and_each_is_audited,
);

async fn users_keep_their_grants_and_a_taken_name_is_a_conflict(store: Arc<dyn Store>) {
    let accounts = service(&store).await;
    let village = GridCode::parse("320282102201").unwrap();
    let now = Utc::now();
    let user = accounts
        .create_user(
            account(
                "li",
                vec![
                    ("dispatcher".into(), Some(village.clone())),
                    ("leader".into(), None),
                ],
            ),
            now,
        )
        .await
        .unwrap();
    let grant = accounts
        .grant(user.id, "planner", Some(&village))
        .await
        .unwrap();

    let read = store.user(user.id).await.unwrap();
    let roles: Vec<(&str, Option<&str>)> = read
        .grants
        .iter()
        .map(|g| (g.role.as_str(), g.grid_code.as_ref().map(GridCode::as_str)))
        .collect();
    assert_eq!(
        roles,
        [
            ("dispatcher", Some("320282102201")),
            ("leader", None),
            ("planner", Some("320282102201"))
        ]
    );
    let caller = accounts.caller(read, None);
    assert!(caller.may(Permission::IncidentsDispatch, "320282102201003"));
    assert!(!caller.may(Permission::IncidentsDispatch, "320282102202003"));
    assert!(
        caller.may(Permission::StatsRead, "320282102202003"),
        "leader everywhere"
    );

    let again = accounts.create_user(account("li", Vec::new()), now).await;
    assert!(
        matches!(again, Err(AccountError::Store(StoreError::Conflict(_)))),
        "{again:?}"
    );
    let unknown = accounts
        .create_user(account("wang", vec![("boss".into(), None)]), now)
        .await;
    assert!(matches!(unknown, Err(AccountError::Invalid(m)) if m.contains("boss")));
    let short = NewAccount {
        password: "short".into(),
        ..account("zhao", Vec::new())
    };
    assert!(matches!(
        accounts.create_user(short, now).await,
        Err(AccountError::Invalid(_))
    ));
    accounts.revoke_grant(user.id, grant.id).await.unwrap();
    assert_eq!(store.user(user.id).await.unwrap().grants.len(), 2);
}

async fn a_session_lasts_while_used_and_ends_on_log_out_or_a_new_password(store: Arc<dyn Store>) {
    let accounts = service(&store).await;
    let now = Utc::now();
    let user = accounts
        .create_user(account("chen", Vec::new()), now)
        .await
        .unwrap();
    let origin = Origin::default();

    let (idle, _) = accounts
        .log_in("chen", PASSWORD, &origin, now)
        .await
        .unwrap();
    let later = now + SESSION_IDLE + Duration::minutes(1);
    assert!(
        accounts
            .session_caller(&idle, later)
            .await
            .unwrap()
            .is_none(),
        "idle too long"
    );

    let (active, _) = accounts
        .log_in("chen", PASSWORD, &origin, now)
        .await
        .unwrap();
    let caller = accounts.session_caller(&active, now).await.unwrap();
    assert_eq!(caller.map(|c| c.user.id), Some(user.id));
    accounts.log_out(&active, now).await.unwrap();
    assert!(
        accounts
            .session_caller(&active, now)
            .await
            .unwrap()
            .is_none(),
        "logged out"
    );

    let (kept, _) = accounts
        .log_in("chen", PASSWORD, &origin, now)
        .await
        .unwrap();
    assert!(accounts.session_caller(&kept, now).await.unwrap().is_some());
    accounts
        .set_password(user.id, Some(PASSWORD), "another long one".into(), now)
        .await
        .unwrap();
    assert!(
        accounts.session_caller(&kept, now).await.unwrap().is_none(),
        "password changed"
    );
    let old = accounts.log_in("chen", PASSWORD, &origin, now).await;
    assert!(matches!(old, Err(AccountError::InvalidCredentials)));
}

async fn a_token_works_until_it_expires_or_is_revoked(store: Arc<dyn Store>) {
    let accounts = service(&store).await;
    let now = Utc::now();
    let user = accounts
        .create_user(account("camera-ai", Vec::new()), now)
        .await
        .unwrap();
    let (token, info) = accounts
        .create_token(user.id, "analytics", 1, now)
        .await
        .unwrap();
    assert!(token.starts_with("glt_"));

    let caller = accounts.token_caller(&token, now).await.unwrap().unwrap();
    assert_eq!((caller.user.id, caller.token_id), (user.id, Some(info.id)));
    let (fresh, _) = accounts
        .create_token(user.id, "later", 1, now)
        .await
        .unwrap();
    let tomorrow = now + Duration::days(1) + Duration::minutes(1);
    assert!(
        accounts
            .token_caller(&fresh, tomorrow)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );

    let revoked = accounts.revoke_token(info.id, now).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(
        accounts.token_caller(&token, now).await.unwrap().is_none(),
        "revoked"
    );
    assert!(
        accounts
            .token_caller("glt_made_up", now)
            .await
            .unwrap()
            .is_none()
    );
}

async fn five_failed_log_ins_lock_the_account_and_each_is_audited(store: Arc<dyn Store>) {
    let accounts = service(&store).await;
    let now = Utc::now();
    accounts
        .create_user(account("zhou", Vec::new()), now)
        .await
        .unwrap();
    let origin = Origin {
        address: Some("10.0.0.7".into()),
    };
    for _ in 0..5 {
        let wrong = accounts
            .log_in("zhou", "not the password", &origin, now)
            .await;
        assert!(
            matches!(wrong, Err(AccountError::InvalidCredentials)),
            "{wrong:?}"
        );
    }
    let right = accounts.log_in("zhou", PASSWORD, &origin, now).await;
    assert!(
        matches!(right, Err(AccountError::Locked(until)) if until > now),
        "{right:?}"
    );
    let unknown = accounts.log_in("nobody", PASSWORD, &origin, now).await;
    assert!(matches!(unknown, Err(AccountError::InvalidCredentials)));
    let after = now + Duration::minutes(11);
    assert!(
        accounts
            .log_in("zhou", PASSWORD, &origin, after)
            .await
            .is_ok(),
        "unlocked"
    );

    let trail = store
        .audit(&AuditFilter {
            username: Some("zhou".into()),
            limit: 100,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.entry.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "login",
            "login_locked",
            "login_failed",
            "login_failed",
            "login_failed",
            "login_failed",
            "login_failed"
        ]
    );
    assert!(
        trail
            .iter()
            .all(|e| e.entry.address.as_deref() == Some("10.0.0.7"))
    );
}

/// The audit trail refuses UPDATE and DELETE even from plain SQL, on SQLite.
#[tokio::test]
async fn sqlite_refuses_to_change_the_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("audit.db").display());
    let store = gridlink::store::connect(&url).await.unwrap();
    let accounts = Accounts::load(Arc::clone(&store)).await.unwrap();
    accounts
        .log_in("nobody", PASSWORD, &Origin::default(), Utc::now())
        .await
        .unwrap_err();
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    for statement in ["UPDATE audit SET username = 'x'", "DELETE FROM audit"] {
        let refused = sqlx::query(statement).execute(&pool).await;
        assert!(refused.is_err(), "{statement} must be refused");
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM audit")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

/// The same on PostgreSQL.
#[tokio::test]
async fn postgres_refuses_to_change_the_audit_trail() {
    let url = common::postgres_schema_url().await;
    let store = gridlink::store::connect(&url).await.unwrap();
    let accounts = Accounts::load(Arc::clone(&store)).await.unwrap();
    accounts
        .log_in("nobody", PASSWORD, &Origin::default(), Utc::now())
        .await
        .unwrap_err();
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    for statement in ["UPDATE audit SET username = 'x'", "DELETE FROM audit"] {
        let refused = sqlx::query(statement).execute(&pool).await;
        assert!(refused.is_err(), "{statement} must be refused");
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM audit")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}
