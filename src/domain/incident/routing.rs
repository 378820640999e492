//! Who answers for an incident: routing a new one to its grid's worker, and escalation
//! (上报) up the chain.
//!
//! - **Filing.** When the incident's class names a town department and a staff member of
//!   that department is assigned to a grid of the chain, the deepest such grid's staff
//!   member takes it (categories routed to departments). Otherwise the full-time worker
//!   (专职网格员) of the deepest grid that has one takes it: in a four-level town, the
//!   comprehensive grid's. A chain without any such worker leaves the incident with the
//!   deepest grid's team, unassigned, for the dispatcher to assign.
//! - **Escalation.** The parent of the responsible grid becomes responsible, and its grid
//!   chief (网格长), or failing that its full-time worker, takes it. Above the top grid
//!   the county's departments are responsible, and nobody in the town's roster is assigned;
//!   the county cannot escalate further.
//!
//! Pure functions over the chain and a roster lookup, so the rules are tested without a
//! database.

use super::Responsible;
use crate::domain::{GridId, WorkerId, WorkerRole};

/// One worker as routing sees them: who, in which role, for which department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    /// The worker.
    pub id: WorkerId,
    /// Their role.
    pub role: WorkerRole,
    /// Their department, for department staff.
    pub department: Option<String>,
}

/// Where routing sends an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    /// Who answers for it.
    pub responsible: Responsible,
    /// The worker who takes it, when someone does.
    pub assignee: Option<WorkerId>,
}

/// Why an incident cannot be routed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    /// The location is outside every grid.
    #[error("the location is outside every grid; incidents are filed inside the town")]
    OutsideGrids,
    /// Escalation from the county, which is the top.
    #[error("the incident is already with the county's departments; it cannot go higher")]
    AtTop,
}

/// Routes a new incident located in `chain` (grid ids, top level first) whose class is
/// handled by `department`, if any; `members` gives the workers assigned to a grid,
/// ordered by id.
pub fn route<'a>(
    chain: &[GridId],
    department: Option<&str>,
    members: impl Fn(GridId) -> &'a [RosterEntry],
) -> Result<Routing, RoutingError> {
    let deepest = *chain.last().ok_or(RoutingError::OutsideGrids)?;
    if let Some(department) = department {
        let staff = chain.iter().rev().find_map(|&grid| {
            members(grid)
                .iter()
                .find(|w| {
                    w.role == WorkerRole::DepartmentStaff
                        && w.department.as_deref() == Some(department)
                })
                .map(|w| (grid, w.id))
        });
        if let Some((grid, worker)) = staff {
            return Ok(Routing {
                responsible: Responsible {
                    grid: Some(grid),
                    department: Some(department.to_owned()),
                },
                assignee: Some(worker),
            });
        }
    }
    let full_time = chain
        .iter()
        .rev()
        .find_map(|&grid| first_with(members(grid), &[WorkerRole::FullTime]).map(|w| (grid, w)));
    let (grid, assignee) = full_time.map_or((deepest, None), |(grid, w)| (grid, Some(w)));
    Ok(Routing {
        responsible: Responsible {
            grid: Some(grid),
            department: None,
        },
        assignee,
    })
}

/// Where escalating an incident held by `current` sends it; `parent_of` gives a grid's
/// parent.
pub fn escalate<'a>(
    current: &Responsible,
    parent_of: impl Fn(GridId) -> Option<GridId>,
    members: impl Fn(GridId) -> &'a [RosterEntry],
) -> Result<Routing, RoutingError> {
    let grid = current.grid.ok_or(RoutingError::AtTop)?;
    let Some(parent) = parent_of(grid) else {
        return Ok(Routing {
            responsible: Responsible {
                grid: None,
                department: None,
            },
            assignee: None,
        });
    };
    Ok(Routing {
        responsible: Responsible {
            grid: Some(parent),
            department: None,
        },
        assignee: first_with(
            members(parent),
            &[WorkerRole::GridChief, WorkerRole::FullTime],
        ),
    })
}

/// The first member holding the first of `roles` that anyone holds.
fn first_with(members: &[RosterEntry], roles: &[WorkerRole]) -> Option<WorkerId> {
    roles
        .iter()
        .find_map(|&role| members.iter().find(|w| w.role == role))
        .map(|w| w.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const TOWN: GridId = 1;
    const VILLAGE: GridId = 2;
    const GRID: GridId = 3;
    const MICRO: GridId = 4;
    const CHAIN: [GridId; 4] = [TOWN, VILLAGE, GRID, MICRO];

    fn entry(id: WorkerId, role: WorkerRole, department: Option<&str>) -> RosterEntry {
        RosterEntry {
            id,
            role,
            department: department.map(str::to_owned),
        }
    }

    /// The Taihua pattern: chiefs of town and village, a full-time worker on the
    /// comprehensive grid with a police officer beside them, a liaison on the micro-grid.
    fn roster() -> HashMap<GridId, Vec<RosterEntry>> {
        HashMap::from([
            (TOWN, vec![entry(10, WorkerRole::GridChief, None)]),
            (VILLAGE, vec![entry(20, WorkerRole::GridChief, None)]),
            (
                GRID,
                vec![
                    entry(30, WorkerRole::FullTime, None),
                    entry(31, WorkerRole::DepartmentStaff, Some("派出所")),
                ],
            ),
            (MICRO, vec![entry(40, WorkerRole::Liaison, None)]),
        ])
    }

    fn lookup<'a>(
        roster: &'a HashMap<GridId, Vec<RosterEntry>>,
    ) -> impl Fn(GridId) -> &'a [RosterEntry] {
        |grid| roster.get(&grid).map_or(&[][..], Vec::as_slice)
    }

    fn parent_of(grid: GridId) -> Option<GridId> {
        (grid > TOWN).then(|| grid - 1)
    }

    fn held_by(grid: Option<GridId>) -> Responsible {
        Responsible {
            grid,
            department: None,
        }
    }

    #[test]
    fn a_new_incident_goes_to_the_full_time_worker_of_its_comprehensive_grid() {
        let roster = roster();
        let routing = route(&CHAIN, None, lookup(&roster)).expect("routed");
        assert_eq!(routing.responsible, held_by(Some(GRID)));
        assert_eq!(routing.assignee, Some(30));
    }

    #[test]
    fn a_category_with_a_department_goes_to_that_departments_staff_in_the_chain() {
        let roster = roster();
        let routing = route(&CHAIN, Some("派出所"), lookup(&roster)).expect("routed");
        assert_eq!(routing.responsible.grid, Some(GRID));
        assert_eq!(routing.responsible.department.as_deref(), Some("派出所"));
        assert_eq!(routing.assignee, Some(31));
    }

    #[test]
    fn a_department_without_staff_in_the_chain_falls_back_to_the_full_time_worker() {
        let roster = roster();
        let routing = route(&CHAIN, Some("水利站"), lookup(&roster)).expect("routed");
        assert_eq!(routing.responsible, held_by(Some(GRID)));
        assert_eq!(routing.assignee, Some(30));
    }

    #[test]
    fn a_chain_without_a_full_time_worker_stays_unassigned_with_the_deepest_grid() {
        let roster = HashMap::new();
        let routing = route(&CHAIN, None, lookup(&roster)).expect("routed");
        assert_eq!(routing.responsible, held_by(Some(MICRO)));
        assert_eq!(routing.assignee, None);
    }

    #[test]
    fn a_location_outside_every_grid_cannot_be_routed() {
        let roster = roster();
        assert_eq!(
            route(&[], None, lookup(&roster)),
            Err(RoutingError::OutsideGrids)
        );
    }

    #[test]
    fn escalation_climbs_the_chain_to_each_parents_chief_then_the_county() {
        let roster = roster();
        let mut held = held_by(Some(GRID));
        let mut path = Vec::new();
        loop {
            match escalate(&held, parent_of, lookup(&roster)) {
                Ok(next) => {
                    path.push((next.responsible.grid, next.assignee));
                    held = next.responsible;
                }
                Err(e) => {
                    assert_eq!(e, RoutingError::AtTop);
                    break;
                }
            }
        }
        assert_eq!(
            path,
            [
                (Some(VILLAGE), Some(20)),
                (Some(TOWN), Some(10)),
                (None, None)
            ]
        );
    }

    #[test]
    fn escalating_a_department_incident_hands_it_to_the_parent_grids_team() {
        let roster = roster();
        let held = Responsible {
            grid: Some(GRID),
            department: Some("派出所".into()),
        };
        let next = escalate(&held, parent_of, lookup(&roster)).expect("escalated");
        assert_eq!(next.responsible, held_by(Some(VILLAGE)));
        assert_eq!(next.assignee, Some(20));
    }

    #[test]
    fn a_parent_without_a_chief_falls_back_to_its_full_time_worker() {
        let roster = HashMap::from([(GRID, vec![entry(30, WorkerRole::FullTime, None)])]);
        let next = escalate(&held_by(Some(MICRO)), parent_of, lookup(&roster)).expect("up");
        assert_eq!(next.assignee, Some(30));
    }
}
