// search.js — the search box in the header: asks `/api/search` as the user types, lists
// grids and cameras (arrow keys, Enter, Escape work), and hands the chosen one on.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';

const DEBOUNCE_MS = 200;

/**
 * Wires the search box; `onGrid(grid)` and `onCamera(camera)` receive the chosen result,
 * `levelLabel(level)` names a grid's level.
 */
export class SearchBox {
  constructor(input, list, { onGrid, onCamera, levelLabel }) {
    this.levelLabel = levelLabel;
    this.input = input;
    this.list = list;
    this.onGrid = onGrid;
    this.onCamera = onCamera;
    this.items = [];
    this.active = -1;
    this.seq = 0;
    this.timer = null;
    this.pending = Promise.resolve();
    this.release = null;
    input.addEventListener('input', () => this.schedule());
    input.addEventListener('keydown', (event) => this.key(event));
    input.addEventListener('focus', () => this.items.length && this.open());
    document.addEventListener('click', (event) => {
      if (!event.target.closest || !event.target.closest('.search')) this.close();
    });
  }

  schedule() {
    clearTimeout(this.timer);
    if (this.release) this.release(); // the superseded wait ends; settled() moves on
    this.pending = new Promise((resolve) => {
      this.release = resolve;
      this.timer = setTimeout(() => {
        this.release = null;
        resolve(this.run());
      }, DEBOUNCE_MS);
    });
  }

  // Waits for the search of what is in the box now, however often the user typed meanwhile.
  async settled() {
    let pending;
    do {
      pending = this.pending;
      await pending;
    } while (pending !== this.pending);
  }

  async run() {
    const q = this.input.value.trim();
    const seq = ++this.seq;
    if (!q) {
      this.show([], null);
      return;
    }
    try {
      const result = await api.search(q, 10);
      if (seq === this.seq) this.show(flatten(result), null);
    } catch (error) {
      if (seq === this.seq) this.show([], t('search.failed', { msg: error.message }));
    }
  }

  show(items, message) {
    this.items = items;
    this.active = items.length ? 0 : -1;
    this.message = message;
    this.render();
  }

  /** Redraws the list (also after a language change). */
  render() {
    const q = this.input.value.trim();
    if (!q) {
      this.list.replaceChildren();
      this.close();
      return;
    }
    const rows = [];
    let lastKind = null;
    this.items.forEach((item, i) => {
      if (item.kind !== lastKind) {
        rows.push(h('li', { class: 'search-group', role: 'presentation' },
          t(item.kind === 'grid' ? 'search.grids' : 'search.cameras')));
        lastKind = item.kind;
      }
      rows.push(h('li', {
        id: `search-option-${i}`,
        class: `search-option${i === this.active ? ' active' : ''}`,
        role: 'option',
        'aria-selected': i === this.active ? 'true' : 'false',
        'data-kind': item.kind,
        'data-code': item.value.code,
        onmousedown: (event) => event.preventDefault(),
        onclick: () => this.choose(i),
      },
      item.kind === 'grid' ? h('span', { class: 'level-tag' }, this.levelLabel(item.value.level)) : null,
      h('span', { class: 'search-name' }, item.value.name),
      h('span', { class: 'code' }, item.value.code)));
    });
    if (!this.items.length) {
      rows.push(h('li', { class: 'search-empty', role: 'presentation' }, this.message || t('search.none')));
    }
    this.list.replaceChildren(...rows);
    this.open();
  }

  open() {
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    if (this.active >= 0) this.input.setAttribute('aria-activedescendant', `search-option-${this.active}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  async key(event) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!this.items.length) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.active = (this.active + step + this.items.length) % this.items.length;
      this.render();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      await this.settled();
      if (this.active >= 0) this.choose(this.active);
    } else if (event.key === 'Escape') {
      this.close();
    }
  }

  choose(i) {
    const item = this.items[i];
    if (!item) return;
    this.close();
    if (item.kind === 'grid') this.onGrid(item.value);
    else this.onCamera(item.value);
  }
}

function flatten(result) {
  return [
    ...(result.grids || []).map((value) => ({ kind: 'grid', value })),
    ...(result.cameras || []).map((value) => ({ kind: 'camera', value })),
  ];
}
