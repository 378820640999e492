// gridField.js — the grid code of a grant: a text input whose suggestions (a datalist) are
// the grids `/api/search` finds by name or code prefix as the admin types; what goes to the
// service is the code. Empty means everywhere.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';

const DEBOUNCE_MS = 250;
let made = 0;

/** A grid code input with suggestions; `.element` to place, `.code()` the code typed. */
export class GridField {
  constructor(attrs = {}) {
    made += 1;
    const listId = `grid-options-${made}`;
    this.options = h('datalist', { id: listId });
    this.input = h('input', {
      type: 'text', class: 'a-grid-input', list: listId, autocomplete: 'off', spellcheck: 'false',
      placeholder: t('form.gridPlaceholder'), ...attrs,
    });
    this.element = h('span', { class: 'a-grid-field' }, this.input, this.options);
    this.seq = 0;
    this.timer = null;
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.suggest(), DEBOUNCE_MS);
    });
  }

  /** The code in the box, or undefined when it is empty (a grant on everything). */
  code() {
    const text = this.input.value.trim();
    return text || undefined;
  }

  clear() {
    this.input.value = '';
    this.options.replaceChildren();
  }

  async suggest() {
    const q = this.input.value.trim();
    const seq = ++this.seq;
    if (!q) {
      this.options.replaceChildren();
      return;
    }
    try {
      const { grids } = await api.search(q, 10);
      if (seq !== this.seq) return;
      this.options.replaceChildren(...grids.map((g) => h('option', { value: g.code }, `${g.name} · ${g.code}`)));
    } catch {
      // Suggestions are a help only: the code can still be typed in full.
    }
  }
}
