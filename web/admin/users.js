// users.js — the users tab: every account (filtered as one types: username, name, role or
// grid), and beside the list either the chosen account (userDetail.js) or the new-user form
// (userForm.js). A change made there updates its row.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';
import { NewUserForm } from './userForm.js';
import { UserDetail } from './userDetail.js';

/** The tab in `element`; `roles` is a RoleTitles of `/api/roles`. */
export class UsersView {
  constructor(element, roles) {
    this.element = element;
    this.roles = roles;
    this.users = null;
    this.error = null;
    this.detail = null;
    this.filter = h('input', { type: 'search', id: 'user-filter', class: 'a-filter', autocomplete: 'off', spellcheck: 'false' });
    this.filter.addEventListener('input', () => this.renderRows());
    this.rows = h('tbody');
    this.count = h('p', { class: 'a-faint', id: 'user-count' });
    this.side = h('div', { class: 'a-detail', id: 'user-detail' });
    this.render();
    this.load();
  }

  async load() {
    try {
      ({ users: this.users } = await api.users());
      this.error = null;
    } catch (error) {
      this.error = error.message;
    }
    this.render();
  }

  /** Shows the account `id` beside the list. */
  select(id) {
    const user = this.users.find((u) => u.id === id);
    if (!user) return;
    this.detail = new UserDetail(user, this.roles, { onChanged: (changed) => this.changed(changed) });
    this.render();
  }

  newUser() {
    this.detail = new NewUserForm(this.roles, {
      onCreated: (user) => {
        this.users.push(user);
        this.select(user.id);
      },
      onCancel: () => {
        this.detail = null;
        this.render();
      },
    });
    this.render();
  }

  changed(user) {
    const i = this.users.findIndex((u) => u.id === user.id);
    if (i >= 0) this.users[i] = user;
    this.renderRows();
  }

  render() {
    this.filter.placeholder = t('users.filter');
    this.element.replaceChildren(h('div', { class: 'a-split' },
      h('div', { class: 'a-list' },
        h('div', { class: 'a-toolbar' },
          this.filter,
          h('button', { type: 'button', class: 'a-button is-primary', id: 'new-user', disabled: !this.users, onclick: () => this.newUser() },
            `+ ${t('users.new')}`)),
        this.error ? h('p', { class: 'a-error', role: 'alert' }, t('admin.failed', { msg: this.error })) : null,
        h('table', { class: 'a-table a-users', id: 'user-table' },
          h('thead', {}, h('tr', {}, ['users.username', 'users.displayName', 'users.grants', 'users.status'].map((key) => h('th', {}, t(key))))),
          this.rows),
        this.count),
      this.side));
    this.side.replaceChildren(this.detail ? this.detail.render() : h('p', { class: 'a-faint a-pad' }, t('users.pick')));
    this.renderRows();
  }

  renderRows() {
    if (!this.users) {
      this.rows.replaceChildren(h('tr', {}, h('td', { colspan: 4, class: 'a-faint' }, this.error ? '' : t('admin.loading'))));
      this.count.textContent = '';
      return;
    }
    const q = this.filter.value.trim().toLowerCase();
    const shown = this.users
      .filter((u) => !q || this.haystack(u).includes(q))
      .sort((a, b) => a.username.localeCompare(b.username, 'en', { numeric: true }));
    const selected = this.detail && this.detail.kind === 'user' ? this.detail.user.id : null;
    this.rows.replaceChildren(...shown.map((u) => h('tr', {
      class: `a-user-row${u.id === selected ? ' is-selected' : ''}${u.enabled ? '' : ' is-disabled'}`,
      'data-username': u.username,
      tabindex: '0',
      onclick: () => this.select(u.id),
      onkeydown: (event) => {
        if (event.key === 'Enter') this.select(u.id);
      },
    },
    h('td', { class: 'a-code' }, u.username),
    h('td', {}, u.display_name),
    h('td', {}, u.grants.map((g) => h('span', { class: 'a-grant-tag' },
      `${this.roles.title(g.role)} · ${g.grid_name || g.grid_code || t('admin.everywhere')}`))),
    h('td', {}, h('span', { class: `a-chip ${u.enabled ? 'is-on' : 'is-off'}` }, t(u.enabled ? 'users.enabled' : 'users.disabled'))))));
    this.count.textContent = shown.length ? t('users.count', { n: shown.length }) : t('users.none');
  }

  haystack(u) {
    return [u.username, u.display_name, u.department || '',
      ...u.grants.flatMap((g) => [g.role, this.roles.title(g.role), g.grid_name || '', g.grid_code || ''])].join(' ').toLowerCase();
  }
}
