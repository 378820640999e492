// legend.js — view: what the map's colours mean (grids by state, the selection, parent
// outlines, cameras, problems), a small box in the map's corner.

import { h } from '../kernel/dom.js';
import { t } from '../kernel/i18n.js';
import { CAMERA_STYLE, GRID_STYLES, PARENT_STYLE, SELECTED } from './editor.js';
import { SEVERITY_COLOURS } from './preview.js';

const L = window.L;

function line({ color, weight, dashArray }, fill) {
  const f = fill ? `<rect x="2" y="3" width="20" height="10" fill="${fill.color}" fill-opacity="${fill.opacity}"/>` : '';
  return `<svg width="24" height="16" aria-hidden="true">${f}<rect x="2" y="3" width="20" height="10" fill="none" stroke="${color}" stroke-width="${Math.min(weight, 3)}" ${dashArray ? `stroke-dasharray="${dashArray.replace(/(\d+)/g, (n) => Math.max(2, n / 2))}"` : ''}/></svg>`;
}

function dot(color, radius) {
  return `<svg width="24" height="16" aria-hidden="true"><circle cx="12" cy="8" r="${radius}" fill="${color}" stroke="#475569"/></svg>`;
}

const ENTRIES = [
  ['planner.legend.grid', () => line(GRID_STYLES.kept, { color: GRID_STYLES.kept.fillColor, opacity: 0.15 })],
  ['planner.legend.selected', () => line(SELECTED, { color: SELECTED.fillColor, opacity: SELECTED.fillOpacity })],
  ['planner.legend.changed', () => line(GRID_STYLES.reshaped, { color: GRID_STYLES.reshaped.fillColor, opacity: 0.3 })],
  ['planner.legend.new', () => line(GRID_STYLES.new, { color: GRID_STYLES.new.fillColor, opacity: 0.3 })],
  ['planner.legend.parent', () => line({ ...PARENT_STYLE, color: '#64748b' })],
  ['planner.legend.camera', () => dot(CAMERA_STYLE.fillColor, 3)],
  ['planner.legend.error', () => line({ color: SEVERITY_COLOURS.error, weight: 2 }, { color: SEVERITY_COLOURS.error, opacity: 0.35 })],
  ['planner.legend.warning', () => line({ color: SEVERITY_COLOURS.warning, weight: 2 }, { color: SEVERITY_COLOURS.warning, opacity: 0.35 })],
];

/** Adds the legend to the map; answers a function that redraws it (after a language change). */
export function addLegend(map) {
  const box = h('div', { class: 'p-legend leaflet-bar' });
  const render = () => box.replaceChildren(
    h('strong', {}, t('planner.legend')),
    h('ul', {}, ENTRIES.map(([key, swatch]) => h('li', {}, h('span', { class: 'p-swatch', html: swatch() }), t(key)))),
  );
  const control = L.control({ position: 'bottomright' });
  control.onAdd = () => {
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  control.addTo(map);
  render();
  return render;
}
