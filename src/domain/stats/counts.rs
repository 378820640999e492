//! Open and overdue incidents per grid, rolled up: what the thematic map layer colours
//! grids by. Cheaper than a full [`tally`](super::tally): only open incidents count, and
//! no breakdowns.

use super::IncidentFact;
use crate::domain::{GridScope, Urgency};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// Open and overdue incidents of a grid and every grid below it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OpenCount {
    /// Incidents not closed, archived or rejected.
    pub open: u32,
    /// Of those, the ones past their deadline.
    pub overdue: u32,
}

/// Open and overdue incidents per grid code, rolled up, as counted at one instant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenCounts {
    /// When they were counted; also names this count in tile cache keys and `ETag`s.
    pub at: DateTime<Utc>,
    /// By grid code; a code without open incidents is absent.
    pub by_code: HashMap<String, OpenCount>,
    /// Names the grid scope the counts were narrowed to ([`OpenCounts::within`]), so
    /// tiles of different scopes are cached apart; 0 for every grid.
    pub scope_key: u64,
}

impl OpenCounts {
    /// The count of the grid with `code`; nothing open when it has no entry.
    #[must_use]
    pub fn of(&self, code: &str) -> OpenCount {
        self.by_code.get(code).copied().unwrap_or_default()
    }

    /// The counts of the grids within `scope` only: the grids above it count nothing, as
    /// their rolled-up counts hold incidents outside it.
    #[must_use]
    pub fn within(&self, scope: &GridScope) -> Self {
        use std::hash::{Hash, Hasher};
        let Some(prefixes) = scope.prefixes() else {
            return self.clone();
        };
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        prefixes.hash(&mut hasher);
        Self {
            at: self.at,
            by_code: self
                .by_code
                .iter()
                .filter(|(code, _)| scope.includes(code))
                .map(|(code, count)| (code.clone(), *count))
                .collect(),
            scope_key: hasher.finish() | 1,
        }
    }
}

/// Each grid code's [`OpenCount`] at `now`: an open incident counts for its own grid code
/// and for every code above it (its prefixes). Codes with no open incident are absent.
#[must_use]
pub fn open_counts(facts: &[IncidentFact], now: DateTime<Utc>) -> HashMap<String, OpenCount> {
    let mut counts: HashMap<String, OpenCount> = HashMap::new();
    for fact in facts {
        let Some(colour) = fact.colour_at(now) else {
            continue;
        };
        let overdue = u32::from(colour == Urgency::Red);
        for prefix in fact.grid_code.prefixes() {
            if let Some(count) = counts.get_mut(prefix) {
                count.open += 1;
                count.overdue += overdue;
            } else {
                counts.insert(prefix.to_owned(), OpenCount { open: 1, overdue });
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{GridCode, IncidentStatus};
    use chrono::TimeDelta;

    fn fact(code: &str, status: IncidentStatus, due_in_hours: i64) -> IncidentFact {
        let now = Utc::now();
        IncidentFact {
            grid_code: GridCode::parse(code).unwrap(),
            category: "traffic_road_hazard".into(),
            status,
            reported_at: now - TimeDelta::hours(1),
            closed_at: None,
            deadline: now + TimeDelta::hours(due_in_hours),
            yellow_at: now + TimeDelta::hours(due_in_hours - 1),
            satisfaction: None,
        }
    }

    #[test]
    fn open_incidents_count_for_their_grid_and_every_grid_above_and_closed_ones_nowhere() {
        let facts = [
            fact("320282102200001", IncidentStatus::Handling, 5),
            fact("320282102200001", IncidentStatus::Dispatched, -2),
            fact("320282102201", IncidentStatus::Reported, 5),
            fact("320282102200002", IncidentStatus::Closed, -2),
            fact("320282102200002", IncidentStatus::Rejected, 5),
        ];

        let counts = open_counts(&facts, Utc::now());

        let count = |code: &str| counts.get(code).copied().unwrap_or_default();
        assert_eq!(
            count("320282102200001"),
            OpenCount {
                open: 2,
                overdue: 1
            }
        );
        assert_eq!(
            count("320282102200"),
            OpenCount {
                open: 2,
                overdue: 1
            }
        );
        assert_eq!(
            count("320282102201"),
            OpenCount {
                open: 1,
                overdue: 0
            }
        );
        assert_eq!(
            count("320282102"),
            OpenCount {
                open: 3,
                overdue: 1
            }
        );
        assert!(!counts.contains_key("320282102200002"));
    }

    #[test]
    fn counts_within_a_village_drop_the_grids_above_and_beside_it() {
        let now = Utc::now();
        let facts = [
            fact("320282102201001", IncidentStatus::Reported, 5),
            fact("320282102202001", IncidentStatus::Reported, 5),
        ];
        let all = OpenCounts {
            at: now,
            by_code: open_counts(&facts, now),
            scope_key: 0,
        };
        let village = GridScope::within([GridCode::parse("320282102201").unwrap()]);
        let seen = all.within(&village);
        assert_eq!(all.of("320282102").open, 2);
        assert_eq!(
            seen.of("320282102").open,
            0,
            "the town holds the other village's"
        );
        assert_eq!(seen.of("320282102201").open, 1);
        assert_eq!(seen.of("320282102202").open, 0);
        assert_ne!(seen.scope_key, 0, "cached apart from the whole town's");
        assert_eq!(all.within(&GridScope::All), all);
    }
}
