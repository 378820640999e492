// charts.js — the four charts of the statistics page with the vendored Chart.js: received vs
// closed per sub-grid, open by colour per sub-grid (stacked), received and closed by period,
// received by category (horizontal). Exposed as `window.gridlinkCharts` for the tests.

import { t } from '../kernel/i18n.js';

const Chart = window.Chart;

const COLOURS = {
  received: '#1c64b4',
  closed: '#2f9e44',
  blue: '#1c64b4',
  yellow: '#e0a800',
  red: '#d0312d',
};

const charts = {};
window.gridlinkCharts = charts;

Chart.defaults.font.family = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", system-ui, sans-serif';
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

function draw(name, canvasId, config) {
  charts[name]?.destroy();
  const canvas = document.getElementById(canvasId);
  charts[name] = new Chart(canvas, config);
  canvas.parentElement.dataset.empty = String(!config.data.labels.length);
  canvas.parentElement.dataset.emptyText = t('stats.chart.none');
}

const integerAxis = { beginAtZero: true, ticks: { precision: 0 } };

/**
 * Draws every chart for `root` and its `children`; `categoryName(code)` names a category
 * of the report's grouping.
 */
export function renderCharts(root, children, categoryName) {
  const names = children.map((c) => c.name);
  draw('receivedClosed', 'chart-received-closed', {
    type: 'bar',
    data: {
      labels: names,
      datasets: [
        { label: t('stats.col.received'), data: children.map((c) => c.figures.received), backgroundColor: COLOURS.received },
        { label: t('stats.col.closed'), data: children.map((c) => c.figures.closed), backgroundColor: COLOURS.closed },
      ],
    },
    options: { scales: { y: integerAxis } },
  });
  draw('openByColour', 'chart-open', {
    type: 'bar',
    data: {
      labels: names,
      datasets: ['blue', 'yellow', 'red'].map((colour) => ({
        label: t(`stats.col.open${colour[0].toUpperCase()}${colour.slice(1)}`),
        data: children.map((c) => c.figures.open[colour]),
        backgroundColor: COLOURS[colour],
      })),
    },
    options: { scales: { x: { stacked: true }, y: { ...integerAxis, stacked: true } } },
  });
  const periods = root.by_period || [];
  draw('byPeriod', 'chart-period', {
    type: 'line',
    data: {
      labels: periods.map((p) => p.period),
      datasets: [
        { label: t('stats.col.received'), data: periods.map((p) => p.figures.received), borderColor: COLOURS.received, backgroundColor: COLOURS.received, tension: 0.2 },
        { label: t('stats.col.closed'), data: periods.map((p) => p.figures.closed), borderColor: COLOURS.closed, backgroundColor: COLOURS.closed, tension: 0.2 },
      ],
    },
    options: { scales: { y: integerAxis } },
  });
  const categories = [...(root.by_category || [])].sort((a, b) => b.figures.received - a.figures.received);
  draw('byCategory', 'chart-category', {
    type: 'bar',
    data: {
      labels: categories.map((c) => categoryName(c.category)),
      datasets: [
        { label: t('stats.col.received'), data: categories.map((c) => c.figures.received), backgroundColor: COLOURS.received },
        { label: t('stats.col.closed'), data: categories.map((c) => c.figures.closed), backgroundColor: COLOURS.closed },
      ],
    },
    options: { indexAxis: 'y', scales: { x: integerAxis } },
  });
}
