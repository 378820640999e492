//! Every query of the store, written once and compiled twice.
//!
//! This folder is not a module of `store`. Each backend includes it: `sqlite.rs` and
//! `postgres.rs` define `type Db` (their sqlx database) and `type Backend` (their store
//! type, which implements `Dialect`) and then say `#[path = "sql/mod.rs"] mod sql;`. So
//! the same source is a module of each backend, and inside it every type is concrete: no
//! sqlx trait bounds anywhere, and a query of one area calls another's as a plain
//! function within one transaction (a dataset inserting grids, cameras and workers; an
//! answered call filing an incident; a change set re-routing incidents).
//!
//! Each file is one area: its queries as functions taking a connection (a pooled one and
//! a transaction serve alike), then its capability trait's impl for `Backend`, which opens
//! the transaction. SQL both databases run word for word is written here; what they spell
//! differently comes from `Dialect` (`Backend::FOR_UPDATE`, `Backend::INSERT_GRID`, …).
//!
//! To add a query: its method in `capabilities.rs`, its body in the area's file here,
//! and, only if the two databases need different SQL, a const in `dialect.rs` with its
//! text in `sqlite.rs` and `postgres.rs`.

mod accounts;
mod alerts;
mod calls;
mod cameras;
mod data;
mod grids;
mod incident_list;
mod incidents;
mod linkage;
mod planning;
mod revisions;
mod scope;
mod versions;
mod workers;

use super::{Backend, Db};
use crate::store::StoreError;
use crate::store::dialect::Dialect;
use sqlx::Transaction;
use sqlx::pool::PoolConnection;

/// A connection to the backend's database: a pooled one, or the one a transaction holds.
type Conn = <Db as sqlx::Database>::Connection;

/// A boundary as this backend's queries read it.
type Boundary = <Backend as Dialect>::Boundary;

impl Backend {
    /// A connection from the pool, for statements that need no transaction of their own.
    async fn conn(&self) -> Result<PoolConnection<Db>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// Starts a write transaction as the backend wants it (`Dialect::BEGIN_WRITE`).
    async fn write(&self) -> Result<Transaction<'static, Db>, StoreError> {
        Ok(self.pool.begin_with(Backend::BEGIN_WRITE).await?)
    }

    /// Starts a read transaction whose statements all see one snapshot
    /// (`Dialect::BEGIN_READ`).
    async fn read(&self) -> Result<Transaction<'static, Db>, StoreError> {
        Ok(self.pool.begin_with(Backend::BEGIN_READ).await?)
    }
}

/// Commits `tx`, then answers `value`: the end of every write.
async fn commit<T>(tx: Transaction<'_, Db>, value: T) -> Result<T, StoreError> {
    tx.commit().await?;
    Ok(value)
}
