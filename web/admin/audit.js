// audit.js — the audit tab: the service's append-only trail (every change and every log-in),
// newest first, filtered by username, object type and id, and a China-time span; "load
// older" follows the service's cursor (`next_before`). A row's change opens to its before
// and after as the service recorded them.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';
import { chinaTime, instantOf } from './format.js';

const PAGE = 50;

/** Object types the trail names, offered as suggestions (any other may be typed). */
const OBJECT_TYPES = ['user', 'token', 'incidents', 'cameras', 'alerts', 'calls', 'changesets', 'workers', 'photos', 'planning', 'session'];

/** The tab in `element`. */
export class AuditView {
  constructor(element) {
    this.element = element;
    this.entries = [];
    this.next = null;
    this.state = 'idle';
    this.error = null;
    this.seq = 0;
    this.inputs = {
      user: h('input', { id: 'audit-user', type: 'search', autocomplete: 'off', spellcheck: 'false' }),
      object_type: h('input', { id: 'audit-object-type', list: 'audit-object-types', autocomplete: 'off', spellcheck: 'false' }),
      object_id: h('input', { id: 'audit-object-id', autocomplete: 'off', spellcheck: 'false' }),
      from: h('input', { id: 'audit-from', type: 'datetime-local' }),
      to: h('input', { id: 'audit-to', type: 'datetime-local' }),
    };
    this.form = h('form', { class: 'a-audit-filters', id: 'audit-filters' });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.load(true);
    });
    this.rows = h('tbody');
    this.footer = h('div', { class: 'a-audit-footer' });
    this.loaded = false;
  }

  /** Loads the first page the first time the tab is shown. */
  shown() {
    if (!this.loaded) this.load(true);
    this.loaded = true;
  }

  filter() {
    const v = (name) => this.inputs[name].value.trim();
    return {
      user: v('user'),
      object_type: v('object_type'),
      object_id: v('object_id'),
      from: instantOf(v('from')),
      to: instantOf(v('to')),
      limit: PAGE,
    };
  }

  /** The first page under the filters (`reset`), or the next older one. */
  async load(reset) {
    const seq = ++this.seq;
    this.state = 'loading';
    this.renderRows();
    try {
      const page = await api.audit({ ...this.filter(), before: reset ? undefined : this.next });
      if (seq !== this.seq) return;
      this.entries = reset ? page.entries : [...this.entries, ...page.entries];
      this.next = page.next_before;
      this.state = 'ready';
      this.error = null;
    } catch (error) {
      if (seq !== this.seq) return;
      this.state = 'error';
      this.error = error.message;
    }
    this.renderRows();
  }

  render() {
    const field = (key, input) => h('label', { class: 'a-field' }, h('span', {}, t(key)), input);
    this.form.replaceChildren(
      field('audit.user', this.inputs.user),
      field('audit.objectType', this.inputs.object_type),
      h('datalist', { id: 'audit-object-types' }, OBJECT_TYPES.map((type) => h('option', { value: type }))),
      field('audit.objectId', this.inputs.object_id),
      field('audit.from', this.inputs.from),
      field('audit.to', this.inputs.to),
      h('div', { class: 'a-actions' },
        h('button', { type: 'submit', class: 'a-button is-primary', id: 'audit-search' }, t('audit.search')),
        h('button', {
          type: 'button', class: 'a-button', id: 'audit-clear',
          onclick: () => {
            for (const input of Object.values(this.inputs)) input.value = '';
            this.load(true);
          },
        }, t('audit.clear'))));
    this.element.replaceChildren(
      this.form,
      h('p', { class: 'a-faint' }, t('audit.chinaTime')),
      h('div', { class: 'a-scroll' }, h('table', { class: 'a-table a-audit', id: 'audit-table' },
        h('thead', {}, h('tr', {}, ['audit.at', 'audit.who', 'audit.address', 'audit.request', 'audit.status', 'audit.action', 'audit.object', 'audit.change']
          .map((key) => h('th', {}, t(key))))),
        this.rows)),
      this.footer);
    this.renderRows();
  }

  renderRows() {
    this.element.dataset.state = this.state;
    this.rows.replaceChildren(...this.entries.map((e) => this.row(e)));
    const note = {
      idle: () => null,
      loading: () => h('p', { class: 'a-faint' }, t('admin.loading')),
      error: () => h('p', { class: 'a-error', role: 'alert' }, t('admin.failed', { msg: this.error })),
      ready: () => h('p', { class: 'a-faint', id: 'audit-count' }, this.entries.length ? t('audit.count', { n: this.entries.length }) : t('audit.none')),
    }[this.state]();
    const more = this.next && this.state === 'ready'
      ? h('button', { type: 'button', class: 'a-button', id: 'audit-more', onclick: () => this.load(false) }, t('audit.more'))
      : null;
    this.footer.replaceChildren(...[note, more].filter(Boolean));
  }

  row(e) {
    const failed = e.status >= 400;
    const actionKey = `audit.action.${e.action}`;
    const action = t(actionKey) === actionKey ? e.action : t(actionKey);
    return h('tr', { class: `a-audit-row${failed ? ' is-failed' : ''}`, 'data-id': e.id, 'data-action': e.action, 'data-username': e.username || '' },
      h('td', { class: 'a-nowrap' }, chinaTime(e.at)),
      h('td', {}, e.username || t('audit.anonymous'), e.token_id ? h('span', { class: 'a-sub' }, t('audit.viaToken', { id: e.token_id })) : null),
      h('td', { class: 'a-code' }, e.address || ''),
      h('td', { class: 'a-code' }, `${e.method} ${e.route}`),
      h('td', {}, h('span', { class: `a-status${failed ? ' is-failed' : ''}` }, String(e.status))),
      h('td', {}, action),
      h('td', { class: 'a-code' }, [e.object_type, e.object_id ? `#${e.object_id}` : ''].filter(Boolean).join(' ')),
      h('td', {}, change(e)));
  }
}

// Before and after, as the service recorded them, folded away.
function change(e) {
  if (e.before === null && e.after === null) return null;
  const block = (key, value) => (value === null || value === undefined ? null : [
    h('div', { class: 'a-sub' }, t(key)),
    h('pre', { class: 'a-json' }, JSON.stringify(value, null, 2)),
  ]);
  return h('details', { class: 'a-change' },
    h('summary', {}, t('audit.change')),
    block('audit.before', e.before),
    block('audit.after', e.after));
}
