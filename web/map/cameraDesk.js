// cameraDesk.js — a camera in the details panel, as the video operator (视频值守) uses it:
// its facts and grid chain, the latest alert snapshot, the alert form ("alert & call
// nearest": POST the alert with a note and an optional snapshot, then call the first
// candidate), the camera's latest alert with its calls, the available workers nearest
// first with a call button each, and the grid's responsible workers. Live changes redraw it.
// Each part shows only with its permission (alerts.read, alerts.raise, calls.make,
// workers.read): a leader sees the camera and its alerts but raises and calls nobody.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { formatDistance, t } from '../kernel/i18n.js';
import { stillOpen } from '../kernel/linkage.js';
import { alertTag, answered, callChip, callRow, caseLink, formatEta } from '../kernel/linkageParts.js';
import { formatTime } from './incidentParts.js';
import { fact, responsibleList, section } from './panel.js';
import { STATUS_COLORS, cameraSvg, workerSvg } from './symbols.js';

/**
 * The camera view; `onCase(incidentId)` opens an incident's detail; `can` says what the
 * user may: `{alerts, raise, call, workers}`.
 */
export class CameraDesk {
  constructor(panel, feed, { onCase, can }) {
    this.kind = 'camera';
    this.panel = panel;
    this.feed = feed;
    this.onCase = onCase;
    this.can = can;
    this.feature = null;
    feed.onChange((kind, item) => {
      if (!this.feature || !this.panel.shows(this)) return;
      const cameraId = kind === 'alert' ? item.camera && item.camera.id : item && item.camera_id;
      if (kind === 'reload' || cameraId === this.feature.id) this.refresh();
      // Once the alert is answered or given up, who is available has changed.
      if (kind === 'alert' && cameraId === this.feature.id && !stillOpen(item) && this.can.workers) this.loadNearest();
    });
  }

  /** Shows a camera (a Feature of `/api/cameras`). */
  async open(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    const { chain } = feature.properties;
    this.feature = feature;
    this.busy = null;
    this.error = null;
    this.nearest = null;
    this.responsible = null;
    this.note = h('textarea', { name: 'note', rows: 2, class: 'alert-note' });
    this.snapshot = h('input', { type: 'file', name: 'snapshot', accept: 'image/jpeg,image/png,image/webp', class: 'alert-snapshot' });
    this.panel.host(this);
    this.panel.selection.point([lat, lon]);
    const finest = chain.length ? chain[chain.length - 1] : null;
    const [grid, responsible] = await Promise.all([
      finest ? api.grid(finest.id).catch(() => null) : null,
      finest && this.can.workers ? settle(api.responsible(finest.id)) : null,
      this.can.workers ? this.loadNearest() : null,
      // Its own alerts, however far back in the town's list: the snapshot and the latest.
      this.can.alerts ? this.feed.loadAlertsAt(feature.id).catch(() => null) : null,
    ]);
    if (this.feature !== feature || !this.panel.shows(this)) return;
    if (grid) this.panel.selection.grid(grid);
    this.responsible = responsible;
    this.refresh();
  }

  // The available workers nearest the camera, asked for again.
  async loadNearest() {
    const feature = this.feature;
    const [lon, lat] = feature.geometry.coordinates;
    const nearest = await settle(api.nearestWorkers(lon, lat, 5));
    if (this.feature !== feature) return;
    this.nearest = nearest;
    this.refresh();
  }

  refresh() {
    if (this.panel.shows(this)) this.panel.render();
  }

  render() {
    const p = this.feature.properties;
    const latest = this.feed.latestAt(this.feature.id);
    const withSnapshot = this.feed.newest().find((a) => a.camera && a.camera.id === this.feature.id && a.snapshot);
    return [
      this.panel.header('panel.camera', p.name, p.code),
      this.facts(p),
      p.chain.length ? this.panel.chainSection(p.chain) : h('p', { class: 'panel-outside' }, t('panel.outside')),
      withSnapshot ? section(t('linkage.snapshot'), snapshotLink(withSnapshot)) : null,
      this.can.raise ? this.form() : null,
      latest ? section(t('linkage.current'), this.alertSummary(latest)) : null,
      this.can.workers ? section(t('linkage.candidates'), this.candidates(latest)) : null,
      this.responsible ? section(t('panel.responsible'), this.responsible.ok
        ? responsibleList(this.responsible.value, this.panel.levels)
        : h('p', { class: 'panel-error' }, t('panel.failed', { msg: this.responsible.error.message }))) : null,
    ];
  }

  facts(p) {
    const status = h('span', { class: 'status-badge', style: `--status:${STATUS_COLORS[p.status] || '#868e96'}` },
      h('span', { class: 'swatch', html: cameraSvg(p.status) }), t(`status.${p.status}`));
    const { heading_deg: heading, fov_deg: fov } = p;
    return h('dl', { class: 'facts' },
      fact(t('panel.code'), h('span', { class: 'code' }, p.code)),
      fact(t('panel.name'), p.name),
      fact(t('panel.kind'), t(`kind.${p.kind}`)),
      fact(t('panel.status'), status),
      fact(t('panel.stream'), h('span', { class: 'code stream' }, p.stream_url || '—')),
      typeof heading === 'number' ? fact(t('linkage.heading'), t('linkage.degrees', { n: Math.round(heading) })) : null,
      typeof fov === 'number' ? fact(t('linkage.fov'), t('linkage.degrees', { n: Math.round(fov) })) : null);
  }

  form() {
    this.note.placeholder = t('linkage.notePlaceholder');
    const raising = this.busy === 'raise';
    return h('form', {
      class: 'alert-form panel-section',
      onsubmit: (event) => {
        event.preventDefault();
        this.raise();
      },
    },
    h('h3', {}, t('linkage.raiseTitle')),
    h('label', { class: 'form-field' }, h('span', { class: 'form-label' }, t('linkage.note')), this.note),
    h('label', { class: 'form-field' }, h('span', { class: 'form-label' }, t('linkage.snapshotPick')), this.snapshot),
    this.error ? h('p', { class: 'form-error', role: 'alert' }, t('linkage.failed', { msg: this.error })) : null,
    h('button', { type: 'submit', class: 'primary raise-alert', disabled: this.busy !== null },
      raising ? t('linkage.raising') : t('linkage.raise')));
  }

  alertSummary(alert) {
    return h('div', { class: 'alert-summary', 'data-alert-id': alert.id },
      h('div', { class: 'alert-row-top' }, alertTag(alert), h('span', { class: 'alert-time' }, formatTime(alert.raised_at)),
        alert.case_number && !alert.calls.some(answered) ? caseLink(alert, this.onCase) : null),
      alert.note ? h('p', { class: 'alert-note-text' }, alert.note) : null,
      alert.calls.length
        ? h('ol', { class: 'call-list' }, alert.calls.map((call) => callRow(call, this.onCase)))
        : h('p', { class: 'panel-none' }, t('linkage.noCalls')));
  }

  candidates(latest) {
    const open = latest && stillOpen(latest) ? latest : null;
    let list;
    if (open && open.candidates.length) list = open.candidates;
    else if (this.nearest && this.nearest.ok) list = this.nearest.value.workers;
    else if (this.nearest) return h('p', { class: 'panel-error' }, t('panel.failed', { msg: this.nearest.error.message }));
    else return h('p', { class: 'panel-loading' }, t('panel.loading'));
    if (!list.length) return h('p', { class: 'panel-none' }, t('linkage.candidatesNone'));
    return h('ol', { class: 'people candidates' }, list.map((c) => {
      const id = c.worker_id ?? c.id;
      const called = open && [...open.calls].reverse().find((call) => call.worker_id === id);
      return h('li', { class: 'person candidate', 'data-worker-id': id },
        h('div', { class: 'person-main' },
          h('span', { class: 'person-name' }, c.name),
          h('span', { class: 'role' }, h('span', { class: 'swatch', html: workerSvg(c.role, true) }), t(`role.${c.role}`)),
          c.responsible ? h('span', { class: 'responsible-badge' }, t('linkage.responsibleBadge')) : null,
          h('span', { class: 'distance' }, formatDistance(c.distance_m))),
        h('div', { class: 'person-sub' },
          h('span', {}, formatEta(c.eta_s)),
          called ? callChip(called) : !this.can.call ? null : h('button', {
            type: 'button',
            class: 'call-candidate',
            'data-worker-id': id,
            disabled: this.busy !== null,
            onclick: () => this.callOne(id),
          }, this.busy === id ? t('linkage.calling') : t('linkage.call'))));
    }));
  }

  // Raises a new alert with what the form holds, and clears the form.
  async newAlert() {
    const file = this.snapshot.files && this.snapshot.files[0];
    const alert = this.feed.putAlert(await api.raiseAlert(this.feature.id, { note: this.note.value.trim(), snapshot: file }));
    this.note.value = '';
    this.snapshot.value = '';
    return alert;
  }

  /** "Alert & call nearest": a new alert, then a call to its first candidate (when the user may call). */
  raise() {
    return this.act('raise', async () => {
      const alert = await this.newAlert();
      if (this.can.call) this.feed.putCall(await api.callWorker(alert.id));
    });
  }

  /** Calls one worker on the camera's open alert, raising one first when none is open. */
  callOne(workerId) {
    return this.act(workerId, async () => {
      const latest = this.feed.latestAt(this.feature.id);
      const alert = latest && stillOpen(latest) ? latest : await this.newAlert();
      this.feed.putCall(await api.callWorker(alert.id, workerId));
    });
  }

  async act(busy, work) {
    const feature = this.feature;
    this.busy = busy;
    this.error = null;
    this.refresh();
    try {
      await work();
    } catch (error) {
      if (this.feature === feature) this.error = error.message;
    }
    if (this.feature !== feature) return;
    this.busy = null;
    this.refresh();
  }
}

// `{ok, value}` or `{ok: false, error}`.
function settle(promise) {
  return promise.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }));
}

function snapshotLink(alert) {
  return h('a', { class: 'snapshot', href: alert.snapshot.url, target: '_blank', rel: 'noopener' },
    h('img', { src: alert.snapshot.thumbnail_url, alt: t('linkage.snapshotAlt'), title: t('linkage.snapshotAlt') }));
}
