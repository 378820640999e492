// call.js — the incoming call (视频联动呼叫) on the worker's phone: the worker's ringing and
// accepted calls from GET /api/calls, then the live stream of their calls. A ringing call
// is a prominent card (camera, what was seen, distance, ETA, seconds left) with accept and
// decline; once accepted it shows en route with the incident's case number, and on scene
// when the service says the worker has arrived.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { formatDistance, t } from '../kernel/i18n.js';
import { LinkageFeed } from '../kernel/linkage.js';
import { answered, countdown, formatEta, startCountdowns } from '../kernel/linkageParts.js';

/** Which call the card shows first: ringing, then en route, then the latest that ended. */
const SHOW_FIRST = { ringing: 0, accepted: 1, on_scene: 2, declined: 3, timed_out: 3 };

/** The call card in `element`; `onAccepted(call)` after accepting, `onOpenCase(incidentId)`. */
export class CallCard {
  constructor(element, { onAccepted, onOpenCase }) {
    this.element = element;
    this.onAccepted = onAccepted;
    this.onOpenCase = onOpenCase;
    this.me = null;
    this.feed = null;
    this.dismissed = new Set();
    this.busy = false;
    this.error = null;
    startCountdowns();
  }

  /** Watches `me`'s calls (none when `me` is null). */
  watch(me) {
    if (this.me && me && this.me.id === me.id) return;
    if (this.feed) this.feed.close();
    this.me = me;
    this.feed = null;
    this.dismissed.clear();
    this.error = null;
    if (me) {
      const feed = new LinkageFeed({ workerId: me.id });
      this.feed = feed;
      feed.onChange((kind) => {
        if (kind === 'reload') this.load(feed);
        else this.render();
      });
      feed.connect();
      this.load(feed);
    }
    this.render();
  }

  async load(feed) {
    try {
      await feed.loadCalls();
    } catch (error) {
      if (feed === this.feed) this.error = error.message;
    }
    if (feed === this.feed) this.render();
  }

  current() {
    if (!this.feed) return null;
    const mine = [...this.feed.calls.values()]
      .filter((c) => c.worker_id === this.me.id && !this.dismissed.has(c.id));
    mine.sort((a, b) => SHOW_FIRST[a.status] - SHOW_FIRST[b.status] || b.rang_at.localeCompare(a.rang_at));
    return mine[0] || null;
  }

  render() {
    const call = this.current();
    this.element.hidden = !call;
    if (!call) {
      this.element.replaceChildren();
      return;
    }
    this.element.dataset.status = call.status;
    this.element.dataset.callId = call.id;
    this.element.replaceChildren(...[
      h('h2', { class: 'w-call-title' }, call.status === 'ringing' ? t('worker.call.incoming') : t(`linkage.call.${call.status}`)),
      h('dl', { class: 'w-facts' },
        h('dt', {}, t('worker.call.camera')),
        h('dd', { class: 'w-call-camera' }, call.camera ? `${call.camera.name} · ${call.camera.code}` : `#${call.camera_id}`),
        call.note ? [h('dt', {}, t('worker.call.note')), h('dd', { class: 'w-call-note' }, call.note)] : null,
        typeof call.distance_m === 'number' ? [h('dt', {}, t('worker.call.distance')), h('dd', {}, formatDistance(call.distance_m))] : null,
        typeof call.eta_s === 'number' ? [h('dt', {}, t('worker.call.eta')), h('dd', {}, formatEta(call.eta_s))] : null),
      this.body(call),
      this.error ? h('p', { class: 'w-error', role: 'alert' }, t('worker.call.failed', { msg: this.error })) : null,
    ].flat().filter(Boolean));
  }

  body(call) {
    if (call.status === 'ringing') {
      return [
        h('p', { class: 'w-call-left' }, countdown(call.expires_at, 'worker.call.left')),
        h('div', { class: 'w-call-buttons' },
          h('button', { type: 'button', class: 'w-button w-call-decline', id: 'call-decline', disabled: this.busy, onclick: () => this.answer(call, 'decline') },
            t('worker.call.decline')),
          h('button', { type: 'button', class: 'w-button w-call-accept', id: 'call-accept', disabled: this.busy, onclick: () => this.answer(call, 'accept') },
            t('worker.call.accept'))),
      ];
    }
    const ended = call.status === 'declined' || call.status === 'timed_out';
    return [
      call.case_number && answered(call) ? h('div', { class: 'w-call-case' },
        h('span', { class: 'w-hint' }, t('worker.call.caseNumber')),
        h('strong', { class: 'w-case', id: 'call-case' }, call.case_number)) : null,
      call.status === 'accepted' ? h('p', { class: 'w-hint' }, t('worker.call.enRouteHint')) : null,
      ended ? h('p', { class: 'w-hint' }, t(call.status === 'declined' ? 'worker.call.declined' : 'worker.call.timedOut')) : null,
      h('div', { class: 'w-call-buttons' },
        call.incident_id && answered(call) ? h('button', { type: 'button', class: 'w-button', id: 'call-open-case', onclick: () => this.onOpenCase(call.incident_id) },
          t('worker.call.openCase')) : null,
        call.status === 'accepted' ? null : h('button', { type: 'button', class: 'w-button', id: 'call-dismiss', onclick: () => this.dismiss(call) },
          t('worker.call.dismiss'))),
    ];
  }

  async answer(call, how) {
    this.busy = true;
    this.error = null;
    this.render();
    try {
      const answered = this.feed.putCall(how === 'accept' ? await api.acceptCall(call.id) : await api.declineCall(call.id));
      if (how === 'accept') this.onAccepted(answered);
    } catch (error) {
      this.error = error.message;
    }
    this.busy = false;
    this.render();
  }

  dismiss(call) {
    this.dismissed.add(call.id);
    this.error = null;
    this.render();
  }
}
