// main.js — start-up of the worker page: language, who is signed in (the worker is their
// account's `worker_id`; anyone else is told the page is not theirs), the three tabs
// (incidents, report, me) and what moves between them; the incoming call card and the
// position sender follow the worker. Each part needs its permission: no report tab without
// incidents.report, no calls without calls.answer, no position without positions.report.

import './strings.js';
import { h } from '../kernel/dom.js';
import { applyToDocument, onLangChange, t, wireLanguageSwitch } from '../kernel/i18n.js';
import { guardPage, may, mountUserMenu, signedIn } from '../kernel/session.js';
import { CallCard } from './call.js';
import { MeView, loadMe } from './me.js';
import { PositionSender } from './position.js';
import { Report } from './report.js';
import { Tasks } from './tasks.js';

const views = ['tasks', 'report', 'me'];
let me = null;
let current = 'tasks';
let tasks;
let report;
let position;
let callCard;
let meView;

/** Builds the views for the signed-in `user`; `menu` is the header's user menu. */
function build(user, menu) {
  tasks = new Tasks(document.getElementById('view-tasks'), user);
  report = new Report(document.getElementById('view-report'), (id) => {
    show('tasks');
    tasks.open(id);
  });
  position = new PositionSender(document.getElementById('position-status'));
  callCard = new CallCard(document.getElementById('call-card'), {
    onAccepted: () => {
      position.sendNow();
      if (current === 'tasks') tasks.show(me);
    },
    onOpenCase: (id) => {
      show('tasks', { reload: false });
      tasks.open(id);
    },
  });
  meView = new MeView(document.getElementById('view-me'), user, menu);
  if (!may(user, 'incidents.report')) document.querySelector('.w-tab[data-view="report"]').hidden = true;
}

// The worker is known: the bar, their calls and the position reports follow.
function follow(user) {
  renderMeBar();
  if (may(user, 'calls.answer')) callCard.watch(me);
  if (may(user, 'positions.report')) position.start(me);
}

function renderMeBar() {
  const bar = document.getElementById('me-bar');
  bar.dataset.workerId = me ? me.id : '';
  if (!me) {
    bar.replaceChildren(h('span', { class: 'w-me-sub' }, t('worker.me.title')));
    return;
  }
  const grids = me.grids.map((g) => g.name).join('、') || t('worker.me.noGrid');
  bar.replaceChildren(
    h('span', { class: 'w-me-avatar', 'aria-hidden': 'true' }, me.name.slice(0, 1)),
    h('span', { class: 'w-me-text' },
      h('span', { class: 'w-me-name', id: 'me-name' }, me.name),
      h('span', { class: 'w-me-sub', id: 'me-grid' }, `${t(`role.${me.role}`)} · ${grids}`)),
    h('span', { class: 'w-me-change', 'aria-hidden': 'true' }, '›'));
}

/** Switches to a tab: 'tasks', 'report' or 'me'. */
function show(view, { reload = true } = {}) {
  current = view;
  for (const name of views) {
    document.getElementById(`view-${name}`).hidden = name !== view;
    const tab = document.querySelector(`.w-tab[data-view="${name}"]`);
    tab.setAttribute('aria-selected', String(name === view));
  }
  if (view === 'me') meView.show(me);
  else if (view === 'report') report.show(me);
  else if (reload) tasks.show(me);
  window.scrollTo(0, 0);
}

async function start() {
  applyToDocument();
  wireLanguageSwitch(document.getElementById('lang-switch'));
  const user = await signedIn();
  const menu = mountUserMenu(user, document.getElementById('lang-switch'));
  if (!guardPage(user, 'worker')) return;
  build(user, menu);
  onLangChange(() => {
    renderMeBar();
    callCard.render();
    position.render();
    if (current === 'me') meView.render();
    else if (current === 'report') report.relabel();
    else tasks.refresh();
  });
  for (const tab of document.querySelectorAll('.w-tab')) tab.addEventListener('click', () => show(tab.dataset.view));
  document.getElementById('me-bar').addEventListener('click', () => show('me'));
  try {
    me = await loadMe(user.worker_id);
  } catch (err) {
    document.getElementById('view-tasks').replaceChildren(h('p', { class: 'w-error w-pad' }, t('worker.failed', { msg: err.message })));
  }
  follow(user);
  show(me ? 'tasks' : 'me');
  document.body.dataset.ready = 'true';
}

start();
