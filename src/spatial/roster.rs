//! Who is assigned to which grid, for routing incidents: a map from grid to its workers,
//! built from committed workers and replaced whole when they change.

use crate::domain::{GridId, RosterEntry, Worker, WorkerId, WorkerRole};
use std::collections::HashMap;

/// The workers assigned to each grid, ordered by id.
#[derive(Debug, Default)]
pub struct Roster {
    by_grid: HashMap<GridId, Vec<RosterEntry>>,
    contacts: HashMap<WorkerId, Contact>,
}

/// How to reach a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Full name.
    pub name: String,
    /// Mobile number.
    pub phone: String,
    /// Role in the grid system.
    pub role: WorkerRole,
}

impl Roster {
    /// The roster of these workers.
    #[must_use]
    pub fn new(workers: &[Worker]) -> Self {
        let mut by_grid: HashMap<GridId, Vec<RosterEntry>> = HashMap::new();
        for worker in workers {
            for &grid in &worker.grid_ids {
                by_grid.entry(grid).or_default().push(RosterEntry {
                    id: worker.id,
                    role: worker.role,
                    department: worker.department.clone(),
                });
            }
        }
        for members in by_grid.values_mut() {
            members.sort_by_key(|m| m.id);
        }
        Self {
            by_grid,
            contacts: workers
                .iter()
                .map(|w| {
                    let contact = Contact {
                        name: w.name.clone(),
                        phone: w.phone.clone(),
                        role: w.role,
                    };
                    (w.id, contact)
                })
                .collect(),
        }
    }

    /// The workers assigned to `grid`, ordered by id.
    #[must_use]
    pub fn members(&self, grid: GridId) -> &[RosterEntry] {
        self.by_grid.get(&grid).map_or(&[], Vec::as_slice)
    }

    /// Every assignment: each grid with each of its workers.
    pub fn assignments(&self) -> impl Iterator<Item = (GridId, &RosterEntry)> {
        self.by_grid
            .iter()
            .flat_map(|(&grid, members)| members.iter().map(move |m| (grid, m)))
    }

    /// How to reach a worker; `None` for an unknown one.
    #[must_use]
    pub fn contact(&self, id: WorkerId) -> Option<&Contact> {
        self.contacts.get(&id)
    }
}
