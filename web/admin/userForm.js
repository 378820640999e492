// userForm.js — making an account: username, name, first password, the grid worker it is
// (for a worker's phone page) and department (for department staff), and its grants, each a
// role from `/api/roles` on a grid (or everywhere). The inputs outlive a redraw, so a
// language switch keeps what was typed.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';
import { MIN_PASSWORD } from '../kernel/session.js';
import { GridField } from './gridField.js';

/** The new-user form; `onCreated(user)` once the service made it, `onCancel()`. */
export class NewUserForm {
  constructor(roles, { onCreated, onCancel }) {
    this.kind = 'new';
    this.roles = roles;
    this.onCreated = onCreated;
    this.onCancel = onCancel;
    this.inputs = {
      username: h('input', { id: 'new-username', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' }),
      displayName: h('input', { id: 'new-display-name', autocomplete: 'off' }),
      password: h('input', { id: 'new-password', type: 'text', autocomplete: 'new-password', spellcheck: 'false' }),
      workerId: h('input', { id: 'new-worker-id', type: 'number', min: 1, step: 1, inputmode: 'numeric' }),
      department: h('input', { id: 'new-department', autocomplete: 'off' }),
    };
    this.grants = [];
    this.addGrant();
    this.busy = false;
    this.error = null;
    this.element = h('form', { class: 'a-form', id: 'new-user-form', novalidate: true });
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  addGrant() {
    const role = h('select', { class: 'grant-role' },
      h('option', { value: '' }, '—'),
      this.roles.roles.map((r) => h('option', { value: r.name }, this.roles.title(r.name))));
    this.grants.push({ role, grid: new GridField({ class: 'a-grid-input grant-grid' }) });
  }

  render() {
    const field = (key, input) => h('label', { class: 'a-field' }, h('span', {}, t(key)), input);
    for (const { role } of this.grants) {
      for (const option of role.options) if (option.value) option.textContent = this.roles.title(option.value);
    }
    this.element.replaceChildren(...[
      h('h2', { class: 'a-h2' }, t('form.title')),
      h('div', { class: 'a-grid-2' },
        field('form.username', this.inputs.username),
        field('form.displayName', this.inputs.displayName),
        field('form.password', this.inputs.password),
        field('form.workerId', this.inputs.workerId),
        field('form.department', this.inputs.department)),
      h('h3', { class: 'a-h3' }, t('form.grants')),
      h('ul', { class: 'a-grant-rows' }, this.grants.map((g, i) => h('li', { class: 'a-grant-row' },
        h('label', { class: 'a-field' }, h('span', {}, t('form.role')), g.role),
        h('label', { class: 'a-field' }, h('span', {}, t('form.grid')), g.grid.element),
        h('button', {
          type: 'button', class: 'a-button is-quiet', title: t('form.removeGrant'), 'aria-label': t('form.removeGrant'),
          onclick: () => {
            this.grants.splice(i, 1);
            this.render();
          },
        }, '×')))),
      h('button', {
        type: 'button', class: 'a-button is-quiet', id: 'add-grant-row',
        onclick: () => {
          this.addGrant();
          this.render();
        },
      }, `+ ${t('form.addGrant')}`),
      this.error ? h('p', { class: 'a-error', role: 'alert', id: 'new-user-error' }, this.error) : null,
      h('div', { class: 'a-actions' },
        h('button', { type: 'submit', class: 'a-button is-primary', id: 'create-user', disabled: this.busy },
          this.busy ? t('form.creating') : t('form.create')),
        h('button', { type: 'button', class: 'a-button', onclick: () => this.onCancel() }, t('form.cancel'))),
    ].filter(Boolean));
    return this.element;
  }

  // The request body, or a string saying what is missing.
  body() {
    const v = Object.fromEntries(Object.entries(this.inputs).map(([k, input]) => [k, input.value.trim()]));
    if (!v.username) return t('form.needUsername');
    if (this.inputs.password.value.length < MIN_PASSWORD) return t('form.shortPassword');
    const workerId = v.workerId ? Number(v.workerId) : null;
    if (workerId !== null && !(Number.isInteger(workerId) && workerId > 0)) return t('form.badWorker');
    return {
      username: v.username,
      display_name: v.displayName,
      password: this.inputs.password.value,
      ...(workerId ? { worker_id: workerId } : {}),
      ...(v.department ? { department: v.department } : {}),
      grants: this.grants.filter((g) => g.role.value).map((g) => {
        const code = g.grid.code();
        return code ? { role: g.role.value, grid_code: code } : { role: g.role.value };
      }),
    };
  }

  async submit() {
    const body = this.body();
    if (typeof body === 'string') {
      this.error = body;
      this.render();
      return;
    }
    this.busy = true;
    this.error = null;
    this.render();
    try {
      const user = await api.createUser(body);
      this.onCreated(user);
      return;
    } catch (error) {
      this.error = t('admin.actionFailed', { msg: error.message });
    }
    this.busy = false;
    this.render();
  }
}
