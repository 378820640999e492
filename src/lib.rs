//! gridlink: the spatial service of a town's grid-governance command centre.
//!
//! ```text
//!   main.rs ─▶ cli ─▶ app (start-up; builds every service from config; background tasks)
//!                      │
//!                      ▼
//!                     http (axum routes, one module per resource; parse, call, shape;
//!                      │    every route states its permission, a guard enforces it)
//!                      ▼
//!   planning (change sets: checks, impact preview, apply) ─┐
//!   linkage (camera alerts, calls to the nearest workers) ─┤
//!   incidents (the desk: filing, steps, live feed) ────────┤
//!   accounts (log-in, sessions, tokens, the caller) ───────┤
//!                                                          ▼
//!   mirrors (the in-memory copies of committed data: grid index, workers, tiles' scene,
//!            statistics facts; load, reload, follow other writers)
//!                      │
//!                      ▼
//!   store (capability traits; sqlite, postgres)   spatial (R-tree index: no HTTP, no SQL)
//!   tiles (scene, PNG and MVT, tile cache)        media (photos: checked, re-encoded)
//!   import, demo (GeoJSON in and out)             config (plain values, imports nothing)
//!                      │
//!                      ▼
//!                    domain (types and rules, no I/O)
//! ```
//! Arrows point down: nothing depends on `http` or `app`, services never read the
//! configuration (`app` hands them plain settings), and neither `spatial` nor `tiles`
//! knows of storage; both are rebuilt only from data the store has committed.

pub mod accounts;
pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod http;
pub mod import;
pub mod incidents;
pub mod linkage;
pub mod media;
pub mod mirrors;
pub mod planning;
pub mod spatial;
pub mod store;
pub mod tiles;
