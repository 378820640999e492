// main.js — start-up of the admin page: who is signed in (users.manage or audit.read, or a
// notice), the roles from `/api/roles`, and the two tabs — users (users.manage) and the
// audit log (audit.read) — each shown only to those who may use it.

import './strings.js';
import * as api from '../kernel/api.js';
import { applyToDocument, onLangChange, t, wireLanguageSwitch } from '../kernel/i18n.js';
import { guardPage, may, mountUserMenu, signedIn } from '../kernel/session.js';
import { AuditView } from './audit.js';
import { RoleTitles } from './format.js';
import { UsersView } from './users.js';

const $ = (id) => document.getElementById(id);

/** The tabs: which exist for this user, and the view behind each. */
const tabs = new Map();

function show(name) {
  for (const [tabName, { button, panel }] of tabs) {
    const on = tabName === name;
    button.setAttribute('aria-selected', String(on));
    button.tabIndex = on ? 0 : -1;
    panel.hidden = !on;
  }
  const { view } = tabs.get(name);
  if (view.shown) view.shown();
  document.body.dataset.tab = name;
}

async function start() {
  applyToDocument();
  wireLanguageSwitch($('lang-switch'));
  const user = await signedIn();
  mountUserMenu(user, $('lang-switch'));
  if (!guardPage(user, 'admin')) return;

  if (may(user, 'users.manage')) {
    let roles;
    try {
      ({ roles } = await api.roles());
    } catch (error) {
      $('users').textContent = t('admin.failed', { msg: error.message });
      roles = [];
    }
    tabs.set('users', { button: $('tab-users'), panel: $('users'), view: new UsersView($('users'), new RoleTitles(roles)) });
  } else {
    $('tab-users').hidden = true;
  }
  if (may(user, 'audit.read')) {
    const view = new AuditView($('audit'));
    view.render();
    tabs.set('audit', { button: $('tab-audit'), panel: $('audit'), view });
  } else {
    $('tab-audit').hidden = true;
  }
  for (const [name, { button }] of tabs) button.addEventListener('click', () => show(name));
  onLangChange(() => {
    for (const { view } of tabs.values()) view.render();
  });
  show(tabs.keys().next().value);
  document.body.dataset.ready = 'true';
}

start();
