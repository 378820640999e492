// incidentList.js — the incidents tab: filters (status, colour, grid code, category), the
// newest incidents a page at a time ("load more" follows the service's cursor), one row per
// incident, and the button that arms filing by a click on the map. Rows follow the feed.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';
import { OPEN_STATUSES, STATUSES, matches } from './incidents.js';
import { categoryLabel, colourChip, formatTime, gridOf, named, statusTag } from './incidentParts.js';

const PAGE = 50;

/**
 * The list in `element`; `onSelect(incident)` when a row is chosen, `onFileMode(on)` for the
 * filing switch (none, and no switch, for those who may not file incidents).
 */
export class IncidentList {
  constructor(element, feed, categories, { onSelect, onFileMode }) {
    this.element = element;
    this.feed = feed;
    this.categories = categories;
    this.onSelect = onSelect;
    this.onFileMode = onFileMode;
    this.filter = { status: 'open', colour: '', grid: '', category: '' };
    this.ids = [];
    this.next = null;
    this.state = 'loading';
    this.error = null;
    this.selected = null;
    this.filing = false;
    this.live = true;
    this.seq = 0;
    feed.onChange((incident, kind) => this.heard(incident, kind));
    this.render();
    this.load(true);
  }

  /** Loads the first page (`reset`) or the next one. */
  async load(reset) {
    const seq = ++this.seq;
    this.state = 'loading';
    this.render();
    const f = this.filter;
    try {
      const page = await api.incidents({
        status: f.status === 'open' ? OPEN_STATUSES.join(',') : f.status,
        colour: f.colour,
        grid: f.grid.trim(),
        category: f.category,
        limit: PAGE,
        before: reset ? undefined : this.next,
      });
      if (seq !== this.seq) return;
      const ids = page.incidents.map((i) => this.feed.put(i, 'loaded').id);
      this.ids = reset ? ids : [...this.ids, ...ids.filter((id) => !this.ids.includes(id))];
      this.next = page.next_before;
      this.state = 'ready';
      this.error = null;
    } catch (error) {
      if (seq !== this.seq) return;
      this.state = 'error';
      this.error = error.message;
    }
    this.render();
  }

  // A filed incident that fits the filter goes on top; a listed one is redrawn.
  heard(incident, kind) {
    if (kind === 'reload') {
      this.load(true);
      return;
    }
    if (kind === 'filed' && !this.ids.includes(incident.id) && matches(incident, this.current())) {
      this.ids.unshift(incident.id);
    }
    if (this.ids.includes(incident.id) && this.state !== 'loading') this.scheduleRows();
  }

  // Many changes heard in one go (a reload of the open incidents) redraw the rows once.
  scheduleRows() {
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      this.renderRows();
    });
  }

  // The filter as `matches` wants it.
  current() {
    const f = this.filter;
    const statuses = f.status === 'open' ? OPEN_STATUSES : f.status ? [f.status] : [];
    const found = this.categories.classes.find((c) => c.code === f.category);
    const categories = found ? found.sub_categories.map((s) => s.code) : f.category ? [f.category] : [];
    return { statuses, colour: f.colour, grid: f.grid.trim(), categories };
  }

  /** Marks the row of incident `id` as the one shown. */
  select(id) {
    this.selected = id;
    this.renderRows();
  }

  /** Shows whether the next map click files an incident. */
  setFiling(on) {
    this.filing = on;
    this.render();
  }

  /** Shows whether the live stream is connected. */
  setLive(ok) {
    if (ok === this.live) return;
    this.live = ok;
    this.render();
  }

  setFilter(name, value) {
    this.filter[name] = value;
    this.load(true);
  }

  render() {
    const f = this.filter;
    const select = (name, options) => h('select', {
      class: `filter-${name}`,
      'data-filter': name,
      onchange: (event) => this.setFilter(name, event.target.value),
    }, options.map(([value, label]) => h('option', { value, selected: value === f[name] }, label)));
    this.rows = h('ul', { class: 'incident-list', role: 'list' });
    this.footer = h('div', { class: 'incident-list-footer' });
    this.element.replaceChildren(...[
      h('div', { class: 'incident-head' },
        h('h2', { class: 'sidebar-title' }, t('incident.listTitle')),
        this.onFileMode ? h('button', {
          type: 'button',
          class: this.filing ? 'file-mode on' : 'file-mode',
          'aria-pressed': this.filing ? 'true' : 'false',
          onclick: () => this.onFileMode(!this.filing),
        }, this.filing ? t('dispatch.fileModeCancel') : t('dispatch.fileMode')) : null),
      this.filing ? h('p', { class: 'file-mode-hint', role: 'status' }, t('dispatch.fileModeOn')) : null,
      this.live ? null : h('p', { class: 'live-lost', role: 'status' }, t('dispatch.liveLost')),
      h('div', { class: 'incident-filters' },
        h('label', {}, h('span', {}, t('incident.filterStatus')), select('status', [
          ['', t('incident.any')], ['open', t('incident.open')],
          ...STATUSES.map((s) => [s, t(`incident.status.${s}`)])])),
        h('label', {}, h('span', {}, t('incident.filterColour')), select('colour', [
          ['', t('incident.any')], ...['red', 'yellow', 'blue'].map((c) => [c, t(`incident.colour.${c}`)])])),
        h('label', {}, h('span', {}, t('incident.filterCategory')), this.categories.select({
          class: 'filter-category',
          'data-filter': 'category',
          onchange: (event) => this.setFilter('category', event.target.value),
        }, f.category, [['', t('incident.any')], ...this.categories.classes.map((c) => [c.code, `【${named(c)}】`])])),
        h('label', {}, h('span', {}, t('incident.filterGrid')), h('input', {
          type: 'search',
          class: 'filter-grid',
          'data-filter': 'grid',
          value: f.grid,
          placeholder: t('incident.filterGridPlaceholder'),
          spellcheck: 'false',
          onchange: (event) => this.setFilter('grid', event.target.value),
        }))),
      this.rows,
      this.footer].filter(Boolean));
    this.renderRows();
  }

  renderRows() {
    if (!this.rows) return;
    this.rows.replaceChildren(...this.ids.map((id) => this.feed.byId.get(id)).filter(Boolean).map((i) => this.row(i)));
    const more = this.next && this.state === 'ready'
      ? h('button', { type: 'button', class: 'load-more', onclick: () => this.load(false) }, t('incident.loadMore'))
      : null;
    const note = {
      loading: () => h('p', { class: 'panel-loading' }, t('panel.loading')),
      error: () => h('p', { class: 'panel-error', role: 'alert' }, t('incident.loadFailed', { msg: this.error })),
      ready: () => h('p', { class: 'incident-count' }, this.ids.length ? t('incident.count', { n: this.ids.length }) : t('incident.none')),
    }[this.state]();
    this.footer.replaceChildren(...[note, more].filter(Boolean));
    this.element.dataset.state = this.state;
  }

  row(incident) {
    const grid = gridOf(incident);
    return h('li', {
      class: incident.id === this.selected ? 'incident-row selected' : 'incident-row',
      'data-id': incident.id,
      'data-case': incident.case_number,
      tabindex: '0',
      onclick: () => this.onSelect(incident),
      onkeydown: (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          this.onSelect(incident);
        }
      },
    },
    h('div', { class: 'incident-row-top' },
      colourChip(incident),
      h('span', { class: 'case-number' }, incident.case_number),
      statusTag(incident.status)),
    h('div', { class: 'incident-row-category', title: categoryLabel(incident) }, categoryLabel(incident)),
    h('div', { class: 'incident-row-sub' },
      h('span', { class: 'incident-row-grid', title: grid ? grid.name : null }, grid ? grid.name : '—'),
      h('span', { class: 'incident-row-deadline' }, t('incident.deadlineShort', { time: formatTime(incident.deadline) }))));
  }
}
