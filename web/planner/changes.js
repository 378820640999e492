// changes.js — view: what the planner changed (reshaped, retired and new grids, new grids'
// names), the reason (required), "check and preview" (proposes the change set to the
// service, which records who is signed in as its author) and "undo all".

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';

export class Changes {
  /**
   * `onPick(item)` shows a changed grid; `onReload()` reloads the level after a conflict;
   * `onUndo()` drops every change.
   */
  constructor(element, plan, preview, { onPick, onReload, onUndo }) {
    this.element = element;
    this.plan = plan;
    this.preview = preview;
    this.onPick = onPick;
    this.onReload = onReload;
    this.onUndo = onUndo;
    this.busy = false;
    this.readOnly = false;
    this.list = h('ul', { class: 'p-list p-changes', id: 'change-list' });
    this.reason = h('textarea', { id: 'reason', rows: 2, required: true, placeholder: t('planner.reasonPlaceholder') });
    this.check = h('button', { type: 'button', id: 'check', class: 'p-button is-primary', onclick: () => this.propose() }, t('planner.check'));
    this.undo = h('button', { type: 'button', id: 'undo-all', class: 'p-button', onclick: () => this.onUndo() }, t('planner.undoAll'));
    this.message = h('p', { class: 'p-note', id: 'changes-message', 'aria-live': 'polite', hidden: true });
    this.labels = {
      title: h('h2', { class: 'p-h' }),
      reason: h('span'),
    };
    element.replaceChildren(
      this.labels.title, this.list,
      h('label', { class: 'p-field' }, this.labels.reason, this.reason),
      h('div', { class: 'p-actions' }, this.check, this.undo),
      this.message,
    );
    plan.onChange(() => this.render());
    this.relabel();
  }

  /** Strings after a change of language. */
  relabel() {
    this.labels.title.textContent = t('planner.changes');
    this.labels.reason.textContent = t('planner.reason');
    this.reason.placeholder = t('planner.reasonPlaceholder');
    this.check.textContent = this.busy ? t('planner.checking') : t('planner.check');
    this.undo.textContent = t('planner.undoAll');
    this.render();
  }

  /** The reason the planner wrote (trimmed). */
  reasonText() {
    return this.reason.value.trim();
  }

  setReadOnly(readOnly) {
    this.readOnly = readOnly;
    this.element.hidden = readOnly;
  }

  say(text, kind, reload = false) {
    this.message.hidden = !text;
    this.message.className = `p-note ${kind ? `is-${kind}` : ''}`;
    this.message.replaceChildren(text || '', reload ? ' ' : '', reload
      ? h('button', { type: 'button', class: 'p-button is-quiet', onclick: () => this.onReload() }, t('planner.reload'))
      : '');
  }

  render() {
    const changes = this.plan.changes();
    const rows = changes.map((item) => h('li', { 'data-state': item.state, 'data-key': item.key },
      h('span', { class: `p-chip is-${item.state}` }, t(`planner.change.${item.state}`)), ' ',
      item.state === 'new'
        ? h('input', {
          type: 'text', class: 'p-inline', value: item.name || '', 'aria-label': t('planner.newName'),
          placeholder: t('planner.newName'),
          onchange: (e) => { item.name = e.target.value; this.plan.emit('edit'); },
        })
        : h('button', { type: 'button', class: 'p-linkish', onclick: () => this.onPick(item) },
          item.props.name, ' ', h('span', { class: 'p-code' }, item.props.code))));
    this.list.replaceChildren(...(rows.length ? rows : [h('li', { class: 'p-faint' }, t('planner.noChanges'))]));
    this.check.disabled = this.busy || !changes.length;
    this.undo.disabled = this.busy || !changes.length;
  }

  /** Proposes the changes: the preview shows the change set, its problems and impact. */
  async propose() {
    const reason = this.reasonText();
    if (!reason) {
      this.say(t('planner.reasonRequired'), 'error');
      this.reason.focus();
      return;
    }
    const grids = this.plan.entries();
    if (!grids.length) {
      this.say(t('planner.nothingToCheck'), 'error');
      return;
    }
    this.busy = true;
    this.relabel();
    this.say(t('planner.checking'));
    try {
      const changeset = await api.proposeChangeset({ reason, grids });
      this.say('');
      this.preview.show(changeset);
    } catch (err) {
      if (err.status === 412) this.say(t('planner.stale', { msg: err.message }), 'error', true);
      else this.say(t('planner.checkFailed', { msg: err.message }), 'error');
    }
    this.busy = false;
    this.relabel();
  }
}
