//! Who is assigned to which grid, for routing incidents: a map from grid to its workers,
//! built from committed workers and replaced whole when they change.

use crate::domain::{GridId, LevelNo, RosterEntry, Worker, WorkerId, WorkerRole};
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

    /// The workers who answer for the grids of `chain` (its grids with their levels, in
    /// any order), each once with the finest of them they are assigned to: finest grid
    /// first, then by role and id (a micro-grid's liaison before the village's chief).
    #[must_use]
    pub fn answering(&self, chain: &[(GridId, LevelNo)]) -> Vec<(&RosterEntry, GridId, LevelNo)> {
        let mut chain = chain.to_vec();
        chain.sort_by_key(|&(_, level)| std::cmp::Reverse(level));
        let mut seen = std::collections::HashSet::new();
        let mut answering: Vec<_> = chain
            .iter()
            .flat_map(|&(grid, level)| self.members(grid).iter().map(move |m| (m, grid, level)))
            .filter(|(m, _, _)| seen.insert(m.id))
            .collect();
        answering.sort_by_key(|&(m, _, level)| (std::cmp::Reverse(level), m.role, m.id));
        answering
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

#[cfg(test)]
mod tests {
    use super::*;

    fn worker(id: WorkerId, role: WorkerRole, grids: &[GridId]) -> Worker {
        Worker {
            id,
            name: format!("w{id}"),
            role,
            department: None,
            phone: String::new(),
            grid_ids: grids.to_vec(),
            on_duty: true,
            position: None,
            position_at: None,
            shifts: Vec::new(),
        }
    }

    #[test]
    fn the_answering_run_from_the_finest_grid_up_each_once_by_role_then_id() {
        let roster = Roster::new(&[
            worker(1, WorkerRole::GridChief, &[10]),
            worker(2, WorkerRole::Volunteer, &[30]),
            worker(3, WorkerRole::Liaison, &[30]),
            worker(4, WorkerRole::FullTime, &[20, 30]),
            worker(5, WorkerRole::Liaison, &[99]),
        ]);

        let answering = roster.answering(&[(10, 1), (20, 2), (30, 3)]);

        let got: Vec<(WorkerId, GridId)> = answering.iter().map(|(m, g, _)| (m.id, *g)).collect();
        assert_eq!(
            got,
            [(4, 30), (3, 30), (2, 30), (1, 10)],
            "4 once, for its finest grid; 5 answers for none of them"
        );
    }
}
