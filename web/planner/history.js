// history.js — view: every version of a grid (`GET /api/grids/{id}/history`), newest first,
// with when it held, who changed it and why; a version's outline is drawn on the map on click.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { formatCount, t } from '../kernel/i18n.js';
import { chinaTime } from './time.js';

const L = window.L;
const OUTLINE = { color: '#0b7285', weight: 3, dashArray: '4 6', fill: false, interactive: false, pmIgnore: true, snapIgnore: true };

export class HistoryView {
  constructor(element, map) {
    this.element = element;
    this.map = map;
    this.item = null;
    this.versions = null;
    this.failed = null;
    this.picked = null;
    this.outline = L.geoJSON(null, { style: () => OUTLINE, ...OUTLINE }).addTo(map);
  }

  /** Shows the versions of a stored grid. */
  async show(item) {
    this.item = item;
    this.versions = null;
    this.failed = null;
    this.picked = null;
    this.outline.clearLayers();
    this.element.hidden = false;
    this.render();
    try {
      const { features } = await api.gridHistory(item.id);
      if (this.item !== item) return;
      this.versions = [...features].sort((a, b) => b.properties.version - a.properties.version);
    } catch (err) {
      if (this.item !== item) return;
      this.failed = err.message;
    }
    this.render();
  }

  close() {
    this.item = null;
    this.outline.clearLayers();
    this.element.hidden = true;
  }

  pick(feature) {
    this.picked = feature;
    this.outline.clearLayers();
    if (feature.geometry) this.outline.addData(feature);
    this.render();
  }

  render() {
    if (!this.item) return;
    const body = [h('div', { class: 'p-row' },
      h('h2', { class: 'p-h' }, t('planner.historyTitle', { name: this.item.props.name })),
      h('button', { type: 'button', class: 'p-button is-quiet', id: 'history-close', onclick: () => this.close() }, t('planner.close')))];
    if (this.failed) body.push(h('p', { class: 'p-note is-error' }, t('planner.historyFailed', { msg: this.failed })));
    else if (!this.versions) body.push(h('p', { class: 'p-faint' }, t('planner.historyLoading')));
    else if (!this.versions.length) body.push(h('p', { class: 'p-faint' }, t('planner.historyEmpty')));
    else body.push(h('ol', { class: 'p-list p-versions', id: 'history-list' }, this.versions.map((f) => this.row(f))));
    this.element.replaceChildren(...body);
  }

  row(f) {
    const p = f.properties;
    const until = p.valid_to ? chinaTime(p.valid_to) : t('planner.historyNow');
    return h('li', { 'data-version': p.version, class: f === this.picked ? 'is-picked' : null },
      h('button', { type: 'button', class: 'p-linkish', onclick: () => this.pick(f) },
        h('strong', {}, t('planner.historyVersion', { n: p.version })), ' ',
        p.retired ? h('span', { class: 'p-chip is-retired' }, t('planner.historyRetired')) : null,
        h('span', { class: 'p-faint' }, ` ${chinaTime(p.valid_from)} – ${until}`)),
      h('div', { class: 'p-sub' }, p.name || '', ' ', h('span', { class: 'p-code' }, p.code || ''),
        p.retired ? null : ` · ${t('planner.gridCounts', { households: formatCount(p.households ?? 0), residents: formatCount(p.residents ?? 0) })}`),
      h('div', { class: 'p-sub' }, p.changeset_id
        ? `${t('planner.historyChangeset', { id: p.changeset_id })} · ${p.author || ''}${p.reason ? `:${p.reason}` : ''}`
        : t('planner.historySeed')));
  }
}
