// main.js — start-up of the worker page: language, who am I, the three tabs (incidents,
// report, me) and what moves between them; the incoming call card and the position sender
// follow whoever is picked.

import './strings.js';
import { h } from '../kernel/dom.js';
import { applyToDocument, onLangChange, t, wireLanguageSwitch } from '../kernel/i18n.js';
import { CallCard } from './call.js';
import { MePicker, loadMe, rememberedId } from './me.js';
import { PositionSender } from './position.js';
import { Report } from './report.js';
import { Tasks } from './tasks.js';

const views = ['tasks', 'report', 'me'];
let me = null;
let current = 'tasks';

const tasks = new Tasks(document.getElementById('view-tasks'));
const report = new Report(document.getElementById('view-report'), (id) => {
  show('tasks');
  tasks.open(id);
});
const position = new PositionSender(document.getElementById('position-status'));
const callCard = new CallCard(document.getElementById('call-card'), {
  onAccepted: () => {
    position.sendNow();
    if (current === 'tasks') tasks.show(me);
  },
  onOpenCase: (id) => {
    show('tasks', { reload: false });
    tasks.open(id);
  },
});
const picker = new MePicker(document.getElementById('view-me'), (worker) => {
  me = worker;
  follow();
  show('tasks');
});

// Who is picked: the bar, their calls and the position reports follow.
function follow() {
  renderMeBar();
  callCard.watch(me);
  position.start(me);
}

function renderMeBar() {
  const bar = document.getElementById('me-bar');
  bar.dataset.workerId = me ? me.id : '';
  if (!me) {
    bar.replaceChildren(h('span', { class: 'w-me-pick' }, t('worker.me.pick')));
    return;
  }
  const grids = me.grids.map((g) => g.name).join('、') || t('worker.me.noGrid');
  bar.replaceChildren(
    h('span', { class: 'w-me-avatar', 'aria-hidden': 'true' }, me.name.slice(0, 1)),
    h('span', { class: 'w-me-text' },
      h('span', { class: 'w-me-name', id: 'me-name' }, me.name),
      h('span', { class: 'w-me-sub', id: 'me-grid' }, `${t(`role.${me.role}`)} · ${grids}`)),
    h('span', { class: 'w-me-change' }, t('worker.me.change')));
}

/** Switches to a tab: 'tasks', 'report' or 'me'. */
function show(view, { reload = true } = {}) {
  current = view;
  for (const name of views) {
    document.getElementById(`view-${name}`).hidden = name !== view;
    const tab = document.querySelector(`.w-tab[data-view="${name}"]`);
    tab.setAttribute('aria-selected', String(name === view));
  }
  if (view === 'me') picker.show(me);
  else if (view === 'report') report.show(me);
  else if (reload) tasks.show(me);
  window.scrollTo(0, 0);
}

async function start() {
  applyToDocument();
  wireLanguageSwitch(document.getElementById('lang-switch'));
  onLangChange(() => {
    renderMeBar();
    callCard.render();
    position.render();
    if (current === 'me') picker.render();
    else if (current === 'report') report.relabel();
    else tasks.refresh();
  });
  for (const tab of document.querySelectorAll('.w-tab')) tab.addEventListener('click', () => show(tab.dataset.view));
  document.getElementById('me-bar').addEventListener('click', () => show('me'));
  const id = rememberedId();
  try {
    me = id ? await loadMe(id) : null;
  } catch (err) {
    document.getElementById('view-tasks').replaceChildren(h('p', { class: 'w-error w-pad' }, t('worker.failed', { msg: err.message })));
  }
  follow();
  show(me ? 'tasks' : 'me');
  document.body.dataset.ready = 'true';
}

start();
