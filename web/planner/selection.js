// selection.js — view: the selected grid (and the shift-clicked second one) with the tools
// that act on it: split along a drawn line (the service cuts it: the grid retires, two new
// grids under the same parent), merge the second into it (the service unites them: the first
// keeps the union, the second retires), retire, and its history.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { formatCount, t } from '../kernel/i18n.js';
import { insertOnNearEdge, ringsOf } from './glue.js';
import { latLngsOf } from './plan.js';

/**
 * The points a cut added where it crosses the grid's boundary go into the neighbours' rings
 * too, so the edge they share stays shared: answers the neighbours changed.
 */
function glueCut(grid, parts, neighbours) {
  const before = new Set(ringsOf(grid.layer.getLatLngs()).flatMap(({ ring }) => ring.map((v) => `${v.lat},${v.lng}`)));
  const added = parts.flatMap((geometry) => ringsOf(latLngsOf(geometry)).flatMap(({ ring }) => ring))
    .filter((v) => !before.has(`${v.lat},${v.lng}`));
  return neighbours.filter((other) => added.map((v) => insertOnNearEdge(other.layer, v)).some(Boolean));
}

export class SelectionView {
  /** `onHistory(item)` opens a grid's versions. */
  constructor(element, { plan, editor, onHistory }) {
    this.element = element;
    this.plan = plan;
    this.editor = editor;
    this.onHistory = onHistory;
    this.primary = null;
    this.second = null;
    this.splitting = false;
    this.busy = false;
    this.message = null;
    this.readOnly = false;
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.splitting) this.cancelSplit();
    });
    this.render();
  }

  show(primary, second) {
    if (primary !== this.primary) this.message = null;
    this.primary = primary;
    this.second = second;
    this.render();
  }

  setReadOnly(readOnly) {
    this.readOnly = readOnly;
    this.render();
  }

  say(text, kind) {
    this.message = text ? { text, kind } : null;
    this.render();
  }

  /** Splitting and merging work on the stored shape: not on a grid changed here or a new one. */
  stored(...items) {
    if (items.every((item) => item.state === 'kept')) return true;
    this.say(t('planner.needStoredShape'), 'error');
    return false;
  }

  split() {
    const grid = this.primary;
    if (!grid || !this.stored(grid)) return;
    this.splitting = true;
    this.message = { text: t('planner.splitHint') };
    this.render();
    this.editor.startSplit(async (line) => {
      this.splitting = false;
      this.busy = true;
      this.say(t('planner.splitting'));
      try {
        const { parts } = await api.splitGrid(grid.id, line);
        const glued = glueCut(grid, parts, this.plan.live().filter((o) => o !== grid));
        this.plan.retire(grid);
        if (glued.length) this.plan.touch(...glued);
        const name = grid.props.name;
        const made = parts.map((geometry, i) => this.plan.addNew(grid.parentId, geometry,
          t('planner.splitName', { name, n: i + 1 })));
        this.editor.select(made[0]);
        this.message = { text: t('planner.splitDone'), kind: 'ok' };
      } catch (err) {
        this.message = { text: t('planner.splitFailed', { msg: err.message }), kind: 'error' };
      }
      this.busy = false;
      this.render();
    });
  }

  cancelSplit() {
    this.editor.cancelSplit();
    this.splitting = false;
    this.say(null);
  }

  async merge() {
    const a = this.primary;
    const b = this.second;
    if (!a || !b) {
      this.say(t('planner.mergeNeedsTwo'), 'error');
      return;
    }
    if (!this.stored(a, b)) return;
    this.busy = true;
    this.say(t('planner.merging'));
    try {
      const { geometry } = await api.mergeGrids([a.id, b.id]);
      this.editor.stopEditing();
      this.plan.reshape(a, geometry);
      this.plan.retire(b);
      this.editor.refresh();
      this.message = { text: t('planner.mergeDone', { a: a.props.name, b: b.props.name }), kind: 'ok' };
    } catch (err) {
      this.message = { text: t('planner.mergeFailed', { msg: err.message }), kind: 'error' };
    }
    this.busy = false;
    this.render();
  }

  retire() {
    const grid = this.primary;
    if (!grid) return;
    this.editor.select(null);
    this.plan.retire(grid);
  }

  render() {
    const g = this.primary;
    const body = [h('h2', { class: 'p-h' }, t('planner.selection'))];
    if (!g) {
      body.push(h('p', { class: 'p-faint' }, t('planner.selectHint')));
    } else {
      const p = g.props;
      const row = (key, value) => [h('dt', {}, t(key)), h('dd', {}, value ?? '—')];
      body.push(h('dl', { class: 'p-facts', id: 'selected', 'data-key': g.key, 'data-code': p.code || '' },
        row('planner.field.name', g.name || p.name),
        row('planner.field.code', p.code || '—'),
        g.state === 'new' ? null : row('planner.field.households', formatCount(p.households ?? 0)),
        g.state === 'new' ? null : row('planner.field.residents', formatCount(p.residents ?? 0)),
        g.state === 'new' ? null : row('planner.field.version', p.version),
        row('planner.field.state', t(`planner.change.${g.state}`))));
      if (this.second) body.push(h('p', { class: 'p-second' }, t('planner.second', { name: this.second.props.name })));
      body.push(this.tools());
    }
    if (this.message) {
      body.push(h('p', { class: `p-note ${this.message.kind ? `is-${this.message.kind}` : ''}`, id: 'selection-message' }, this.message.text));
    }
    this.element.replaceChildren(...body);
  }

  tools() {
    const g = this.primary;
    const busy = this.busy || this.splitting;
    const button = (id, key, onclick, disabled = false) => h('button', {
      type: 'button', id, class: 'p-button', disabled: disabled || null, onclick,
    }, t(key));
    if (this.readOnly) {
      return h('div', { class: 'p-actions' }, g.id ? button('history-button', 'planner.history', () => this.onHistory(g)) : null);
    }
    if (this.splitting) {
      return h('div', { class: 'p-actions' }, button('split-cancel', 'planner.cancel', () => this.cancelSplit()));
    }
    return h('div', { class: 'p-actions' },
      button('split', 'planner.split', () => this.split(), busy),
      button('merge', 'planner.merge', () => this.merge(), busy || !this.second),
      button('retire', 'planner.retire', () => this.retire(), busy),
      g.id ? button('history-button', 'planner.history', () => this.onHistory(g)) : null);
  }
}
