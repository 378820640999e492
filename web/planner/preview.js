// preview.js — view: a proposed change set before it is saved: its problems drawn on the map
// (red errors, orange warnings, points as markers; message and area in a popup) and listed
// (a click flies there), the grids it makes, its impact (cameras, incidents, assignments,
// households), and "apply" (only with no errors) or "discard". An edit after the check makes
// the preview stale: it must be checked again.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { formatCount, t } from '../kernel/i18n.js';

const L = window.L;

export const SEVERITY_COLOURS = { error: '#e03131', warning: '#f08c00' };

function problemStyle(feature) {
  const colour = SEVERITY_COLOURS[feature.properties.severity] || SEVERITY_COLOURS.error;
  return {
    color: colour, weight: 2.5, fillColor: colour, fillOpacity: 0.35,
    className: `p-problem is-${feature.properties.severity}`,
  };
}

/** "12.5 平方米" for a problem's area; empty without one. */
function area(p) {
  const a = p.area_m2;
  if (a === undefined || a === null || a === 0) return '';
  if (a >= 100) return t('planner.area', { n: formatCount(Math.round(a)) });
  return t('planner.area', { n: a >= 1 ? a.toFixed(1) : String(Number(a.toPrecision(2))) });
}

/** A problem in words: severity, kind, area, the grids it names, then the service's message. */
function problemText(p, label) {
  const names = (p.grids || []).map(label).join('、');
  return [
    h('span', { class: `p-chip is-${p.severity}` }, t(`planner.severity.${p.severity}`)),
    ' ', h('strong', {}, t(`planner.kind.${p.kind}`)),
    area(p) ? h('span', {}, ` · ${area(p)}`) : null,
    names ? h('span', { class: 'p-sub p-problem-grids' }, names) : null,
    p.message ? h('span', { class: 'p-sub p-faint p-message' }, p.message) : null,
  ];
}

export class Preview {
  /**
   * `cameraName(id)` and `gridLabel(code)` name what the impact lists; `onApplied()` reloads
   * the level; `onReload()` offers the planner a fresh level after a conflict; `mayApply`
   * false (no changesets.apply) leaves out apply and discard.
   */
  constructor(element, map, { cameraName, gridLabel, onApplied, onReload, mayApply = true }) {
    this.element = element;
    this.map = map;
    this.mayApply = mayApply;
    this.cameraName = cameraName;
    this.gridLabel = gridLabel;
    this.onApplied = onApplied;
    this.onReload = onReload;
    this.changeset = null;
    this.stale = false;
    this.busy = false;
    this.message = null;
    map.createPane('problems').style.zIndex = 450;
    this.layer = L.geoJSON(null, {
      pane: 'problems', pmIgnore: true, snapIgnore: true, style: problemStyle,
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 9, ...problemStyle(f) }),
      onEachFeature: (f, layer) => {
        layer.bindPopup(() => h('div', { class: 'p-popup' }, problemText(f.properties, (c) => this.labelOf(c))));
      },
    }).addTo(map);
    this.render();
  }

  /** Shows a change set as the service answered it (201 of a check or an import). */
  show(changeset) {
    const before = this.changeset;
    if (before && before.id !== changeset.id && before.status === 'proposed' && !this.stale) {
      api.discardChangeset(before.id).catch(() => {});
    }
    this.changeset = changeset;
    this.stale = false;
    this.message = null;
    this.draw();
    this.render();
    this.element.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }

  /** The check no longer holds (an edit after it): the proposal is discarded, to be re-checked. */
  invalidate() {
    const cs = this.changeset;
    if (!cs || this.stale || cs.status !== 'proposed') return;
    this.stale = true;
    api.discardChangeset(cs.id).catch(() => {});
    this.layer.setStyle({ fillOpacity: 0.12, opacity: 0.5 });
    this.render();
  }

  /** Forgets the change set and its drawing; one still proposed is discarded (nothing else will apply it). */
  clear() {
    const cs = this.changeset;
    if (cs && cs.status === 'proposed' && !this.stale) api.discardChangeset(cs.id).catch(() => {});
    this.changeset = null;
    this.stale = false;
    this.message = null;
    this.layer.clearLayers();
    this.render();
  }

  problems() {
    return (this.changeset && this.changeset.problems && this.changeset.problems.features) || [];
  }

  errors() {
    return this.problems().filter((f) => f.properties.severity === 'error');
  }

  canApply() {
    const cs = this.changeset;
    return Boolean(cs && cs.status === 'proposed' && !this.stale && !this.busy && this.errors().length === 0);
  }

  draw() {
    this.layer.clearLayers();
    const cs = this.changeset;
    if (cs && cs.status === 'proposed') {
      this.layer.addData({ type: 'FeatureCollection', features: this.problems().filter((f) => f.geometry) });
    }
  }

  flyTo(feature) {
    const target = this.layer.getLayers().find((l) => l.feature === feature);
    if (!target) return;
    if (target.getBounds) this.map.flyToBounds(target.getBounds(), { maxZoom: 18, padding: [60, 60], duration: 0.6 });
    else this.map.flyTo(target.getLatLng(), Math.max(this.map.getZoom(), 17), { duration: 0.6 });
    this.map.once('moveend', () => target.openPopup());
  }

  async apply() {
    const cs = this.changeset;
    if (!this.canApply()) return;
    this.busy = true;
    this.message = { text: t('planner.applying') };
    this.render();
    try {
      this.changeset = await api.applyChangeset(cs.id);
      this.message = { text: t('planner.applied', { id: cs.id }), kind: 'ok' };
      this.draw();
      this.busy = false;
      this.render();
      await this.onApplied();
      return;
    } catch (err) {
      this.message = this.failure(err);
      if (err.status === 422 && err.body && err.body.problems) {
        this.changeset = { ...cs, problems: err.body.problems };
        this.draw();
      }
    }
    this.busy = false;
    this.render();
    const line = this.element.querySelector('#preview-message');
    if (line) line.scrollIntoView({ block: 'nearest' });
  }

  async discard() {
    const cs = this.changeset;
    if (!cs || cs.status !== 'proposed' || this.busy) return;
    this.busy = true;
    try {
      const answer = await api.discardChangeset(cs.id);
      this.changeset = answer && answer.status ? answer : { ...cs, status: 'discarded' };
      this.message = { text: t('planner.discarded', { id: cs.id }), kind: 'ok' };
      this.draw();
    } catch (err) {
      this.message = this.failure(err);
    }
    this.busy = false;
    this.render();
  }

  /** What a failed apply or discard tells the planner, with "reload" after a conflict. */
  failure(err) {
    if (err.status === 422) return { text: t('planner.applyProblems', { msg: err.message }), kind: 'error' };
    if (err.status === 412) return { text: t('planner.conflict', { msg: err.message }), kind: 'error', reload: true };
    if (err.status === 409) return { text: t('planner.decided', { msg: err.message }), kind: 'error', reload: true };
    return { text: t('planner.applyFailed', { msg: err.message }), kind: 'error' };
  }

  render() {
    const cs = this.changeset;
    const body = [h('h2', { class: 'p-h' }, t('planner.preview'))];
    if (!cs) {
      body.push(h('p', { class: 'p-faint' }, t('planner.previewNone')));
      this.element.replaceChildren(...body);
      return;
    }
    body.push(h('p', { class: 'p-cs' },
      h('strong', {}, t('planner.changeset', { id: cs.id })), ' ',
      h('span', { class: `p-chip is-${cs.status}`, 'data-status': cs.status }, t(`planner.status.${cs.status}`))));
    if (this.stale) body.push(h('p', { class: 'p-note is-warning', 'data-stale': 'true' }, t('planner.previewStale')));
    body.push(this.problemList(), this.gridList(cs), this.impactList(cs));
    if (this.message) body.push(this.messageLine());
    const errors = this.errors().length;
    const apply = h('button', {
      type: 'button', id: 'apply', class: 'p-button is-primary', disabled: !this.canApply(),
      title: errors && cs.status === 'proposed' ? t('planner.applyBlocked') : null,
      onclick: () => this.apply(),
    }, t('planner.apply'));
    const discard = h('button', {
      type: 'button', id: 'discard', class: 'p-button', disabled: cs.status !== 'proposed' || this.stale || this.busy,
      onclick: () => this.discard(),
    }, t('planner.discard'));
    if (this.mayApply) body.push(h('div', { class: 'p-actions' }, apply, discard));
    else if (cs.status === 'proposed') body.push(h('p', { class: 'p-faint', id: 'no-apply' }, t('planner.noApply')));
    if (this.mayApply && errors && cs.status === 'proposed' && !this.stale) body.push(h('p', { class: 'p-faint' }, t('planner.applyBlocked')));
    this.element.replaceChildren(...body);
    this.element.classList.toggle('is-stale', this.stale);
  }

  messageLine() {
    const m = this.message;
    return h('p', { class: `p-note ${m.kind ? `is-${m.kind}` : ''}`, id: 'preview-message' }, m.text, ' ',
      m.reload ? h('button', { type: 'button', class: 'p-button is-quiet', onclick: () => this.onReload() }, t('planner.reload')) : null);
  }

  problemList() {
    const problems = this.problems();
    const label = (code) => this.labelOf(code);
    const errors = problems.filter((f) => f.properties.severity === 'error').length;
    const head = h('h3', { class: 'p-h3' }, t('planner.problems'), ' ',
      h('span', { class: 'p-faint' }, problems.length
        ? t('planner.problemCounts', { errors, warnings: problems.length - errors })
        : t('planner.noProblems')));
    const items = problems.map((f) => h('li', {
      class: `p-problem-item is-${f.properties.severity}`, 'data-kind': f.properties.kind,
    }, f.geometry
      ? h('button', { type: 'button', class: 'p-linkish', onclick: () => this.flyTo(f) }, problemText(f.properties, label))
      : problemText(f.properties, label)));
    return h('div', { class: 'p-block', id: 'problems' }, head, items.length ? h('ul', { class: 'p-list' }, items) : null);
  }

  gridList(cs) {
    const rows = (cs.grids || []).map((g) => h('li', { 'data-code': g.code },
      h('span', { class: 'p-name' }, g.name || g.code), ' ',
      h('span', { class: 'p-code' }, g.code), ' ',
      g.id === null ? h('span', { class: 'p-chip is-new' }, t('planner.gridNew')) : null,
      g.retired ? h('span', { class: 'p-chip is-retired' }, t('planner.gridRetired')) : null,
      g.retired ? null : h('span', { class: 'p-faint' }, ` ${t('planner.gridCounts', {
        households: formatCount(g.households ?? 0), residents: formatCount(g.residents ?? 0),
      })}`)));
    return h('div', { class: 'p-block', id: 'result-grids' }, h('h3', { class: 'p-h3' }, t('planner.resultGrids')),
      h('ul', { class: 'p-list' }, rows));
  }

  impactList(cs) {
    const impact = cs.impact || {};
    const cameras = impact.cameras || [];
    const incidents = impact.incidents || [];
    const assignments = impact.assignments || [];
    const move = (from, to) => [this.gridName(from), h('span', { class: 'p-arrow' }, ' → '), this.gridName(to)];
    const section = (key, list, row) => [
      h('h4', { class: 'p-h4' }, t(key, { n: list.length })),
      list.length ? h('ul', { class: 'p-list' }, list.map(row)) : h('p', { class: 'p-faint' }, t('planner.impact.none')),
    ];
    return h('div', { class: 'p-block', id: 'impact' },
      h('h3', { class: 'p-h3' }, t('planner.impact')),
      h('p', { id: 'impact-households' }, t('planner.impact.households', { n: formatCount(impact.households ?? 0) })),
      h('div', { id: 'impact-cameras' }, section('planner.impact.cameras', cameras, (c) => h('li', {
        'data-camera-id': c.id, 'data-from': c.from ?? '', 'data-to': c.to ?? '',
      }, h('span', { class: 'p-name' }, this.cameraName(c.id)), ': ', move(c.from, c.to)))),
      h('div', { id: 'impact-incidents' }, section('planner.impact.incidents', incidents, (i) => h('li', {
        'data-incident-id': i.id, 'data-from': i.from ?? '', 'data-to': i.to ?? '',
      }, h('span', { class: 'p-name' }, t('planner.impact.incident', { id: i.id })), ': ', move(i.from, i.to),
      i.responsible_from !== undefined && (i.responsible_from !== i.from || i.responsible_to !== i.to)
        ? h('span', { class: 'p-faint' }, ` (${t('planner.impact.responsible', {
          from: this.labelOf(i.responsible_from), to: this.labelOf(i.responsible_to),
        })})`) : null))),
      h('div', { id: 'impact-assignments' }, section('planner.impact.assignments', assignments, (a) => h('li', {
        'data-worker-id': a.worker_id, 'data-from': a.from ?? '', 'data-to': a.to ?? '',
      }, h('span', { class: 'p-name' }, a.name || `#${a.worker_id}`), ': ', move(a.from, a.to)))));
  }

  /** A grid's name by its code: the change set's own grids first (new ones have new codes). */
  labelOf(code) {
    const own = this.changeset && (this.changeset.grids || []).find((g) => g.code === code);
    return (own && own.name) || this.gridLabel(code);
  }

  /** A grid's name with the end of its code, from a code of the impact ('—' for none). */
  gridName(code) {
    if (!code) return h('span', { class: 'p-faint' }, '—');
    const label = this.labelOf(code);
    return h('span', { class: 'p-grid', title: code }, label,
      label !== code ? h('span', { class: 'p-code' }, ` ${code.slice(-4)}`) : null);
  }
}
