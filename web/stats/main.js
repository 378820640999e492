// main.js — start-up of the statistics page: the filters (kept in the address's hash, so a
// view can be bookmarked or reloaded), the request to /api/stats, the breadcrumb from the
// grid's chain, the table, the charts and the CSV link with the same parameters. Only for
// accounts with stats.read; the figures cover the grids their grants do.

import './strings.js';
import * as api from '../kernel/api.js';
import { h } from '../kernel/dom.js';
import { applyToDocument, currentLang, onLangChange, t, wireLanguageSwitch } from '../kernel/i18n.js';
import { guardPage, mountUserMenu, signedIn } from '../kernel/session.js';
import { renderCharts } from './charts.js';
import { dateTime } from './format.js';
import { renderTable } from './table.js';

const form = {
  period: document.getElementById('period'),
  from: document.getElementById('from'),
  to: document.getElementById('to'),
  byCategory: document.getElementById('by-category'),
};
const status = document.getElementById('status');
let grid = '';
let categoryNames = new Map();
let last = null;
let loading = 0;

/** The parameters of the request, from the filters and the current grid. */
function params() {
  const p = { depth: 1, by_category: form.byCategory.value, period: form.period.value };
  if (grid) p.grid = grid;
  if (form.from.value) p.from = form.from.value;
  if (form.to.value) p.to = form.to.value;
  return p;
}

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  grid = p.get('grid') || '';
  if (p.get('period')) form.period.value = p.get('period');
  if (p.get('by_category')) form.byCategory.value = p.get('by_category');
  form.from.value = p.get('from') || '';
  form.to.value = p.get('to') || '';
}

function writeHash(p) {
  const { depth, ...rest } = p;
  history.replaceState(null, '', `#${new URLSearchParams(rest)}`);
}

async function load() {
  const p = params();
  writeHash(p);
  document.getElementById('csv').href = `/api/stats?${new URLSearchParams({ ...p, format: 'csv' })}`;
  const mine = ++loading;
  document.body.dataset.loaded = 'false';
  status.textContent = t('stats.loading');
  try {
    const report = await api.stats(p);
    const root = report.grids.find((g) => (grid ? g.code === grid : true) && !report.grids.some((o) => o.id === g.parent_id))
      || report.grids[0];
    const chain = root ? (await api.grid(root.id)).properties.chain || [] : [];
    if (mine !== loading) return;
    last = { report, root, chain };
    render();
    document.body.dataset.loaded = 'true';
  } catch (err) {
    if (mine !== loading) return;
    status.textContent = t('stats.failed', { msg: err.message });
    document.body.dataset.loaded = 'error';
  }
}

function render() {
  const { report, root, chain } = last;
  status.textContent = t('stats.asOf', { at: dateTime(report.now) });
  if (!root) return;
  const children = report.grids.filter((g) => g.parent_id === root.id);
  renderCrumbs(chain.length ? chain : [root]);
  renderTable(document.getElementById('table'), root, children, drill);
  renderCharts(root, children, (code) => categoryNames.get(code)?.[currentLang() === 'en' ? 1 : 0] || code);
}

function renderCrumbs(chain) {
  const crumbs = chain.map((g, i) => (i === chain.length - 1
    ? h('span', { class: 's-crumb is-current', 'aria-current': 'page' }, g.name)
    : h('button', { type: 'button', class: 's-crumb', 'data-grid-code': g.code, onclick: () => drill(g) }, g.name)));
  const withArrows = crumbs.flatMap((c, i) => (i ? [h('span', { class: 's-sep', 'aria-hidden': 'true' }, '›'), c] : [c]));
  document.getElementById('crumbs').replaceChildren(...withArrows);
}

/** Shows a grid (a sub-grid's row, or a breadcrumb) with its own sub-grids. */
function drill(g) {
  grid = g.code;
  load();
}

async function start() {
  applyToDocument();
  wireLanguageSwitch(document.getElementById('lang-switch'));
  const user = await signedIn();
  mountUserMenu(user, document.getElementById('lang-switch'));
  if (!guardPage(user, 'stats')) return;
  onLangChange(() => {
    if (last) render();
  });
  readHash();
  try {
    const { categories } = await api.categories();
    categoryNames = new Map(categories.flatMap((c) => [
      [c.code, [c.zh, c.en]], ...c.sub_categories.map((s) => [s.code, [s.zh, s.en]]),
    ]));
  } catch (err) {
    status.textContent = t('stats.failed', { msg: err.message });
  }
  for (const el of Object.values(form)) el.addEventListener('change', load);
  document.getElementById('filters').addEventListener('submit', (e) => e.preventDefault());
  await load();
  document.body.dataset.ready = 'true';
}

start();
