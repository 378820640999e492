// linkageParts.js — pieces the video linkage views share (command map and phone alike): a
// call's state as a chip, an alert's status as a tag, travel times, the ticking countdown of
// a ringing call, and one call as a row.

import { h } from './dom.js';
import { formatDistance, t } from './i18n.js';
import { secondsLeft } from './linkage.js';

/** A call's state as a chip: ringing (with its countdown), en route, on scene, declined, timed out. */
export function callChip(call) {
  return h('span', { class: `call-state call-${call.status}`, 'data-status': call.status },
    t(`linkage.call.${call.status}`),
    call.status === 'ringing' ? countdown(call.expires_at) : null);
}

/** The seconds left to `iso`, kept current by `startCountdowns`. */
export function countdown(iso, key = 'linkage.secondsLeft') {
  return h('span', { class: 'countdown', 'data-expires': iso, 'data-key': key },
    t(key, { n: secondsLeft(iso) }));
}

/** An alert's status as a tag. */
export function alertTag(alert) {
  return h('span', { class: `alert-status alert-${alert.status}`, 'data-status': alert.status },
    t(`linkage.alert.${alert.status}`));
}

/** A travel time in seconds as "约 3 分钟". */
export function formatEta(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return t('linkage.etaSoon');
  return t('linkage.eta', { n: Math.round(seconds / 60) });
}

/** "812 米 · 约 3 分钟". */
export function distanceEta(item) {
  const parts = [];
  if (typeof item.distance_m === 'number') parts.push(formatDistance(item.distance_m));
  if (typeof item.eta_s === 'number') parts.push(formatEta(item.eta_s));
  return parts.join(' · ');
}

/** One call as a list row; `onCase(incidentId)`, when given, makes the case number a link. */
export function callRow(call, onCase) {
  return h('li', { class: 'call-row', 'data-call-id': call.id, 'data-status': call.status, 'data-worker-id': call.worker_id },
    h('span', { class: 'call-worker' }, call.worker_name || `#${call.worker_id}`),
    callChip(call),
    h('span', { class: 'call-distance' }, distanceEta(call)),
    call.case_number && answered(call) ? caseLink(call, onCase) : null);
}

/** Whether the call was accepted (en route or on scene): the incident is this worker's. */
export function answered(call) {
  return call.status === 'accepted' || call.status === 'on_scene';
}

/** The incident's case number, a button opening it when `onCase` is given. */
export function caseLink(item, onCase) {
  if (!onCase) return h('span', { class: 'case-number' }, item.case_number);
  return h('button', {
    type: 'button',
    class: 'case-link case-number',
    'data-incident-id': item.incident_id,
    onclick: (event) => {
      event.stopPropagation();
      onCase(item.incident_id);
    },
  }, item.case_number);
}

let ticking = false;

/** Once a second, rewrites every countdown's text; nothing else is redrawn. */
export function startCountdowns() {
  if (ticking) return;
  ticking = true;
  setInterval(() => {
    for (const el of document.querySelectorAll('[data-expires]')) {
      el.textContent = t(el.dataset.key, { n: secondsLeft(el.dataset.expires) });
    }
  }, 1000);
}
