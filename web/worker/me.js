// me.js — "who am I": with no accounts yet, the worker picks themself once from
// GET /api/workers; the choice is kept in localStorage and can be changed.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';

const STORAGE_KEY = 'gridlink.worker';
const SHOWN = 30;

/** The remembered worker id, or null. */
export function rememberedId() {
  try {
    const id = Number(localStorage.getItem(STORAGE_KEY));
    return Number.isInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

function remember(id) {
  try {
    if (id) localStorage.setItem(STORAGE_KEY, String(id));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage disabled: the choice lasts for this page only.
  }
}

/**
 * Loads a worker and their grids: `{...worker, grids: [{id, code, name, level}]}`; null when
 * the worker is gone (the remembered id is then forgotten).
 */
export async function loadMe(id) {
  let worker;
  try {
    worker = await api.worker(id);
  } catch (err) {
    if (err.status === 404) {
      remember(null);
      return null;
    }
    throw err;
  }
  const grids = await Promise.all(worker.grid_ids.map(async (gid) => {
    const feature = await api.grid(gid);
    const { code, name, level } = feature.properties;
    return { id: gid, code, name, level };
  }));
  return { ...worker, grids };
}

/** The picker: a search box over every worker, filtered as one types. */
export class MePicker {
  /** `onPick(worker)` is called with the loaded worker (see `loadMe`). */
  constructor(element, onPick) {
    this.element = element;
    this.onPick = onPick;
    this.all = null;
    this.gridNames = new Map();
    this.query = '';
  }

  /** Shows the picker, loading the list the first time. */
  async show(current) {
    this.current = current;
    this.render();
    if (this.all) return;
    try {
      const [workers, grids] = await Promise.all([api.workers(), api.allGrids()]);
      for (const f of grids.features) this.gridNames.set(f.properties.id, f.properties.name);
      this.all = workers;
      this.render();
    } catch (err) {
      this.element.replaceChildren(h('p', { class: 'w-error' }, t('worker.failed', { msg: err.message })));
    }
  }

  render() {
    const input = h('input', {
      type: 'search', id: 'me-search', class: 'w-input', autocomplete: 'off',
      placeholder: t('worker.me.search'), value: this.query,
    });
    const list = h('ul', { class: 'w-me-list', id: 'me-list' });
    input.addEventListener('input', () => {
      this.query = input.value;
      this.fill(list);
    });
    this.element.replaceChildren(
      h('h2', { class: 'w-h2' }, t('worker.me.title')),
      h('p', { class: 'w-hint' }, t('worker.me.hint')),
      h('label', { class: 'visually-hidden', for: 'me-search' }, t('worker.me.search')),
      input,
      list,
    );
    this.fill(list);
  }

  fill(list) {
    if (!this.all) {
      list.replaceChildren(h('li', { class: 'w-hint' }, t('worker.loading')));
      return;
    }
    const q = this.query.trim().toLowerCase();
    const matches = this.all.filter((w) => !q || this.haystack(w).includes(q));
    const items = matches.slice(0, SHOWN).map((w) => h('li', {},
      h('button', {
        type: 'button',
        class: `w-me-option${this.current && this.current.id === w.id ? ' is-current' : ''}`,
        'data-worker-id': w.id,
        onclick: () => this.pick(w.id),
      },
      h('span', { class: 'w-me-name' }, w.name),
      h('span', { class: 'w-me-sub' }, [t(`role.${w.role}`), ...this.gridsOf(w)].join(' · ')))));
    if (!matches.length) items.push(h('li', { class: 'w-hint' }, t('worker.me.none')));
    if (matches.length > SHOWN) items.push(h('li', { class: 'w-hint' }, t('worker.me.more', { n: matches.length - SHOWN })));
    list.replaceChildren(...items);
  }

  gridsOf(w) {
    return w.grid_ids.map((id) => this.gridNames.get(id)).filter(Boolean);
  }

  haystack(w) {
    return [w.name, w.phone, w.department || '', ...this.gridsOf(w)].join(' ').toLowerCase();
  }

  async pick(id) {
    remember(id);
    this.query = '';
    const me = await loadMe(id);
    this.onPick(me);
  }
}
