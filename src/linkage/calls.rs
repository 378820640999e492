//! Calls: ringing a worker for an alert, their answer, the timer that passes an unanswered
//! call on, and arrival on scene. The store decides every race (a conditional update in
//! the alert's locked transaction); this side only reacts to what it committed.

use super::{EnRoute, Linkage, LinkageChange, LinkageError};
use crate::domain::GridScope;
use crate::domain::{
    Alert, AlertId, Call, CallId, CallStatus, IncidentSource, LonLat, NewCall, Priority, WorkerId,
};
use crate::incidents::Report;
use crate::spatial::Nearby;
use crate::store::{CallAnswer, CallFilter, StoreError};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashSet;
use std::sync::{Arc, PoisonError};

/// Who passes an unanswered call on, in the record.
const SYSTEM: &str = "system";

/// How long after accepting a worker counts as on the way (and so is not offered for
/// other alerts) unless they arrive first.
const EN_ROUTE_FOR: TimeDelta = TimeDelta::hours(2);

/// How long past its expiry a ringing call may go unnoticed before the sweep of every
/// replica times it out (its own timer may have died with the replica that placed it).
const SWEEP_GRACE: TimeDelta = TimeDelta::seconds(5);

impl Linkage {
    /// Rings `worker` (or, when `None`, the nearest available worker not yet called for
    /// this alert) for alert `id` at `now`, and starts the timer that passes the call on.
    pub async fn call(
        self: &Arc<Self>,
        scope: &GridScope,
        id: AlertId,
        worker: Option<WorkerId>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Call, LinkageError> {
        let alert = self.alert_in(scope, id).await?;
        let (worker, position) = if let Some(worker) = worker {
            (worker, self.check_available(worker, now)?)
        } else {
            let next = self.next_candidate(&alert, now).await?.ok_or_else(|| {
                LinkageError::Conflict(format!(
                    "no available worker is left to call for alert {id}"
                ))
            })?;
            (next.worker_id, next.position)
        };
        let distance_m = position.distance_m(alert.location);
        // The configuration allows at most an hour, well within range.
        let timeout =
            TimeDelta::from_std(self.settings.call_timeout).unwrap_or(TimeDelta::hours(1));
        let call = NewCall {
            alert_id: id,
            worker_id: worker,
            distance_m: super::to_decimetre(distance_m),
            eta_s: self.eta_s(distance_m),
            rang_at: now,
            expires_at: now + timeout,
            actor: actor.to_owned(),
        };
        let stored = self.store.place_call(&call).await?;
        self.ring(&stored);
        self.announce_alert(id).await;
        Ok(stored)
    }

    /// Where a worker known to the index and available now last was, or why they cannot
    /// be called.
    fn check_available(
        &self,
        worker: WorkerId,
        now: DateTime<Utc>,
    ) -> Result<LonLat, LinkageError> {
        let tracked = self
            .index
            .worker(worker)
            .ok_or_else(|| LinkageError::Store(StoreError::NotFound(format!("worker {worker}"))))?;
        self.availability(now)
            .check(&tracked)
            .map_err(|reason| LinkageError::Unavailable { worker, reason })?;
        if self.is_busy(worker) {
            return Err(LinkageError::Conflict(format!(
                "worker {worker} is on the way to another alert"
            )));
        }
        // An available worker has a position: `check` refuses one without.
        tracked
            .fix
            .map(|(p, _)| p)
            .ok_or(LinkageError::Unavailable {
                worker,
                reason: crate::spatial::Unavailable::NoPosition,
            })
    }

    /// The nearest available worker not called yet for `alert`.
    async fn next_candidate(
        &self,
        alert: &Alert,
        now: DateTime<Utc>,
    ) -> Result<Option<Nearby>, LinkageError> {
        let filter = CallFilter {
            alert: Some(alert.id),
            ..CallFilter::default()
        };
        let called: HashSet<WorkerId> = self
            .store
            .calls(&GridScope::All, &filter)
            .await?
            .iter()
            .map(|c| c.worker_id)
            .collect();
        let rule = self.availability(now);
        let next = self
            .index
            .nearest_available(alert.location, 1, &rule, &|w| {
                called.contains(&w) || self.is_busy(w)
            });
        Ok(next.first().copied())
    }

    /// Starts the timer of a ringing call: when it expires unanswered, it goes on.
    fn ring(self: &Arc<Self>, call: &Call) {
        self.announce(LinkageChange::Call(Arc::new(call.clone())));
        let wait = (call.expires_at - Utc::now()).to_std().unwrap_or_default();
        // The deadline is fixed now, not when the task first runs.
        let expiry = tokio::time::sleep(wait);
        let (this, id) = (Arc::clone(self), call.id);
        tokio::spawn(async move {
            expiry.await;
            this.expire(id).await;
        });
    }

    /// Times out call `id` if it is still ringing, and passes its alert on.
    pub async fn expire(self: &Arc<Self>, id: CallId) {
        let now = Utc::now();
        match self
            .store
            .answer_call(id, &CallAnswer::TimeOut, now, SYSTEM)
            .await
        {
            Ok((call, _)) => {
                self.announce(LinkageChange::Call(Arc::new(call.clone())));
                self.pass_on(call.alert_id, now).await;
            }
            // Answered (or timed out by another replica) in the meantime.
            Err(StoreError::Conflict(_)) => {}
            Err(error) => tracing::warn!(%error, call = id, "timing out a call failed"),
        }
    }

    /// Calls the next candidate for alert `id`, or records that nobody is left.
    async fn pass_on(self: &Arc<Self>, id: AlertId, now: DateTime<Utc>) {
        let outcome = match self.call(&GridScope::All, id, None, SYSTEM, now).await {
            Err(LinkageError::Conflict(_)) => match self.store.give_up_alert(id, now).await {
                Ok(alert) => {
                    self.announce(LinkageChange::Alert(Arc::new(alert)));
                    Ok(())
                }
                Err(StoreError::Conflict(_)) => Ok(()),
                Err(error) => Err(LinkageError::Store(error)),
            },
            other => other.map(drop),
        };
        if let Err(error) = outcome {
            tracing::warn!(%error, alert = id, "passing an alert on failed");
        }
    }

    /// The worker accepts call `id`: files the alert's incident at the camera, assigned to
    /// them (or links the one the alert names), in the call's own transaction.
    pub async fn accept(
        self: &Arc<Self>,
        scope: &GridScope,
        id: CallId,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Call, Option<crate::domain::Incident>), LinkageError> {
        let call = self.store.call(scope, id).await?;
        let alert = self.alert_in(scope, call.alert_id).await?;
        if call.status != CallStatus::Ringing {
            return Err(LinkageError::Conflict(format!(
                "call {id} is {}, not ringing",
                call.status
            )));
        }
        let prepared = match alert.incident_id {
            Some(_) => None,
            None => Some(self.incident_for(&alert, &call, now).await?),
        };
        let answer = CallAnswer::Accept(prepared.as_ref().map(|(i, e)| (i, e)));
        let (call, incident) = self.store.answer_call(id, &answer, now, actor).await?;
        if let Some(incident) = &incident {
            self.desk.filed(incident);
        }
        self.set_en_route(call.worker_id, call.id, alert.location);
        self.announce(LinkageChange::Call(Arc::new(call.clone())));
        self.announce_alert(alert.id).await;
        Ok((call, incident))
    }

    /// The incident an accepted call files: source camera, at the camera, the snapshot as
    /// its photo, assigned to the worker who accepted.
    async fn incident_for(
        &self,
        alert: &Alert,
        call: &Call,
        now: DateTime<Utc>,
    ) -> Result<(crate::domain::NewIncident, crate::domain::NewIncidentEvent), LinkageError> {
        let camera = self.store.camera(&GridScope::All, alert.camera_id).await?;
        let report = Report {
            category: alert.category.clone(),
            location: alert.location,
            description: alert.note.clone(),
            source: IncidentSource::Camera,
            reporter: format!("{} {}", camera.code, camera.name),
            priority: Priority::High,
            photos: alert.snapshot.into_iter().collect(),
        };
        let actor = format!("alert {}", alert.id);
        let (mut incident, mut event) = self.desk.prepare(report, &actor, now)?;
        incident.assignee = Some(call.worker_id);
        event.details.assignee = Some(call.worker_id);
        Ok((incident, event))
    }

    /// The worker declines call `id`; the alert goes to the next candidate at once.
    pub async fn decline(
        self: &Arc<Self>,
        scope: &GridScope,
        id: CallId,
        reason: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Call, LinkageError> {
        let call = self.store.call(scope, id).await?;
        self.alert_in(scope, call.alert_id).await?;
        let (call, _) = self
            .store
            .answer_call(id, &CallAnswer::Decline(reason), now, actor)
            .await?;
        self.announce(LinkageChange::Call(Arc::new(call.clone())));
        self.pass_on(call.alert_id, now).await;
        Ok(call)
    }

    /// Notices a worker's committed position: one on the way arrives on scene once within
    /// the radius of the camera.
    pub async fn position_reported(&self, worker: WorkerId, position: LonLat, now: DateTime<Utc>) {
        let Some(route) = self.en_route_of(worker) else {
            return;
        };
        if position.distance_m(route.target) > self.settings.on_scene_radius_m {
            return;
        }
        match self.store.arrive(route.call, now).await {
            Ok(call) => {
                self.clear_en_route(worker, route.call);
                self.announce(LinkageChange::Call(Arc::new(call)));
            }
            Err(StoreError::Conflict(_)) => self.clear_en_route(worker, route.call),
            Err(error) => tracing::warn!(%error, call = route.call, "recording arrival failed"),
        }
    }

    /// Brings the timers and the workers on their way in step with committed calls: at
    /// start-up, and every few seconds for what other replicas committed. A ringing call
    /// long past its expiry (its timer died with its replica) is timed out here.
    pub async fn sweep(self: &Arc<Self>, now: DateTime<Utc>) -> Result<(), StoreError> {
        let accepted = CallFilter {
            statuses: vec![CallStatus::Accepted],
            ..CallFilter::default()
        };
        let accepted = self.store.calls(&GridScope::All, &accepted).await?;
        let mut routes = std::collections::HashMap::with_capacity(accepted.len());
        // A worker who accepted long ago and never arrived is not kept busy for ever.
        let recent = |c: &Call| c.answered_at.is_some_and(|t| now - t <= EN_ROUTE_FOR);
        for call in accepted.into_iter().filter(recent) {
            let alert = self.store.alert(&GridScope::All, call.alert_id).await?;
            let route = EnRoute {
                call: call.id,
                target: alert.location,
            };
            routes.insert(call.worker_id, route);
        }
        *self.en_route.lock().unwrap_or_else(PoisonError::into_inner) = routes;
        let overdue = CallFilter {
            statuses: vec![CallStatus::Ringing],
            expired_before: Some(now - SWEEP_GRACE),
            ..CallFilter::default()
        };
        for call in self.store.calls(&GridScope::All, &overdue).await? {
            self.expire(call.id).await;
        }
        Ok(())
    }

    /// Restarts the timers of calls still ringing, after a restart.
    pub async fn recover(self: &Arc<Self>) -> Result<(), StoreError> {
        let ringing = CallFilter {
            statuses: vec![CallStatus::Ringing],
            ..CallFilter::default()
        };
        for call in self.store.calls(&GridScope::All, &ringing).await? {
            self.ring(&call);
        }
        self.sweep(Utc::now()).await
    }

    async fn announce_alert(&self, id: AlertId) {
        match self.store.alert(&GridScope::All, id).await {
            Ok(alert) => self.announce(LinkageChange::Alert(Arc::new(alert))),
            Err(error) => tracing::warn!(%error, alert = id, "reading an alert to announce failed"),
        }
    }

    /// Where a worker on their way is going: the camera of the call they accepted.
    #[must_use]
    pub fn destination(&self, worker: WorkerId) -> Option<LonLat> {
        self.en_route_of(worker).map(|r| r.target)
    }

    fn en_route_of(&self, worker: WorkerId) -> Option<EnRoute> {
        let en_route = self.en_route.lock().unwrap_or_else(PoisonError::into_inner);
        en_route.get(&worker).copied()
    }

    fn set_en_route(&self, worker: WorkerId, call: CallId, target: LonLat) {
        let mut en_route = self.en_route.lock().unwrap_or_else(PoisonError::into_inner);
        en_route.insert(worker, EnRoute { call, target });
    }

    /// Keeps the workers on their way in step with a call another process changed: an
    /// accepted call puts its worker on the way to the alert's camera, anything else ends
    /// their way there.
    pub(super) async fn follow_route(&self, call: &Call) -> Result<(), StoreError> {
        if call.status == CallStatus::Accepted {
            let alert = self.store.alert(&GridScope::All, call.alert_id).await?;
            self.set_en_route(call.worker_id, call.id, alert.location);
        } else {
            self.clear_en_route(call.worker_id, call.id);
        }
        Ok(())
    }

    fn clear_en_route(&self, worker: WorkerId, call: CallId) {
        let mut en_route = self.en_route.lock().unwrap_or_else(PoisonError::into_inner);
        if en_route.get(&worker).is_some_and(|r| r.call == call) {
            en_route.remove(&worker);
        }
    }
}
