// levelbox.js — view: the box atop the sidebar: the level selector, the "as of" date and time
// (both kept in the address's hash), the export link, the import picker, and a status line
// (with an action button and detail lines when there are any).

import * as api from '../kernel/api.js';
import { levelName, t } from '../kernel/i18n.js';

const $ = (id) => document.getElementById(id);

export class LevelBox {
  /**
   * `levels` from `/api/levels`; `onLevel()` hears a new level, `onAsOf()` a new date,
   * `onImport(file)` a picked file; `mayLeave()` answers whether unsaved edits may go.
   */
  constructor(levels, { onLevel, onAsOf, onImport, mayLeave }) {
    this.levels = levels;
    this.status = null;
    this.el = {
      level: $('level'), asOf: $('as-of'), asOfClear: $('as-of-clear'),
      exportLink: $('export'), importInput: $('import'), status: $('status'),
    };
    const wanted = this.readHash();
    const initial = levels.find((l) => l.level === wanted.level) || levels.at(-1);
    this.fill(initial ? initial.level : null);
    this.el.asOf.value = wanted.asOf;
    this.el.level.addEventListener('change', () => {
      if (!mayLeave()) this.el.level.value = String(this.readHash().level);
      else onLevel();
    });
    this.el.asOf.addEventListener('change', () => {
      if (!mayLeave()) this.el.asOf.value = this.readHash().asOf;
      else onAsOf();
    });
    this.el.asOfClear.addEventListener('click', () => {
      this.el.asOf.value = '';
      onAsOf();
    });
    this.el.importInput.addEventListener('change', () => {
      const file = this.el.importInput.files[0];
      this.el.importInput.value = '';
      if (file) onImport(file);
    });
  }

  /** The chosen level's number. */
  level() {
    return Number(this.el.level.value);
  }

  /** The chosen level's record, and the one above it (none for the top level). */
  records() {
    const level = this.level();
    return {
      record: this.levels.find((l) => l.level === level),
      parent: this.levels.filter((l) => l.level < level).at(-1),
    };
  }

  /** The "as of" input's value ("2026-12-01T08:30"), empty for now. */
  asOf() {
    return this.el.asOf.value;
  }

  readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    return { level: Number(p.get('level')) || null, asOf: p.get('as_of') || '' };
  }

  /** Keeps the level and date in the address; points the export link at the level. */
  remember() {
    const p = new URLSearchParams({ level: this.el.level.value });
    if (this.asOf()) p.set('as_of', this.asOf());
    history.replaceState(null, '', `#${p}`);
    this.el.exportLink.href = api.gridsExportUrl(this.level());
  }

  fill(selected) {
    this.el.level.replaceChildren(...this.levels.map((l) => Object.assign(document.createElement('option'), {
      value: String(l.level), textContent: `${l.level} · ${levelName(l)}`, selected: l.level === selected,
    })));
  }

  /** Read-only while looking at the past: no import. */
  setReadOnly(readOnly) {
    this.el.importInput.disabled = readOnly;
    this.el.asOfClear.hidden = !readOnly;
  }

  /** Whether the import picker is offered at all (the user may import levels). */
  setImport(allowed) {
    this.el.importInput.closest('.p-row').hidden = !allowed;
  }

  /**
   * Shows the status line: `key` and `params` of the string (params may be a function, so a
   * language change rewrites it), a kind, an action `{key, run}`, and detail lines.
   */
  say(key, params = {}, kind = '', action = null, details = []) {
    this.status = { key, params, kind, action, details };
    this.renderStatus();
  }

  /** Labels after a change of language. */
  relabel() {
    this.fill(this.level());
    this.renderStatus();
  }

  renderStatus() {
    const { status } = this.el;
    if (!this.status) {
      status.replaceChildren();
      return;
    }
    const { key, params, kind, action, details } = this.status;
    const text = document.createElement('span');
    text.textContent = t(key, typeof params === 'function' ? params() : params);
    status.className = `p-status ${kind ? `is-${kind}` : ''}`;
    status.replaceChildren(text);
    if (action) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'p-button is-quiet';
      button.textContent = t(action.key);
      button.addEventListener('click', action.run);
      status.append(' ', button);
    }
    if (details && details.length) {
      const list = document.createElement('ul');
      list.className = 'p-list p-details';
      for (const line of details) list.append(Object.assign(document.createElement('li'), { textContent: line }));
      status.append(list);
    }
  }
}
