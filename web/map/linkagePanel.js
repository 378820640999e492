// linkagePanel.js — the video linkage tab (视频联动): the newest alerts with their camera,
// time and status, each with its calls and their state (ringing with a countdown, en route,
// on scene, declined, timed out) and the incident's case number once there is one. Follows
// the live stream; a row opens its camera, a case number the incident's detail.

import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';
import { alertTag, answered, callRow, caseLink } from '../kernel/linkageParts.js';
import { formatTime } from './incidentParts.js';

/** The tab in `element`; `onCamera(cameraId)` and `onCase(incidentId)` when chosen. */
export class LinkagePanel {
  constructor(element, feed, { onCamera, onCase }) {
    this.element = element;
    this.feed = feed;
    this.onCamera = onCamera;
    this.onCase = onCase;
    this.state = 'loading';
    this.error = null;
    this.live = true;
    this.pending = false;
    feed.onChange((kind) => {
      if (kind === 'reload') this.load();
      else this.schedule();
    });
    this.render();
    this.load();
  }

  async load() {
    try {
      await this.feed.loadAlerts();
      this.state = 'ready';
      this.error = null;
    } catch (error) {
      this.state = 'error';
      this.error = error.message;
    }
    this.render();
  }

  /** Whether the live stream is connected (a warning shows while it is not). */
  setLive(ok) {
    this.live = ok;
    this.render();
  }

  // Many changes heard in one go redraw the list once.
  schedule() {
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      this.render();
    });
  }

  render() {
    const alerts = this.feed.newest();
    this.element.dataset.state = this.state;
    this.element.replaceChildren(...[
      h('h2', { class: 'sidebar-title' }, t('linkage.title')),
      this.live ? null : h('p', { class: 'live-lost', role: 'status' }, t('linkage.liveLost')),
      this.error ? h('p', { class: 'panel-error', role: 'alert' }, t('linkage.loadFailed', { msg: this.error })) : null,
      this.state === 'loading' && !alerts.length ? h('p', { class: 'panel-loading' }, t('panel.loading')) : null,
      this.state === 'ready' && !alerts.length ? h('p', { class: 'panel-none' }, t('linkage.none')) : null,
      alerts.length ? h('ul', { class: 'alert-list' }, alerts.map((alert) => this.row(alert))) : null,
    ].filter(Boolean));
  }

  row(alert) {
    const camera = alert.camera ? alert.camera.properties || {} : {};
    return h('li', { class: 'alert-row', 'data-alert-id': alert.id, 'data-status': alert.status },
      h('div', { class: 'alert-row-top' },
        h('button', {
          type: 'button',
          class: 'alert-camera',
          title: t('linkage.openCamera'),
          onclick: () => this.onCamera(alert.camera.id),
        }, camera.name || camera.code || `#${alert.id}`),
        alertTag(alert)),
      h('div', { class: 'alert-row-sub' },
        h('span', { class: 'code' }, camera.code || ''),
        h('span', { class: 'alert-time' }, formatTime(alert.raised_at))),
      alert.note ? h('p', { class: 'alert-note-text' }, alert.note) : null,
      alert.case_number && !alert.calls.some(answered)
        ? h('div', { class: 'alert-case' }, caseLink(alert, this.onCase)) : null,
      alert.calls.length
        ? h('ol', { class: 'call-list' }, alert.calls.map((call) => callRow(call, this.onCase)))
        : h('p', { class: 'panel-none' }, t('linkage.noCalls')));
  }
}
