// session.js — who is signed in, for every page: `signedIn()` asks `/api/me` as the page
// starts and sends anyone not signed in to the log-in page, which brings them back; what the
// user's permissions allow (`may`, the steps of an incident, the pages); the user menu in
// the header (who, roles and grids, change password, log out); and the notice a page shows
// an account that may not use it. The service checks every request anyway: this only keeps
// the pages from offering what it would refuse.

import * as api from './api.js';
import { h } from './dom.js';
import { onLangChange, t } from './i18n.js';

/** Where the log-in page is served. */
export const LOGIN_PATH = '/login/';

/** Shortest password the service accepts (MIN_PASSWORD_CHARS). */
export const MIN_PASSWORD = 10;

/** Whether `user` has any one of `permissions` (on some grid: `/api/me` says no more). */
export function may(user, ...permissions) {
  return Boolean(user) && permissions.some((p) => user.permissions.includes(p));
}

/**
 * The permissions that allow each step of an incident (src/domain/access.rs). Return and
 * escalate are the dispatcher's (派遣) by the permission's words, but the one doing the
 * work sends a case back or up too, so handling allows them as well.
 */
const STEP_PERMISSIONS = {
  accept: ['incidents.accept'],
  reject: ['incidents.accept'],
  dispatch: ['incidents.dispatch'],
  approve_extension: ['incidents.dispatch'],
  deny_extension: ['incidents.dispatch'],
  return: ['incidents.dispatch', 'incidents.handle'],
  escalate: ['incidents.dispatch', 'incidents.handle'],
  start_handling: ['incidents.handle'],
  report_handled: ['incidents.handle'],
  request_extension: ['incidents.handle'],
  verify: ['incidents.verify'],
  close: ['incidents.verify'],
  reopen: ['incidents.verify'],
  archive: ['incidents.archive'],
};

/** Whether `user` may take step `action` of an incident. */
export function mayStep(user, action) {
  const needs = STEP_PERMISSIONS[action];
  return Boolean(needs) && may(user, ...needs);
}

/** The pages: where each is served, its link's string, and who may use it. */
export const PAGES = [
  { name: 'map', path: '/', label: 'map.link', allowed: () => true },
  { name: 'stats', path: '/stats/', label: 'stats.link', allowed: (u) => may(u, 'stats.read') },
  { name: 'worker', path: '/worker/', label: 'worker.link', allowed: (u) => u.worker_id !== null && u.worker_id !== undefined },
  { name: 'planner', path: '/planner/', label: 'planner.link', allowed: (u) => may(u, 'changesets.read') },
  { name: 'admin', path: '/admin/', label: 'admin.link', allowed: (u) => may(u, 'users.manage', 'audit.read') },
];

/** Whether `user` may use page `name`. */
export function mayOpen(user, name) {
  const page = PAGES.find((p) => p.name === name);
  return Boolean(page) && page.allowed(user);
}

/** Where a user goes after logging in when they came from nowhere in particular. */
export function landingPage(user) {
  if (mayOpen(user, 'worker')) return '/worker/';
  if (may(user, 'users.manage')) return '/admin/';
  if (may(user, 'changesets.propose')) return '/planner/';
  if (may(user, 'incidents.read', 'incidents.read_department', 'alerts.read', 'cameras.read')) return '/';
  if (may(user, 'stats.read')) return '/stats/';
  return '/';
}

/** `next` when it is a path of this site (never another site, nor the log-in page), else null. */
export function safeNext(next) {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  const url = new URL(next, location.origin);
  if (url.origin !== location.origin || url.pathname.startsWith(LOGIN_PATH)) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The log-in page's address, coming back to `next` (a path of this site) when given. */
export function loginUrl(next) {
  return next ? `${LOGIN_PATH}?${new URLSearchParams({ next })}` : LOGIN_PATH;
}

function here() {
  return `${location.pathname}${location.search}${location.hash}`;
}

function toLogin() {
  location.replace(loginUrl(here()));
}

/**
 * The signed-in user (`/api/me`'s `user`, with `permissions`). Nobody signed in: the page
 * goes to the log-in page and this never settles, so the page's start-up simply stops; a
 * later 401 (the session ended) does the same. Any other failure is shown, and never settles.
 */
export async function signedIn() {
  let user;
  try {
    ({ user } = await api.me());
  } catch (error) {
    if (error.status === 401) toLogin();
    else notice(() => [h('p', {}, t('session.failed', { msg: error.message }))]);
    return new Promise(() => {});
  }
  api.onUnauthenticated(toLogin);
  document.body.dataset.user = user.username;
  return user;
}

/**
 * Shows the page to `user` if they may use page `name` (answers true); otherwise covers it
 * with a notice linking the pages they may use (answers false).
 */
export function guardPage(user, name) {
  if (mayOpen(user, name)) return true;
  document.body.dataset.access = 'denied';
  notice(() => [
    h('p', { class: 'session-notice-title' }, t('session.noAccess', { name: user.display_name || user.username })),
    h('p', {}, t('session.noAccessHint')),
    h('ul', { class: 'session-notice-links' }, PAGES.filter((p) => p.allowed(user)).map((p) => h('li', {},
      h('a', { href: p.path }, t(p.label))))),
  ]);
  return false;
}

// A notice over the page below its header, redrawn on a change of language.
function notice(content) {
  const box = h('div', { class: 'session-notice', role: 'alert' });
  const render = () => box.replaceChildren(...content());
  render();
  onLangChange(render);
  document.body.append(box);
}

/** Hides the header's links (`a[data-page]`) to pages `user` may not use. */
export function showPageLinks(user) {
  for (const link of document.querySelectorAll('a[data-page]')) link.hidden = !mayOpen(user, link.dataset.page);
}

/** A role's title in the current language; its name when the page has no string for it. */
export function roleTitle(role) {
  const key = `account.role.${role}`;
  const title = t(key);
  return title === key ? role : title;
}

/** A grant as "调度员 · 茂花村": the role and the grid it covers (everywhere without one). */
export function grantLabel(grant) {
  const where = grant.grid_name || grant.grid_code || t('account.everywhere');
  return `${roleTitle(grant.role)} · ${where}`;
}

/**
 * Puts the user menu into the header, just before `before` (the language switch), and the
 * links the user may follow; answers the menu.
 */
export function mountUserMenu(user, before) {
  const menu = new UserMenu(user);
  before.before(menu.element);
  showPageLinks(user);
  return menu;
}

/** The header's user menu: a button with the user's name opening who they are and what they may do. */
class UserMenu {
  constructor(user) {
    this.user = user;
    this.dialog = null;
    this.button = h('button', {
      type: 'button', class: 'user-menu-button', id: 'user-menu-button',
      'aria-haspopup': 'true', 'aria-expanded': 'false', 'aria-controls': 'user-menu',
      onclick: () => this.toggle(),
    });
    this.panel = h('div', { class: 'user-menu-panel', id: 'user-menu', hidden: true });
    this.element = h('div', { class: 'user-menu' }, this.button, this.panel);
    document.addEventListener('click', (event) => {
      if (!this.panel.hidden && !this.element.contains(event.target)) this.toggle(false);
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !this.panel.hidden) {
        this.toggle(false);
        this.button.focus();
      }
    });
    onLangChange(() => this.render());
    this.render();
  }

  toggle(open = this.panel.hidden) {
    this.panel.hidden = !open;
    this.button.setAttribute('aria-expanded', String(open));
  }

  render() {
    const u = this.user;
    const name = u.display_name || u.username;
    this.button.title = t('session.menu');
    this.button.replaceChildren(
      h('span', { class: 'user-avatar', 'aria-hidden': 'true' }, [...name][0]),
      h('span', { class: 'user-name' }, name));
    this.panel.replaceChildren(
      h('div', { class: 'user-menu-who' },
        h('strong', { class: 'user-menu-name' }, name),
        h('span', { class: 'user-menu-username' }, `${t('session.username')}:${u.username}`),
        u.department ? h('span', { class: 'user-menu-department' }, `${t('session.department')}:${u.department}`) : null),
      h('div', { class: 'user-menu-label' }, t('session.roles')),
      u.grants.length
        ? h('ul', { class: 'user-menu-grants' }, u.grants.map((g) => h('li', { 'data-role': g.role }, grantLabel(g))))
        : h('p', { class: 'user-menu-none' }, t('session.noRoles')),
      h('div', { class: 'user-menu-actions' },
        h('button', { type: 'button', id: 'change-password', onclick: () => this.changePassword() }, t('session.password')),
        h('button', { type: 'button', id: 'log-out', onclick: () => logOut() }, t('session.logout'))));
  }

  changePassword() {
    this.toggle(false);
    if (!this.dialog) this.dialog = new PasswordDialog();
    this.dialog.open();
  }
}

/** Ends the session and goes to the log-in page, without a way back: the next user may be someone else. */
export async function logOut() {
  await api.logOut().catch(() => {});
  location.assign(LOGIN_PATH);
}

/** The "change password" dialog: current password, the new one twice. */
class PasswordDialog {
  constructor() {
    this.inputs = {
      current: h('input', { type: 'password', id: 'password-current', autocomplete: 'current-password', required: true }),
      next: h('input', { type: 'password', id: 'password-new', autocomplete: 'new-password', minlength: MIN_PASSWORD, required: true }),
      repeat: h('input', { type: 'password', id: 'password-repeat', autocomplete: 'new-password', minlength: MIN_PASSWORD, required: true }),
    };
    this.element = h('dialog', { class: 'session-dialog', id: 'password-dialog', 'aria-labelledby': 'password-title' });
    this.element.addEventListener('close', () => this.reset());
    document.body.append(this.element);
    onLangChange(() => this.render());
    this.reset();
  }

  open() {
    this.reset();
    this.element.showModal();
    this.inputs.current.focus();
  }

  reset() {
    for (const input of Object.values(this.inputs)) input.value = '';
    this.state = { busy: false, error: null, done: false };
    this.render();
  }

  render() {
    const { busy, error, done } = this.state;
    const field = (key, input) => h('label', { class: 'session-field' }, h('span', {}, t(key)), input);
    const close = () => this.element.close();
    this.element.replaceChildren(h('form', {
      method: 'dialog',
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        if (!done) this.save();
      },
    },
    h('h2', { id: 'password-title' }, t('session.password')),
    done ? h('p', { class: 'session-ok', role: 'status', id: 'password-done' }, t('session.pw.done')) : [
      field('session.pw.current', this.inputs.current),
      field('session.pw.new', this.inputs.next),
      field('session.pw.repeat', this.inputs.repeat),
    ],
    error ? h('p', { class: 'session-error', role: 'alert', id: 'password-error' }, t(error.key, error.params)) : null,
    h('div', { class: 'session-buttons' }, done
      ? h('button', { type: 'button', class: 'primary', onclick: close }, t('session.pw.close'))
      : [
        h('button', { type: 'button', onclick: close }, t('session.pw.cancel')),
        h('button', { type: 'submit', class: 'primary', id: 'password-save', disabled: busy },
          busy ? t('session.pw.saving') : t('session.pw.save')),
      ])));
  }

  async save() {
    const { current, next, repeat } = this.inputs;
    const problem = next.value.length < MIN_PASSWORD ? 'session.pw.short'
      : next.value !== repeat.value ? 'session.pw.mismatch' : null;
    if (problem) {
      this.state.error = { key: problem };
      this.render();
      return;
    }
    this.state = { busy: true, error: null, done: false };
    this.render();
    try {
      // The service ends every session of the account and answers with a new cookie.
      await api.changePassword(current.value, next.value);
      this.state = { busy: false, error: null, done: true };
    } catch (error) {
      const message = error.code === 'invalid_credentials' ? { key: 'session.pw.wrong' }
        : { key: 'session.pw.failed', params: { msg: error.message } };
      this.state = { busy: false, error: message, done: false };
    }
    this.render();
  }
}
