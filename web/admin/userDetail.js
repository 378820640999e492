// userDetail.js — one account as the admin manages it: its facts; rename, enable or disable,
// reset the password; its grants (revoke one, grant a role on a grid or everywhere); its API
// tokens (revoke one, make one, whose secret shows this once only). After each change the
// account is read again, so the list and this view show what the service holds.

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';
import { MIN_PASSWORD } from '../kernel/session.js';
import { chinaTime } from './format.js';
import { GridField } from './gridField.js';

const TOKEN_DAYS = 90;

/** The view of `user` (a record of `/api/users`); `onChanged(user)` after every change. */
export class UserDetail {
  constructor(user, roles, { onChanged }) {
    this.kind = 'user';
    this.user = user;
    this.roles = roles;
    this.onChanged = onChanged;
    this.tokens = null;
    this.tokenError = null;
    this.fresh = null;
    this.busy = null;
    this.messages = {};
    this.inputs = {
      name: h('input', { id: 'rename', value: user.display_name, autocomplete: 'off' }),
      password: h('input', { id: 'reset-password', type: 'text', autocomplete: 'new-password', spellcheck: 'false' }),
      grantRole: h('select', { id: 'grant-role' }),
      grantGrid: new GridField({ id: 'grant-grid' }),
      tokenLabel: h('input', { id: 'token-label', autocomplete: 'off' }),
      tokenDays: h('input', { id: 'token-days', type: 'number', min: 1, max: 3650, value: TOKEN_DAYS }),
    };
    this.inputs.grantRole.replaceChildren(...roles.roles.map((r) => h('option', { value: r.name }, r.name)));
    this.element = h('article', { class: 'a-detail-user', 'data-username': user.username });
    this.loadTokens();
  }

  async loadTokens() {
    try {
      ({ tokens: this.tokens } = await api.tokens(this.user.id));
      this.tokenError = null;
    } catch (error) {
      this.tokenError = error.message;
    }
    this.redraw();
  }

  redraw() {
    this.render();
  }

  // Runs a change (`busy` names it) and says how it went in `section`'s message line;
  // the account is then read again.
  async act(busy, section, work, done) {
    this.busy = busy;
    this.messages[section] = null;
    this.redraw();
    try {
      await work();
      if (done) this.messages[section] = { key: done, kind: 'ok' };
      this.user = await api.user(this.user.id);
      this.onChanged(this.user);
    } catch (error) {
      this.messages[section] = { key: 'admin.actionFailed', params: { msg: error.message }, kind: 'error' };
    }
    this.busy = null;
    this.redraw();
  }

  render() {
    const u = this.user;
    for (const option of this.inputs.grantRole.options) option.textContent = this.roles.title(option.value);
    this.element.dataset.enabled = String(u.enabled);
    this.element.replaceChildren(
      h('header', { class: 'a-detail-head' },
        h('h2', { class: 'a-h2' }, u.display_name || u.username, ' ',
          h('span', { class: `a-chip ${u.enabled ? 'is-on' : 'is-off'}`, id: 'user-state' }, t(u.enabled ? 'users.enabled' : 'users.disabled'))),
        h('dl', { class: 'a-facts' },
          h('dt', {}, t('users.username')), h('dd', { class: 'a-code' }, u.username),
          u.worker_id ? [h('dt', {}, t('detail.workerId')), h('dd', {}, String(u.worker_id))] : null,
          u.department ? [h('dt', {}, t('detail.department')), h('dd', {}, u.department)] : null)),
      this.accountSection(),
      this.grantsSection(),
      this.tokensSection());
    return this.element;
  }

  message(section) {
    const m = this.messages[section];
    return m ? h('p', { class: `a-note is-${m.kind}`, role: m.kind === 'error' ? 'alert' : 'status', 'data-section': section },
      t(m.key, m.params)) : null;
  }

  accountSection() {
    const u = this.user;
    const busy = this.busy !== null;
    return h('section', { class: 'a-section', id: 'account-section' },
      h('h3', { class: 'a-h3' }, t('detail.account')),
      h('div', { class: 'a-inline' },
        h('label', { class: 'a-field' }, h('span', {}, t('detail.rename')), this.inputs.name),
        h('button', {
          type: 'button', class: 'a-button', id: 'rename-save', disabled: busy,
          onclick: () => this.act('rename', 'account', () => api.changeUser(u.id, { display_name: this.inputs.name.value.trim() }), 'detail.saved'),
        }, t('detail.save'))),
      h('div', { class: 'a-inline' },
        h('label', { class: 'a-field' }, h('span', {}, t('detail.newPassword')), this.inputs.password),
        h('button', { type: 'button', class: 'a-button', id: 'reset-password-button', disabled: busy, onclick: () => this.resetPassword() },
          t('detail.reset'))),
      h('div', { class: 'a-actions' },
        h('button', {
          type: 'button', class: `a-button ${u.enabled ? 'is-danger' : 'is-primary'}`, id: 'toggle-enabled', disabled: busy,
          onclick: () => this.setEnabled(!u.enabled),
        }, t(u.enabled ? 'detail.disable' : 'detail.enable'))),
      this.message('account'));
  }

  resetPassword() {
    const password = this.inputs.password.value;
    if (password.length < MIN_PASSWORD) {
      this.messages.account = { key: 'form.shortPassword', kind: 'error' };
      this.redraw();
      return;
    }
    this.act('password', 'account', async () => {
      await api.changeUser(this.user.id, { password });
      this.inputs.password.value = '';
    }, 'detail.passwordReset');
  }

  setEnabled(enabled) {
    const name = this.user.display_name || this.user.username;
    if (!enabled && !window.confirm(t('detail.disableConfirm', { name }))) return;
    this.act('enabled', 'account', () => api.changeUser(this.user.id, { enabled }), 'detail.saved');
  }

  grantsSection() {
    const u = this.user;
    const busy = this.busy !== null;
    return h('section', { class: 'a-section', id: 'grants-section' },
      h('h3', { class: 'a-h3' }, t('detail.grants')),
      u.grants.length ? h('ul', { class: 'a-grants', id: 'grant-list' }, u.grants.map((g) => h('li', {
        class: 'a-grant', 'data-role': g.role, 'data-grid': g.grid_code || '',
      },
      h('span', { class: 'a-grant-role' }, this.roles.title(g.role)),
      h('span', { class: 'a-grant-grid' }, g.grid_code ? `${g.grid_name || ''} ${g.grid_code}`.trim() : t('admin.everywhere')),
      // A grant without its id (an older service) cannot be named to revoke.
      g.id === undefined ? null : h('button', {
        type: 'button', class: 'a-button is-quiet revoke-grant', disabled: busy,
        onclick: () => this.revokeGrant(g),
      }, t('detail.revokeGrant')))))
        : h('p', { class: 'a-faint' }, t('detail.noGrants')),
      h('div', { class: 'a-inline' },
        h('label', { class: 'a-field' }, h('span', {}, t('form.role')), this.inputs.grantRole),
        h('label', { class: 'a-field' }, h('span', {}, t('form.grid')), this.inputs.grantGrid.element),
        h('button', { type: 'button', class: 'a-button is-primary', id: 'add-grant', disabled: busy, onclick: () => this.addGrant() },
          t('detail.grant'))),
      this.message('grants'));
  }

  addGrant() {
    const code = this.inputs.grantGrid.code();
    const grant = code ? { role: this.inputs.grantRole.value, grid_code: code } : { role: this.inputs.grantRole.value };
    this.act('grant', 'grants', async () => {
      await api.addGrant(this.user.id, grant);
      this.inputs.grantGrid.clear();
    });
  }

  revokeGrant(grant) {
    const label = `${this.roles.title(grant.role)} · ${grant.grid_name || grant.grid_code || t('admin.everywhere')}`;
    if (!window.confirm(t('detail.revokeGrantConfirm', { grant: label }))) return;
    this.act('revoke', 'grants', () => api.removeGrant(this.user.id, grant.id));
  }

  tokensSection() {
    const busy = this.busy !== null;
    let list;
    if (this.tokenError) list = h('p', { class: 'a-error' }, t('admin.failed', { msg: this.tokenError }));
    else if (!this.tokens) list = h('p', { class: 'a-faint' }, t('admin.loading'));
    else if (!this.tokens.length) list = h('p', { class: 'a-faint' }, t('detail.noTokens'));
    else {
      list = h('table', { class: 'a-table a-tokens', id: 'token-table' },
        h('thead', {}, h('tr', {}, ['detail.tokenLabel', 'detail.tokenCreated', 'detail.tokenExpires', 'detail.tokenState']
          .map((key) => h('th', {}, t(key))), h('th', {}))),
        h('tbody', {}, this.tokens.map((tk) => {
          const expired = !tk.revoked_at && new Date(tk.expires_at) < new Date();
          const state = tk.revoked_at ? t('detail.tokenRevoked', { at: chinaTime(tk.revoked_at) })
            : expired ? t('detail.tokenExpired') : t('detail.tokenActive');
          return h('tr', { 'data-token-id': tk.id, 'data-state': tk.revoked_at ? 'revoked' : expired ? 'expired' : 'active' },
            h('td', {}, tk.label), h('td', {}, chinaTime(tk.created_at)), h('td', {}, chinaTime(tk.expires_at)), h('td', {}, state),
            h('td', {}, tk.revoked_at || expired ? null : h('button', {
              type: 'button', class: 'a-button is-quiet revoke-token', disabled: busy, onclick: () => this.revokeToken(tk),
            }, t('detail.revokeToken'))));
        })));
    }
    return h('section', { class: 'a-section', id: 'tokens-section' },
      h('h3', { class: 'a-h3' }, t('detail.tokens')),
      h('p', { class: 'a-faint' }, t('detail.tokensHint')),
      this.fresh ? this.freshToken() : null,
      list,
      h('div', { class: 'a-inline' },
        h('label', { class: 'a-field' }, h('span', {}, t('detail.tokenLabel')), this.inputs.tokenLabel),
        h('label', { class: 'a-field a-narrow' }, h('span', {}, t('detail.days')), this.inputs.tokenDays),
        h('button', { type: 'button', class: 'a-button is-primary', id: 'create-token', disabled: busy, onclick: () => this.createToken() },
          t('detail.createToken'))),
      this.message('tokens'));
  }

  // The secret of the token just made: shown here once, never again (the service keeps a hash).
  freshToken() {
    const secret = h('input', { class: 'a-secret', id: 'token-secret', readonly: true, value: this.fresh.token });
    const copy = h('button', {
      type: 'button', class: 'a-button', id: 'copy-token',
      onclick: async () => {
        secret.select();
        try {
          await navigator.clipboard.writeText(this.fresh.token);
          copy.textContent = t('detail.copied');
        } catch {
          // No clipboard (a plain-HTTP address): the text is selected for Ctrl+C.
        }
      },
    }, t('detail.copy'));
    return h('div', { class: 'a-fresh-token', role: 'status' },
      h('p', {}, t('detail.tokenOnce')),
      h('div', { class: 'a-inline' }, secret, copy,
        h('button', {
          type: 'button', class: 'a-button is-quiet', id: 'hide-token',
          onclick: () => {
            this.fresh = null;
            this.redraw();
          },
        }, t('detail.hideToken'))));
  }

  async createToken() {
    const label = this.inputs.tokenLabel.value.trim();
    const days = Number(this.inputs.tokenDays.value) || TOKEN_DAYS;
    if (!label) {
      this.messages.tokens = { key: 'detail.needLabel', kind: 'error' };
      this.redraw();
      return;
    }
    await this.act('token', 'tokens', async () => {
      this.fresh = await api.createToken(this.user.id, label, days);
      this.inputs.tokenLabel.value = '';
    });
    await this.loadTokens();
  }

  async revokeToken(token) {
    if (!window.confirm(t('detail.revokeTokenConfirm', { label: token.label }))) return;
    await this.act('revoke-token', 'tokens', () => api.revokeToken(token.id));
    await this.loadTokens();
  }
}
