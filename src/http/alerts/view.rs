//! Alerts and calls as the API shows them: the stored fields plus what the command centre
//! and the phone need beside them (the camera, its chain, the incident's case number).

use crate::domain::{Alert, AlertEvent, Call, CallStatus, Camera, ChainEntry, GridScope};
use crate::http::accounts::DisplayNames;
use crate::http::geojson_out::camera_feature;
use crate::http::incidents::view::photo_links;
use crate::http::{ApiError, AppState};
use crate::linkage::LinkageChange;
use chrono::Utc;
use serde_json::{Value, json};

/// What an alert's views share: the alert, its camera, chain and incident case number.
pub(super) struct AlertContext {
    pub alert: Alert,
    pub camera: Camera,
    pub chain: Vec<ChainEntry>,
    pub case_number: Option<String>,
}

impl AlertContext {
    /// Loads what the views of `alert` need.
    pub async fn load(state: &AppState, alert: Alert) -> Result<Self, ApiError> {
        let camera = state.store.camera(&GridScope::All, alert.camera_id).await?;
        Self::with_camera(state, alert, camera).await
    }

    /// Loads alert `id` and what its views need.
    pub async fn of_alert(state: &AppState, id: crate::domain::AlertId) -> Result<Self, ApiError> {
        Self::load(state, state.store.alert(&GridScope::All, id).await?).await
    }

    /// Whether a request may see the alert: its camera's chain is in the request's scope.
    pub fn visible_to(&self, ctx: &crate::http::RequestContext) -> bool {
        ctx.scope.includes_any(self.chain.iter().map(|g| &g.code))
    }

    /// The same, with the alert's camera already at hand.
    pub async fn with_camera(
        state: &AppState,
        alert: Alert,
        camera: Camera,
    ) -> Result<Self, ApiError> {
        let chain = chain_at(state, &camera);
        let case_number = match alert.incident_id {
            Some(id) => Some(
                state
                    .store
                    .incident(&GridScope::All, id)
                    .await?
                    .case_number()
                    .to_string(),
            ),
            None => None,
        };
        Ok(Self {
            alert,
            camera,
            chain,
            case_number,
        })
    }

    /// The alert's calls, oldest first.
    pub async fn calls(&self, state: &AppState) -> Result<Vec<Call>, ApiError> {
        let filter = crate::store::CallFilter {
            alert: Some(self.alert.id),
            ..crate::store::CallFilter::default()
        };
        Ok(state.store.calls(&GridScope::All, &filter).await?)
    }

    /// The alert with its camera, chain and calls; with the responsible workers and the
    /// ranked candidates now when `ranked`.
    pub fn report(&self, state: &AppState, calls: &[Call], ranked: bool) -> Value {
        let a = &self.alert;
        let mut report = json!({
            "id": a.id,
            "camera": camera_feature(&self.camera, &[]),
            "chain": self.chain,
            "note": a.note,
            "category": a.category,
            "source": a.source,
            "status": a.status,
            "raised_by": a.raised_by,
            "raised_at": a.raised_at,
            "snapshot": a.snapshot.map(photo_links),
            "incident_id": a.incident_id,
            "case_number": self.case_number,
            "calls": calls.iter().map(|c| self.call(state, c)).collect::<Vec<_>>(),
        });
        report["camera"]["properties"]["chain"] = json!(self.chain);
        if ranked {
            let ids: Vec<_> = self.chain.iter().map(|g| g.id).collect();
            let levels: Vec<_> = self.chain.iter().map(|g| (g.id, g.level)).collect();
            let linkage = &state.linkage;
            let k = linkage.settings().candidates;
            report["responsible"] = json!(linkage.responsible(&levels));
            report["candidates"] = json!(linkage.candidates(a.location, &ids, k, Utc::now()));
        }
        report
    }

    /// A call of this alert; only the call that was accepted carries the incident.
    pub fn call(&self, state: &AppState, call: &Call) -> Value {
        let roster = state.mirrors.index.roster();
        let answered = matches!(call.status, CallStatus::Accepted | CallStatus::OnScene);
        json!({
            "id": call.id,
            "alert_id": call.alert_id,
            "camera_id": self.camera.id,
            "worker_id": call.worker_id,
            "worker_name": roster.contact(call.worker_id).map(|c| c.name.as_str()),
            "status": call.status,
            "rang_at": call.rang_at,
            "expires_at": call.expires_at,
            "answered_at": call.answered_at,
            "on_scene_at": call.on_scene_at,
            "distance_m": call.distance_m,
            "eta_s": call.eta_s,
            "incident_id": self.alert.incident_id.filter(|_| answered),
            "case_number": self.case_number.as_ref().filter(|_| answered),
            "note": self.alert.note,
            "camera": {
                "id": self.camera.id,
                "code": self.camera.code,
                "name": self.camera.name,
                "lon": self.camera.location.lon(),
                "lat": self.camera.location.lat(),
            },
        })
    }
}

/// The grid chain at a camera, as incidents keep it.
pub(super) fn chain_at(state: &AppState, camera: &Camera) -> Vec<ChainEntry> {
    state
        .mirrors
        .index
        .grids()
        .chain_entries_at(camera.location.into())
}

/// An alert's record as the API shows it.
pub(super) fn events(events: &[AlertEvent], names: &DisplayNames) -> Value {
    let events: Vec<Value> = events
        .iter()
        .map(|e| {
            json!({
                "seq": e.seq,
                "at": e.at,
                "kind": e.kind,
                "call_id": e.call_id,
                "worker_id": e.worker_id,
                "actor": e.actor,
                "actor_name": names.of(&e.actor),
                "note": e.note,
            })
        })
        .collect();
    json!({ "events": events })
}

/// The live feed's event for a change: its name, the worker it concerns (for a call) and
/// its data, in the shapes of the other endpoints.
pub(super) async fn live_event(
    state: &AppState,
    change: &LinkageChange,
    scope: &GridScope,
) -> Result<Option<(&'static str, Option<i64>, Value)>, ApiError> {
    let in_scope =
        |context: &AlertContext| scope.includes_any(context.chain.iter().map(|g| &g.code));
    match change {
        LinkageChange::Alert(alert) => {
            let context = AlertContext::load(state, (**alert).clone()).await?;
            if !in_scope(&context) {
                return Ok(None);
            }
            let calls = context.calls(state).await?;
            Ok(Some(("alert", None, context.report(state, &calls, false))))
        }
        LinkageChange::Call(call) => {
            let alert = state.store.alert(&GridScope::All, call.alert_id).await?;
            let context = AlertContext::load(state, alert).await?;
            Ok(in_scope(&context)
                .then(|| ("call", Some(call.worker_id), context.call(state, call))))
        }
    }
}
