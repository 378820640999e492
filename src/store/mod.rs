//! Storage: one contract, [`Store`], made of capability traits by area, with a module
//! per backend.
//!
//! SQLite is the zero-setup default; PostgreSQL with PostGIS is production. Both are
//! reached through sqlx, both keep geometry exactly (coordinates round-trip bit for bit),
//! and both pass the same contract tests (`tests/store_contract.rs`).
//!
//! How it is laid out, and why:
//! - `capabilities.rs`: the contract by area ([`GridStore`], [`CameraStore`],
//!   [`WorkerStore`], [`IncidentStore`], [`LinkageStore`], [`PlanningStore`],
//!   [`DataStore`]). [`Store`] is all of them, has a blanket impl, and is what the rest of
//!   the code holds (`Arc<dyn Store>`, whose methods need no import); on a concrete
//!   `SqliteStore` or `PostgresStore`, import the capability whose methods you call.
//! - `sql/`: every query, written once as plain Rust against a concrete sqlx database
//!   `Db` and a concrete store type `Backend`. It is not a module of this one: `sqlite.rs`
//!   and `postgres.rs` each say `type Db = …; type Backend = …;` and include the folder
//!   with `#[path = "sql/mod.rs"] mod sql;`, so it compiles twice, once per backend. Code
//!   generic over `sqlx::Database` would need a list of bounds on every function; here
//!   there are none, and calls across areas within one transaction are plain calls.
//! - `dialect.rs`: `Dialect`, the only place the backends differ: SQL fragments as
//!   associated consts, and a few methods for what differs in more than SQL (a boundary
//!   as WKB or GeoJSON, the bbox filters, PostgreSQL's signals).
//! - `sqlite.rs`, `postgres.rs`: connection set-up and the `Dialect` impl, nothing more.
//! - `rows/`: rows as they come out of SQL and their mapping to the domain, compiled once.
//!
//! Every read takes a `GridScope` (first after `&self`). Reads of grids, incidents and
//! workers filter by it in SQL with the one prefix test of `sql/scope.rs`, the test
//! `GridScope::includes` makes in memory; cameras, alerts and calls carry no grid column,
//! so their reads leave a narrower scope to the caller, who has the index. Writes take
//! none: a service writes only what it has read within its scope.
//!
//! To add a query: its method in the capability trait, its body once in `sql/<area>.rs`
//! and, only if the backends must spell it differently, a const in `Dialect` with its
//! text in each backend.

mod accounts;
mod capabilities;
mod dialect;
mod geometry;
mod postgres;
mod rows;
mod sqlite;
mod types;
mod wkb;

pub use accounts::{
    AuditEntry, AuditFilter, Credentials, NewAuditEntry, NewUser, TokenInfo, UserChange,
};
pub use capabilities::{
    AccountStore, CameraStore, DataStore, GridStore, IncidentStore, LinkageStore, PlanningStore,
    WorkerStore,
};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use types::{
    Applied, ApplyPlan, CallAnswer, CallFilter, DataVersions, Dataset, DatasetCounts, GridFilter,
    IncidentFilter, IncidentPage, LinkageSignal, LinkageSignals, NewChangeSet, NewPhoto,
    PlannedReroute, RecordedFact, StoredPhoto,
};

use std::sync::Arc;

/// What can go wrong in a store, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The write would break a uniqueness or reference rule (duplicate code, unknown parent).
    #[error("{0}")]
    Conflict(String),
    /// The data was refused by the database's own checks (for example `ST_IsValid`).
    #[error("{0}")]
    Invalid(String),
    /// The write was made from a version of the data that has since moved on (a grid
    /// another planner changed meanwhile).
    #[error("{0}")]
    Stale(String),
    /// A stored value could not be read back into the domain model.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The database failed or could not be reached.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// Migrations could not be applied.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The whole storage contract: every capability at once. Never implemented by hand: a
/// type with every capability is a `Store` by the blanket impl below.
pub trait Store:
    AccountStore
    + GridStore
    + CameraStore
    + WorkerStore
    + IncidentStore
    + LinkageStore
    + PlanningStore
    + DataStore
{
}

impl<T> Store for T where
    T: AccountStore
        + GridStore
        + CameraStore
        + WorkerStore
        + IncidentStore
        + LinkageStore
        + PlanningStore
        + DataStore
{
}

/// Opens the store a URL names: `sqlite:` for the embedded store, `postgres:` or
/// `postgresql:` for PostGIS. Migrations are applied before it is returned.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    let store: Arc<dyn Store> = if url.starts_with("sqlite:") {
        Arc::new(SqliteStore::connect(url).await?)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Arc::new(PostgresStore::connect(url).await?)
    } else {
        return Err(StoreError::Invalid(format!(
            "unsupported database URL {url:?}: use sqlite:PATH or postgres://..."
        )));
    };
    store.migrate().await?;
    Ok(store)
}
