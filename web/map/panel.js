// panel.js — the right-hand details panel: what a click on the map, a worker or a search
// result selects — grid chain, households and residents, responsible workers and the
// nearest available workers — and the matching highlight on the map; other views (a
// camera, an incident) are hosted in it.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { currentLang, formatCount, formatDistance, levelName, t } from '../kernel/i18n.js';
import { workerSvg } from './symbols.js';

/**
 * The details panel in `element`; highlights go to `selection` (selection.js `Selection`).
 * `onFileHere(lon, lat)`, when given, adds a "file an incident here" button to a point;
 * `workers` false (no workers.read) leaves out the responsible and nearest workers.
 */
export class DetailsPanel {
  constructor(element, selection, levels, { onFileHere, workers = true } = {}) {
    this.element = element;
    this.selection = selection;
    this.onFileHere = onFileHere;
    this.workers = workers;
    this.levels = new Map(levels.map((level) => [level.level, level]));
    this.view = { kind: 'empty' };
    this.seq = 0;
    this.render();
  }

  /** A click on the map at `latlng`. */
  async showPoint(latlng) {
    const lon = round(latlng.lng);
    const lat = round(latlng.lat);
    await this.load('point', async () => {
      const { chain } = await api.locate(lon, lat);
      if (!chain.length) return { lon, lat, chain };
      const finest = chain[chain.length - 1];
      const [grid, responsible, nearest] = await settle(api.grid(finest.id),
        ...(this.workers ? [api.responsible(finest.id), api.nearestWorkers(lon, lat, 5)] : []));
      return { lon, lat, chain, grid, responsible, nearest };
    }, (data) => {
      this.selection.point([lat, lon]);
      if (data.grid && data.grid.ok) this.selection.grid(data.grid.value);
    });
  }

  /** A grid by id (a search result). */
  async showGrid(id) {
    await this.load('grid', async () => {
      const [grid, responsible] = await settle(api.grid(id), ...(this.workers ? [api.responsible(id)] : []));
      if (!grid.ok) throw grid.error;
      return { grid: grid.value, responsible };
    }, (data) => this.selection.grid(data.grid));
  }

  /** A worker (a record of `/api/workers`). */
  async showWorker(worker) {
    await this.load('worker', async () => {
      const [grid] = worker.grid_ids.length ? await settle(api.grid(worker.grid_ids[0])) : [null];
      return { worker, grid };
    }, (data) => {
      if (worker.position) this.selection.point([worker.position.lat, worker.position.lon]);
      if (data.grid && data.grid.ok) this.selection.grid(data.grid.value);
    });
  }

  /**
   * Gives the panel to another view (an incident's form or detail): `view.kind` names it,
   * `view.render()` builds its content, also after a language change.
   */
  host(view) {
    this.seq += 1;
    this.selection.clear();
    this.view = { kind: 'hosted', data: view };
    this.render();
  }

  /** Whether the panel shows `view` now. */
  shows(view) {
    return this.view.kind === 'hosted' && this.view.data === view;
  }

  /** Back to the empty panel, with nothing highlighted. */
  close() {
    this.seq += 1;
    this.selection.clear();
    this.view = { kind: 'empty' };
    this.render();
  }

  // Runs `fetch`, drops the answer if a newer selection started meanwhile, then highlights
  // and renders.
  async load(kind, fetch, highlight) {
    const seq = ++this.seq;
    this.selection.clear();
    // Keep what is shown, dimmed, until the answer comes: the panel does not jump.
    if (['empty', 'error', 'loading'].includes(this.view.kind)) {
      this.view = { kind: 'loading' };
      this.render();
    }
    this.element.setAttribute('aria-busy', 'true');
    try {
      const data = await fetch();
      if (seq !== this.seq) return;
      highlight(data);
      this.view = { kind, data };
    } catch (error) {
      if (seq !== this.seq) return;
      this.view = { kind: 'error', data: { message: error.message } };
    }
    this.render();
  }

  render() {
    const { kind, data } = this.view;
    const body = {
      empty: () => [h('p', { class: 'panel-empty' }, t('panel.empty'))],
      loading: () => [h('p', { class: 'panel-loading' }, t('panel.loading'))],
      error: () => [h('p', { class: 'panel-error', role: 'alert' }, t('panel.failed', { msg: data.message }))],
      point: () => this.pointView(data),
      grid: () => this.gridView(data),
      worker: () => this.workerView(data),
      hosted: () => data.render(),
    }[kind]();
    this.element.dataset.view = kind === 'hosted' ? data.kind : kind;
    if (kind !== 'loading') this.element.removeAttribute('aria-busy');
    this.element.replaceChildren(...body.filter((node) => node !== null && node !== undefined));
  }

  header(kindKey, title, subtitle) {
    return h('header', { class: 'panel-header' },
      h('div', {},
        h('div', { class: 'panel-kind' }, t(kindKey)),
        h('h2', { class: 'panel-title' }, title),
        subtitle ? h('div', { class: 'panel-subtitle' }, subtitle) : null),
      h('button', {
        type: 'button',
        class: 'panel-close',
        'aria-label': t('panel.close'),
        title: t('panel.close'),
        onclick: () => this.close(),
      }, '×'));
  }

  pointView({ lon, lat, chain, grid, responsible, nearest }) {
    const where = `${lon.toFixed(5)}, ${lat.toFixed(5)}`;
    if (!chain.length) {
      return [
        this.header('panel.point', t('panel.outside'), where),
        h('p', { class: 'panel-outside', role: 'status' }, t('panel.outsideHint')),
      ];
    }
    return [
      this.header('panel.point', chain[chain.length - 1].name, where),
      this.onFileHere ? h('div', { class: 'panel-actions' }, h('button', {
        type: 'button',
        class: 'file-here',
        onclick: () => this.onFileHere(lon, lat),
      }, t('dispatch.fileHere'))) : null,
      this.chainSection(chain),
      section(t('panel.ledger'), outcome(grid, (g) => ledger(g.properties))),
      responsible ? section(t('panel.responsible'), outcome(responsible, (r) => responsibleList(r, this.levels))) : null,
      nearest ? section(t('panel.nearest'), outcome(nearest, (n) => nearestList(n.workers))) : null,
    ];
  }

  gridView({ grid, responsible }) {
    const p = grid.properties;
    return [
      this.header('panel.grid', p.name, p.code),
      this.chainSection(p.chain),
      section(t('panel.ledger'), ledger(p)),
      responsible ? section(t('panel.responsible'), outcome(responsible, (r) => responsibleList(r, this.levels))) : null,
    ];
  }

  workerView({ worker, grid }) {
    const when = worker.position_at ? new Date(worker.position_at).toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN') : '—';
    return [
      this.header('panel.worker', worker.name, t(`role.${worker.role}`)),
      h('dl', { class: 'facts' },
        fact(t('panel.role'), roleTag(worker.role, worker.on_duty)),
        worker.department ? fact(t('panel.department'), worker.department) : null,
        fact(t('panel.phone'), phoneLink(worker)),
        fact(t('panel.duty'), worker.on_duty ? t('panel.onDuty') : t('panel.offDuty')),
        'on_shift' in worker ? fact(t('panel.onShift'), worker.on_shift ? t('panel.yes') : t('panel.no')) : null,
        'available' in worker ? fact(t('panel.available'), worker.available ? t('panel.yes') : t('panel.no')) : null,
        fact(t('panel.positionAt'), when)),
      grid ? outcome(grid, (g) => this.chainSection(g.properties.chain)) : null,
    ];
  }

  chainSection(chain) {
    return section(t('panel.chain'), h('ol', { class: 'chain' }, chain.map((g, i) => h('li', {
      class: i === chain.length - 1 ? 'chain-item finest' : 'chain-item',
    },
    h('span', { class: 'level-tag' }, levelName(this.levels.get(g.level)) || g.level),
    h('span', { class: 'chain-name' }, g.name),
    h('span', { class: 'code' }, g.code)))));
  }
}

function round(x) {
  return Math.round(x * 1e7) / 1e7;
}

// Like Promise.allSettled, as `{ok, value}` / `{ok: false, error}`.
function settle(...promises) {
  return Promise.all(promises.map((p) => p.then(
    (value) => ({ ok: true, value }),
    (error) => ({ ok: false, error }))));
}

function outcome(result, render) {
  if (!result) return null;
  if (!result.ok) return h('p', { class: 'panel-error' }, t('panel.failed', { msg: result.error.message }));
  return render(result.value);
}

/** A titled section of the panel. */
export function section(title, ...content) {
  return h('section', { class: 'panel-section' }, h('h3', {}, title), ...content);
}

/** A term and its value, for a `<dl class="facts">`. */
export function fact(term, value) {
  return [h('dt', {}, term), h('dd', {}, value)];
}

function ledger(p) {
  const stat = (key, value) => value === undefined || value === null ? null
    : h('div', { class: 'stat' }, h('div', { class: 'stat-value' }, formatCount(value)), h('div', { class: 'stat-label' }, t(key)));
  const counts = p.counts || {};
  return h('div', { class: 'stats' },
    stat('panel.households', p.households),
    stat('panel.residents', p.residents),
    stat('panel.camerasCount', counts.cameras),
    stat('panel.workersCount', counts.workers),
    counts.children ? stat('panel.childrenCount', counts.children) : null);
}

function roleTag(role, onDuty) {
  return h('span', { class: 'role' }, h('span', { class: 'swatch', html: workerSvg(role, onDuty) }), t(`role.${role}`));
}

function phoneLink(worker) {
  if (!worker.phone) return '—';
  return h('a', {
    class: 'phone',
    href: `tel:${worker.phone}`,
    'aria-label': t('panel.call', { name: worker.name, phone: worker.phone }),
  }, worker.phone);
}

/** Workers grouped by the grid they answer for, finest first, one line per worker. */
export function responsibleList(workers, levels) {
  if (!workers.length) return h('p', { class: 'panel-none' }, t('panel.responsibleNone'));
  const groups = [];
  for (const w of workers) {
    const last = groups[groups.length - 1];
    if (last && last.grid.id === w.for_grid.id) last.workers.push(w);
    else groups.push({ grid: w.for_grid, workers: [w] });
  }
  return groups.map(({ grid, workers: members }) => h('div', { class: 'resp-group' },
    h('div', { class: 'resp-grid' },
      h('span', { class: 'level-tag' }, levelName(levels.get(grid.level)) || grid.level),
      h('span', {}, grid.name)),
    h('ul', { class: 'people compact' }, members.map((w) => h('li', { class: 'person' },
      h('div', { class: 'person-main' },
        h('span', { class: 'person-name' }, w.name),
        roleTag(w.role, w.on_duty),
        w.on_duty ? null : h('span', { class: 'off-duty-tag' }, t('panel.offDuty')),
        h('span', { class: 'push' }, phoneLink(w))))))));
}

function nearestList(workers) {
  if (!workers.length) return h('p', { class: 'panel-none' }, t('panel.nearestNone'));
  return h('ol', { class: 'people nearest' }, workers.map((w) => h('li', { class: 'person' },
    h('div', { class: 'person-main' },
      h('span', { class: 'person-name' }, w.name),
      roleTag(w.role, w.on_duty),
      h('span', { class: 'distance' }, formatDistance(w.distance_m))),
    h('div', { class: 'person-sub' },
      h('span', { class: 'person-grid' }, w.department || ''),
      phoneLink(w)))));
}
