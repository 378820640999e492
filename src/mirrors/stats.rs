//! Statistics reports over the facts mirror: a grid (or the top level) and the grids up to
//! some depth below it, each with its incident figures, tallied in memory, never from the
//! database.

use super::IncidentFacts;
use crate::domain::{GridScope, StatsGrid, StatsReport, TallyOptions, tally};
use crate::spatial::{GridIndex, IndexedGrid};
use chrono::Utc;
use std::sync::Arc;

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    /// The grid asked for is neither a known id nor a known code (or lies outside the
    /// caller's scope).
    #[error("grid {0:?} is not a known grid id or code")]
    UnknownGrid(String),
    /// The tallying task died (it panicked).
    #[error("tallying statistics failed: {0}")]
    Tally(#[from] tokio::task::JoinError),
}

/// Which grids a report lists: `grid` (an id or a code; every top-level grid when `None`)
/// and the grids up to `depth` levels below it, those within `scope`.
#[derive(Debug, Clone, Copy)]
pub struct ReportOn<'a> {
    /// The grids the caller may see.
    pub scope: &'a GridScope,
    /// The grid reported on, by id or code.
    pub grid: Option<&'a str>,
    /// How many levels below it are listed too.
    pub depth: u8,
}

impl IncidentFacts {
    /// The report on the grids `on` names, with `options`, tallied now off the async
    /// workers: a tally of a million incidents takes a core for a tenth of a second.
    pub async fn report(
        self: Arc<Self>,
        index: &GridIndex,
        on: ReportOn<'_>,
        options: TallyOptions,
    ) -> Result<StatsReport, StatsError> {
        let top = on.grid.map(|g| find(index, g)).transpose()?;
        let grids: Vec<StatsGrid> = listed(index, top, on.depth)
            .into_iter()
            .filter(|g| on.scope.includes(&g.code))
            .map(|g| stats_grid(index, g))
            .collect();
        let report = tokio::task::spawn_blocking(move || {
            self.read(|facts| tally(facts, &grids, Utc::now(), &options))
        });
        Ok(report.await?)
    }
}

/// A grid by id or code.
fn find<'a>(index: &'a GridIndex, text: &str) -> Result<&'a IndexedGrid, StatsError> {
    let by_id = text.parse().ok().and_then(|id| index.get(id));
    by_id
        .or_else(|| index.iter().find(|g| g.code.as_str() == text))
        .ok_or_else(|| StatsError::UnknownGrid(text.to_owned()))
}

/// `top` (or every top-level grid) and the grids up to `depth` levels below.
fn listed<'a>(
    index: &'a GridIndex,
    top: Option<&'a IndexedGrid>,
    depth: u8,
) -> Vec<&'a IndexedGrid> {
    let mut listed: Vec<&IndexedGrid> = match top {
        Some(grid) => vec![grid],
        None => index.roots().collect(),
    };
    let mut level = 0..listed.len();
    for _ in 0..depth {
        let start = listed.len();
        for i in level {
            listed.extend(index.children(listed[i]));
        }
        level = start..listed.len();
    }
    listed
}

fn stats_grid(index: &GridIndex, grid: &IndexedGrid) -> StatsGrid {
    StatsGrid {
        id: grid.id,
        code: grid.code.clone(),
        name: grid.name.clone(),
        level: grid.level,
        parent_id: index.ancestors_and_self(grid).nth(1).map(|p| p.id),
    }
}
