//! The statistics mirror: what [`tally`](crate::domain::tally) needs of every incident,
//! held in memory so the town's statistics over a million incidents take one pass over
//! memory instead of a million rows from the database per request.
//!
//! It changes only from committed data: the desk records each incident it has just
//! written, and the refresh task records what other replicas committed (polled from the
//! store by `updated_at`). Each entry carries its incident's revision and the mirror keeps
//! the highest, so the same change arriving both ways, or twice, is harmless.
//!
//! A tally holds the read lock for up to a few hundred milliseconds. Writers must not wait
//! that long on a request's path, so [`IncidentFacts::record`] queues its entries and
//! applies them only when the table is free; a reader applies the queue before it reads,
//! so it sees every change recorded before it began.

use crate::domain::{GridCode, Incident, IncidentFact, IncidentId, OpenCounts, open_counts};
use crate::store::RecordedFact;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use tokio::task::JoinError;

/// How far before the newest change seen a poll looks again: a transaction commits a
/// little after it stamps `updated_at`, and replicas' clocks differ a little. Each poll
/// reads the changes of this window again (at 2,000 filings/s, 4,000 rows), so it is
/// kept short; a commit later than this after its stamp shows only after a restart.
pub const POLL_OVERLAP: TimeDelta = TimeDelta::seconds(2);

/// How long the thematic map layer's counts are reused before they are counted again:
/// the layer lags the incidents by at most this.
pub const COUNTS_TTL: TimeDelta = TimeDelta::seconds(5);

/// The mirror. Shared by the desk, the statistics handler and the refresh task.
#[derive(Default)]
pub struct IncidentFacts {
    table: RwLock<Table>,
    queue: Mutex<Queue>,
    counts: Mutex<Option<Arc<OpenCounts>>>,
}

#[derive(Default)]
struct Table {
    facts: Vec<IncidentFact>,
    /// Where each incident's fact is in `facts`, and its revision.
    rows: HashMap<IncidentId, (usize, i64)>,
}

#[derive(Default)]
struct Queue {
    entries: Vec<RecordedFact>,
    /// The newest `updated_at` recorded, where the next poll starts (less the overlap).
    newest: Option<DateTime<Utc>>,
}

impl Table {
    fn apply(&mut self, entries: impl IntoIterator<Item = RecordedFact>) {
        for entry in entries {
            if let Some((row, revision)) = self.rows.get_mut(&entry.id) {
                if entry.revision <= *revision {
                    continue;
                }
                *revision = entry.revision;
                self.facts[*row] = entry.fact;
            } else {
                self.rows
                    .insert(entry.id, (self.facts.len(), entry.revision));
                self.facts.push(entry.fact);
            }
        }
    }
}

/// What the mirror records of an incident just written; `None` for one filed in no grid,
/// which statistics cannot place (filing refuses those).
fn recorded(incident: &Incident) -> Option<RecordedFact> {
    let grid_code = GridCode::parse(&incident.grid()?.code).ok()?;
    Some(RecordedFact {
        id: incident.id,
        revision: incident.revision,
        updated_at: incident.updated_at,
        fact: IncidentFact {
            grid_code,
            category: incident.category.clone(),
            status: incident.status(),
            reported_at: incident.reported_at,
            closed_at: incident.closed_at,
            deadline: incident.deadline,
            yellow_at: incident.yellow_at,
            satisfaction: incident.satisfaction,
        },
    })
}

impl IncidentFacts {
    /// A mirror holding `entries`, as the store answered at start-up.
    #[must_use]
    pub fn new(entries: Vec<RecordedFact>) -> Self {
        let facts = Self::default();
        facts.record(entries);
        facts
    }

    /// Records an incident this process has just committed; one filed in no grid is left
    /// out (see `recorded`). Never waits for a reader.
    pub fn record_incident(&self, incident: &Incident) {
        self.record(recorded(incident));
    }

    /// Records committed changes. Never waits for a reader.
    pub fn record(&self, entries: impl IntoIterator<Item = RecordedFact>) {
        {
            let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            for entry in entries {
                queue.newest = queue.newest.max(Some(entry.updated_at));
                queue.entries.push(entry);
            }
        }
        // Busy means a reader is tallying; it or the next caller applies the queue.
        if let Ok(mut table) = self.table.try_write() {
            self.drain_into(&mut table);
        }
    }

    /// Runs `read` on every incident's fact, with every change recorded so far applied.
    /// May wait for a writer, so call it off the async executor (`spawn_blocking`) when
    /// the tally is large.
    pub fn read<R>(&self, read: impl FnOnce(&[IncidentFact]) -> R) -> R {
        {
            let mut table = self.table.write().unwrap_or_else(PoisonError::into_inner);
            self.drain_into(&mut table);
        }
        let table = self.table.read().unwrap_or_else(PoisonError::into_inner);
        read(&table.facts)
    }

    /// The open and overdue counts per grid at `now`, counted again when the last count
    /// is [`COUNTS_TTL`] old. Counting takes a pass over every incident: call it off the
    /// async executor.
    pub fn open_counts(&self, now: DateTime<Utc>) -> Arc<OpenCounts> {
        let mut cached = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        match cached.as_ref() {
            Some(counts) if (now - counts.at).abs() < COUNTS_TTL => Arc::clone(counts),
            _ => {
                let counts = Arc::new(OpenCounts {
                    scope_key: 0,
                    at: now,
                    by_code: self.read(|facts| open_counts(facts, now)),
                });
                *cached = Some(Arc::clone(&counts));
                counts
            }
        }
    }

    /// The counts now, counted off the async workers when the last count is stale (a pass
    /// over every incident).
    pub async fn open_counts_now(self: Arc<Self>) -> Result<Arc<OpenCounts>, JoinError> {
        tokio::task::spawn_blocking(move || self.open_counts(Utc::now())).await
    }

    /// From when the next poll of the store should ask for changes: the newest change
    /// seen, less [`POLL_OVERLAP`]; `None` when nothing was ever seen (ask for all).
    #[must_use]
    pub fn poll_from(&self) -> Option<DateTime<Utc>> {
        let queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        queue.newest.map(|t| t - POLL_OVERLAP)
    }

    fn drain_into(&self, table: &mut Table) {
        let entries = {
            let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            std::mem::take(&mut queue.entries)
        };
        table.apply(entries);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{GridCode, IncidentStatus};
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, hour, 0, 0).unwrap()
    }

    fn entry(id: IncidentId, revision: i64, status: IncidentStatus) -> RecordedFact {
        RecordedFact {
            id,
            revision,
            updated_at: at(u32::try_from(revision).unwrap()),
            fact: IncidentFact {
                grid_code: GridCode::parse("320282102").unwrap(),
                category: "traffic_road_hazard".into(),
                status,
                reported_at: at(0),
                closed_at: None,
                deadline: at(12),
                yellow_at: at(9),
                satisfaction: None,
            },
        }
    }

    fn statuses(facts: &IncidentFacts) -> Vec<IncidentStatus> {
        facts.read(|facts| facts.iter().map(|f| f.status).collect())
    }

    #[test]
    fn a_newer_revision_replaces_an_older_one_and_never_the_reverse() {
        let facts = IncidentFacts::new(vec![entry(1, 1, IncidentStatus::Reported)]);
        facts.record([entry(1, 3, IncidentStatus::Handling)]);
        facts.record([entry(1, 2, IncidentStatus::Dispatched)]);
        facts.record([entry(1, 3, IncidentStatus::Closed)]);
        assert_eq!(statuses(&facts), [IncidentStatus::Handling]);
    }

    #[test]
    fn each_incident_counts_once_however_often_it_is_recorded() {
        let facts = IncidentFacts::default();
        facts.record([entry(1, 1, IncidentStatus::Reported)]);
        facts.record([entry(2, 1, IncidentStatus::Reported)]);
        facts.record([entry(1, 1, IncidentStatus::Reported)]);
        assert_eq!(statuses(&facts).len(), 2);
    }

    #[test]
    fn changes_recorded_while_a_reader_holds_the_table_show_in_the_next_read() {
        let facts = IncidentFacts::default();
        facts.read(|_| facts.record([entry(7, 1, IncidentStatus::Reported)]));
        assert_eq!(statuses(&facts).len(), 1);
    }

    #[test]
    fn counts_are_reused_for_their_time_to_live_then_counted_again() {
        let facts = IncidentFacts::new(vec![entry(1, 1, IncidentStatus::Reported)]);
        let first = facts.open_counts(at(1));
        facts.record([entry(2, 1, IncidentStatus::Reported)]);

        let soon = facts.open_counts(at(1) + COUNTS_TTL / 2);
        let later = facts.open_counts(at(1) + COUNTS_TTL);

        assert!(Arc::ptr_eq(&first, &soon));
        assert_eq!(first.by_code["320282102"].open, 1);
        assert_eq!(later.by_code["320282102"].open, 2);
    }

    #[test]
    fn polls_start_the_overlap_before_the_newest_change_seen() {
        let facts = IncidentFacts::default();
        assert_eq!(facts.poll_from(), None);
        facts.record([
            entry(1, 4, IncidentStatus::Reported),
            entry(2, 2, IncidentStatus::Reported),
        ]);
        assert_eq!(facts.poll_from(), Some(at(4) - POLL_OVERLAP));
    }
}
