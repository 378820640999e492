//! gridlink: the spatial service of a town's grid-governance command centre.
//!
//! ```text
//!   main.rs ─▶ cli ─▶ app (start-up, wiring) ─▶ http (axum routes, one module per resource)
//!                          │                        │
//!                          ▼                        ▼
//!                        store (trait; sqlite, postgres) ─▶ domain (types and rules, no I/O)
//!                        spatial (in-memory R-tree index: no HTTP, no SQL) ─▶ domain
//!                        tiles (projected scene, PNG and MVT, tile cache: no HTTP, no SQL)
//!                        incidents (the desk: filing, steps, live feed) ─▶ store, spatial
//!                        linkage (camera alerts, calls to the nearest workers, their
//!                                 timers) ─▶ incidents, store, spatial
//!                        planning (change sets: checks, impact preview, apply, then
//!                                  reload the index and tiles) ─▶ store, spatial, tiles
//!                        import, demo (GeoJSON in and out) ─▶ domain
//!                        media (incident photos checked, upright, re-encoded without
//!                               metadata, thumbnailed: no HTTP, no storage)
//! ```
//! Arrows point inward: nothing depends on `http`, and neither `spatial` nor `tiles`
//! knows of storage; both are rebuilt only from data the store has committed.

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
pub mod planning;
pub mod spatial;
pub mod store;
pub mod tiles;
