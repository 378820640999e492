//! The impact preview: what a change set would move beyond the grids themselves.
//!
//! Only points inside the box the change set redraws can change grid, and every grid such
//! a point lies in is in the [`World`], so two small indexes (before and after) answer for
//! them exactly as the whole town's would.
//!
//! **The re-routing rule** for open incidents: an incident keeps the chain it was filed
//! under. If the grid whose team holds it is the grid of that level its point lay in (it
//! was routed by location, not escalated or sent elsewhere by hand) and its point now lies
//! in another grid of that level, it passes to that grid's team, with a `reroute` step on
//! its timeline. Its assignee is kept: whoever is already on it finishes it. Escalated
//! incidents and those held above the town are left as they are.
//!
//! Workers assigned to a retired grid move to the grid of the change set that takes over
//! most of its ground (split: the larger part; merge: the grid it merged into).

use super::world::{World, bbox_meets};
use crate::domain::GridScope;
use crate::domain::{
    Bbox, GridCode, GridMove, Impact, Incident, IncidentStatus, Reassignment, Reroute,
};
use crate::spatial::{GridIndex, Roster};
use crate::store::{IncidentFilter, Store, StoreError};
use chrono::Utc;
use geo::{BooleanOps, ChamberlainDuquetteArea, Coord};

/// The preview, and what applying it needs besides.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// The preview.
    pub impact: Impact,
    /// Each retired grid with the grid its workers move to.
    pub transfers: Vec<(GridCode, Option<GridCode>)>,
    /// The open incidents to re-route, as read, with the grid taking each over.
    pub reroutes: Vec<(Incident, GridCode)>,
}

/// How many open incidents one read fetches while collecting those in the change's box.
const INCIDENT_PAGE: u32 = 1000;

/// Works out the impact of the change set in `world`; `households` is the estimate from
/// `world::estimate_people`.
pub async fn assess(
    store: &dyn Store,
    world: &World,
    roster: &Roster,
    households: i64,
) -> Result<Assessment, StoreError> {
    let before = GridIndex::new(world.before.clone());
    let after = GridIndex::new(world.after());
    let area = Bbox::from_rect(world.bbox).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let deepest = |index: &GridIndex, p: Coord<f64>| index.locate(p).map(|g| g.code.clone());
    let cameras = store
        .cameras(&GridScope::All, Some(area))
        .await?
        .into_iter()
        .filter_map(|camera| {
            let p = camera.location.into();
            let (from, to) = (deepest(&before, p), deepest(&after, p));
            (from != to).then_some(GridMove {
                id: camera.id,
                from,
                to,
            })
        })
        .collect();
    let mut incidents = Vec::new();
    let mut reroutes = Vec::new();
    for incident in open_incidents(store, area).await? {
        let p = incident.location.into();
        let (from, to) = (deepest(&before, p), deepest(&after, p));
        if from == to {
            continue;
        }
        let (responsible_from, responsible_to) = responsibility(&before, &after, &incident, p);
        if let Some(target) = responsible_to
            .as_ref()
            .filter(|t| Some(*t) != responsible_from.as_ref())
        {
            reroutes.push((incident.clone(), target.clone()));
        }
        incidents.push(Reroute {
            id: incident.id,
            from,
            to,
            responsible_from,
            responsible_to,
        });
    }
    let (transfers, assignments) = successors(world, roster);
    Ok(Assessment {
        impact: Impact {
            cameras,
            incidents,
            assignments,
            households,
        },
        transfers,
        reroutes,
    })
}

/// The grid holding `incident` now, and the one the re-routing rule passes it to.
fn responsibility(
    before: &GridIndex,
    after: &GridIndex,
    incident: &Incident,
    p: Coord<f64>,
) -> (Option<GridCode>, Option<GridCode>) {
    let Some(held) = incident.responsible.grid.and_then(|id| before.get(id)) else {
        // Held above the town, or by a grid far from here: not routed by this location.
        return (None, None);
    };
    let from = Some(held.code.clone());
    let routed_here = before
        .locate_at_level(p, held.level)
        .is_some_and(|g| g.id == held.id);
    if !routed_here || incident.status() == IncidentStatus::Escalated {
        return (from.clone(), from);
    }
    let to = after.locate_at_level(p, held.level).map(|g| g.code.clone());
    (from, to.or_else(|| Some(held.code.clone())))
}

/// Every open incident located in `area`.
async fn open_incidents(store: &dyn Store, area: Bbox) -> Result<Vec<Incident>, StoreError> {
    let mut filter = IncidentFilter::all(INCIDENT_PAGE, Utc::now());
    filter.bbox = Some(area);
    filter.statuses = IncidentStatus::ALL
        .iter()
        .copied()
        .filter(|s| s.is_open())
        .collect();
    let mut found = Vec::new();
    loop {
        let page = store.incidents(&GridScope::All, &filter).await?;
        found.extend(page.incidents);
        match page.next_before {
            Some(before) => filter = filter.filed_before(before),
            None => return Ok(found),
        }
    }
}

/// For each retired grid, the planned grid of its level taking over most of its ground,
/// and the workers whose assignment moves there.
fn successors(
    world: &World,
    roster: &Roster,
) -> (Vec<(GridCode, Option<GridCode>)>, Vec<Reassignment>) {
    let mut transfers = Vec::new();
    let mut assignments = Vec::new();
    for retired in world.planned.iter().filter(|g| g.retires()) {
        let Some(old) = retired.id.and_then(|id| world.stored(id)) else {
            continue;
        };
        let successor = world
            .planned
            .iter()
            .filter(|g| g.level == retired.level)
            .filter_map(|g| {
                let geometry = g.geometry.as_ref()?;
                if !bbox_meets(geometry, &old.geometry) {
                    return None;
                }
                let shared = geometry
                    .intersection(&old.geometry)
                    .chamberlain_duquette_unsigned_area();
                (shared > 0.0).then_some((shared, &g.code))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, code)| code.clone());
        for member in roster.members(old.id) {
            assignments.push(Reassignment {
                worker_id: member.id,
                name: roster
                    .contact(member.id)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                from: old.code.clone(),
                to: successor.clone(),
            });
        }
        transfers.push((old.code.clone(), successor));
    }
    (transfers, assignments)
}
