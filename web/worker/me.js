// me.js — "who am I": the worker is whoever is signed in. Their account (`/api/me`) names
// the worker it is (`worker_id`); this loads that worker with their grids, and the "me" tab
// shows the person, their grids and account, with "change password" and "log out".

import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';
import { grantLabel, logOut } from '../kernel/session.js';

/** The worker `id` with their grids: `{...worker, grids: [{id, code, name, level}]}`. */
export async function loadMe(id) {
  const worker = await api.worker(id);
  const grids = await Promise.all(worker.grid_ids.map(async (gid) => {
    const feature = await api.grid(gid);
    const { code, name, level } = feature.properties;
    return { id: gid, code, name, level };
  }));
  return { ...worker, grids };
}

/** The "me" tab: who the signed-in worker is, and their account. */
export class MeView {
  /** `user` is `/api/me`'s user; `menu` the header's user menu (its password dialog). */
  constructor(element, user, menu) {
    this.element = element;
    this.user = user;
    this.menu = menu;
    this.me = null;
  }

  /** Shows `me` (the loaded worker, or null when they could not be loaded). */
  show(me) {
    this.me = me;
    this.render();
  }

  render() {
    const { me, user } = this;
    const fact = (label, value, id) => (value ? [h('dt', {}, t(label)), h('dd', id ? { id } : {}, value)] : null);
    this.element.replaceChildren(
      h('h2', { class: 'w-h2' }, t('worker.me.title')),
      me ? h('dl', { class: 'w-facts', id: 'me-facts' },
        fact('worker.me.name', me.name, 'me-facts-name'),
        fact('worker.me.role', t(`role.${me.role}`)),
        fact('worker.me.grids', me.grids.map((g) => g.name).join('、') || t('worker.me.noGrid')),
        fact('worker.me.department', me.department),
        fact('worker.me.phone', me.phone))
        : h('p', { class: 'w-error' }, t('worker.me.missing', { id: user.worker_id })),
      h('h3', { class: 'w-h3' }, t('worker.me.account')),
      h('dl', { class: 'w-facts' },
        fact('worker.me.username', user.username, 'me-username'),
        fact('worker.me.grants', user.grants.map(grantLabel).join('、'))),
      h('div', { class: 'w-form-buttons' },
        h('button', { type: 'button', class: 'w-button', id: 'me-password', onclick: () => this.menu.changePassword() },
          t('session.password')),
        h('button', { type: 'button', class: 'w-button', id: 'me-log-out', onclick: () => logOut() },
          t('session.logout'))),
    );
  }
}
