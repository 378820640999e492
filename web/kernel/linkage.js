// linkage.js — what a page knows of video linkage (视频联动), in one place: the alerts raised
// at cameras and the calls to grid workers they made, kept current from the service's live
// stream (`/api/linkage/live`: `alert`, `call`, and `lagged` when some were missed). The
// command map watches every alert; the worker's phone page watches only its worker's calls.

import * as api from './api.js';

/** How far a call has gone: a later state never gives way to an earlier one heard late. */
const CALL_RANK = { ringing: 0, accepted: 1, declined: 2, timed_out: 2, on_scene: 3 };

/** The alerts and calls a page knows; listeners hear `(kind, item)` on every change. */
export class LinkageFeed {
  /** `workerId`, when given, narrows the live stream to that worker's calls. */
  constructor({ workerId } = {}) {
    this.workerId = workerId || null;
    this.alerts = new Map();
    this.calls = new Map();
    this.listeners = [];
    this.source = null;
  }

  /** Calls `fn(kind, item)`: `kind` is `alert` or `call`, or `reload` (item null). */
  onChange(fn) {
    this.listeners.push(fn);
  }

  tell(kind, item) {
    for (const fn of this.listeners) fn(kind, item);
  }

  /** Takes in an alert report; candidates the stream leaves out are kept from before. */
  putAlert(alert) {
    const known = this.alerts.get(alert.id);
    const merged = { ...alert, candidates: alert.candidates || (known && known.candidates) || [] };
    merged.calls = (alert.calls || []).map((call) => this.keepCall(call));
    if (known) {
      for (const call of known.calls) if (!merged.calls.some((c) => c.id === call.id)) merged.calls.push(call);
    }
    this.alerts.set(alert.id, merged);
    this.tell('alert', merged);
    return merged;
  }

  /** Takes in a call; its alert, when known, is updated too. */
  putCall(call) {
    const kept = this.keepCall(call);
    const alert = this.alerts.get(kept.alert_id);
    if (alert) {
      const i = alert.calls.findIndex((c) => c.id === kept.id);
      if (i >= 0) alert.calls[i] = kept;
      else alert.calls.push(kept);
      if (kept.case_number && !alert.case_number) {
        alert.incident_id = kept.incident_id;
        alert.case_number = kept.case_number;
      }
    }
    this.tell('call', kept);
    return kept;
  }

  // The call as known now: the newer of the two by how far it has gone.
  keepCall(call) {
    const known = this.calls.get(call.id);
    if (known && CALL_RANK[known.status] > CALL_RANK[call.status]) return known;
    const kept = known ? { ...known, ...call } : call;
    this.calls.set(call.id, kept);
    return kept;
  }

  /** The alerts, newest first. */
  newest() {
    return [...this.alerts.values()].sort((a, b) => b.raised_at.localeCompare(a.raised_at) || b.id - a.id);
  }

  /** The newest alert raised at camera `cameraId`, or undefined. */
  latestAt(cameraId) {
    return this.newest().find((a) => a.camera && a.camera.id === cameraId);
  }

  /** Loads the newest alerts (the command map). */
  async loadAlerts() {
    const { alerts } = await api.alerts(50);
    for (const alert of [...alerts].reverse()) this.putAlert(alert);
  }

  /** Loads the newest alerts of one camera, older ones included (the camera view). */
  async loadAlertsAt(cameraId) {
    const { alerts } = await api.alerts(20, cameraId);
    for (const alert of [...alerts].reverse()) this.putAlert(alert);
  }

  /** Loads the worker's ringing and accepted calls (the phone page). */
  async loadCalls() {
    const { calls } = await api.calls(this.workerId, 'ringing,accepted');
    for (const call of calls) this.putCall(call);
  }

  /** Subscribes to the live stream; `onStatus(ok)` hears when it drops and comes back. */
  connect(onStatus = () => {}) {
    const query = this.workerId ? `?worker_id=${encodeURIComponent(this.workerId)}` : '';
    const source = new EventSource(`/api/linkage/live${query}`);
    const take = (put) => (event) => {
      try {
        put(JSON.parse(event.data));
      } catch {
        // A malformed event is the service's bug; the next load corrects the page.
      }
    };
    source.addEventListener('alert', take((alert) => this.putAlert(alert)));
    source.addEventListener('call', take((call) => this.putCall(call)));
    source.addEventListener('lagged', () => this.tell('reload', null));
    let lost = false;
    source.addEventListener('open', () => {
      document.body.dataset.linkageLive = 'open';
      if (lost) this.tell('reload', null);
      lost = false;
      onStatus(true);
    });
    source.addEventListener('error', () => {
      document.body.dataset.linkageLive = 'lost';
      lost = true;
      onStatus(false);
    });
    this.source = source;
  }

  /** Closes the live stream. */
  close() {
    if (this.source) this.source.close();
    this.source = null;
  }
}

/** Whether more calls may still be made for the alert (none accepted yet). */
export function stillOpen(alert) {
  return alert.status === 'open' || alert.status === 'unanswered';
}

/** Whole seconds from now to `iso`, never below zero. */
export function secondsLeft(iso, now = Date.now()) {
  return Math.max(0, Math.ceil((new Date(iso).getTime() - now) / 1000));
}
