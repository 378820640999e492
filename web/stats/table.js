// table.js — the figures of a grid and its sub-grids, one row each, every figure of the
// statistics; a sub-grid's row drills down when clicked (or Enter on it).

import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';
import { count, hours, percent, rating } from './format.js';

/** The columns: heading key, cell text from the figures, a class for the cell. */
const COLUMNS = [
  ['stats.col.received', (f) => count(f.received)],
  ['stats.col.closed', (f) => count(f.closed)],
  ['stats.col.rejected', (f) => count(f.rejected)],
  ['stats.col.closureRate', (f) => percent(f.closure_rate)],
  ['stats.col.openBlue', (f) => count(f.open.blue), 'c-blue'],
  ['stats.col.openYellow', (f) => count(f.open.yellow), 'c-yellow'],
  ['stats.col.openRed', (f) => count(f.open.red), 'c-red'],
  ['stats.col.overdue', (f) => count(f.overdue)],
  ['stats.col.closedLate', (f) => count(f.closed_late)],
  ['stats.col.median', (f) => hours(f.time_to_close.median_hours)],
  ['stats.col.p90', (f) => hours(f.time_to_close.p90_hours)],
  ['stats.col.rated', (f) => count(f.satisfaction.rated)],
  ['stats.col.mean', (f) => rating(f.satisfaction.mean)],
  ['stats.col.satisfied', (f) => percent(f.satisfaction.satisfied_share)],
];

/** The column keys, in order, for tests and the CSV's reader. */
export const COLUMN_KEYS = COLUMNS.map(([key]) => key);

function cells(figures) {
  return COLUMNS.map(([, value, cls]) => h('td', { class: cls ? `num ${cls}` : 'num' }, value(figures)));
}

/** Fills `table` with `root`'s row and one per child; `onDrill(child)` on a child's row. */
export function renderTable(table, root, children, onDrill) {
  const head = h('thead', {},
    h('tr', {},
      h('th', { scope: 'col', class: 'name' }, t('stats.col.grid')),
      COLUMNS.map(([key, , cls]) => h('th', { scope: 'col', class: cls ? `num ${cls}` : 'num' }, t(key)))));
  const rootRow = h('tr', { class: 'root', 'data-grid-code': root.code },
    h('th', { scope: 'row', class: 'name' }, root.name, h('span', { class: 's-total' }, t('stats.total'))),
    cells(root.figures));
  const rows = children.map((child) => h('tr', {
    class: 'child', tabindex: 0, 'data-grid-code': child.code,
    onclick: () => onDrill(child),
    onkeydown: (e) => { if (e.key === 'Enter') onDrill(child); },
  },
  h('th', { scope: 'row', class: 'name' }, h('span', { class: 's-drill' }, child.name)),
  cells(child.figures)));
  const empty = children.length ? null : h('tr', {}, h('td', { colspan: COLUMNS.length + 1, class: 's-hint' }, t('stats.noChildren')));
  table.replaceChildren(head, h('tbody', {}, rootRow, rows, empty));
}
