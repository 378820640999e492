// symbols.js — how things are drawn, in one place so the map and the legend agree: grid
// line styles (as the server's raster tiles draw them), camera statuses, worker roles,
// the density ramp, and the SVG snippets for markers and legend swatches.

/** Grid boundary styles by level, as the server's raster tiles draw them (src/tiles/style.rs). */
export const LEVEL_STYLES = {
  1: { color: '#1e293b', width: 3, opacity: 0.95 },
  2: { color: '#2f4a68', width: 2, opacity: 0.9 },
  3: { color: '#4b6584', width: 1.2, opacity: 0.85 },
  4: { color: '#6b8299', width: 0.6, opacity: 0.8 },
};

/** Camera status colours. */
export const STATUS_COLORS = {
  online: '#2f9e44',
  offline: '#868e96',
  fault: '#e03131',
};
export const STATUSES = ['online', 'offline', 'fault'];

/** Worker roles, in the order the legend lists them, with their marker shape. */
export const ROLES = ['grid_chief', 'full_time', 'liaison', 'volunteer', 'department_staff'];
const ROLE_SHAPES = {
  grid_chief: 'star',
  full_time: 'circle',
  liaison: 'triangle',
  volunteer: 'diamond',
  department_staff: 'square',
};
export const WORKER_COLOR = '#6741d9';

/** The `density` tiles' colour ramp (ColorBrewer YlGnBu, sparsest first) and opacity. */
export const DENSITY_RAMP = ['#ffffcc', '#c7e9b4', '#7fcdbb', '#41b6c4', '#2c7fb8', '#253494'];
export const DENSITY_OPACITY = 0.6;

/** The highlight of the selected grid. */
export const HIGHLIGHT_STYLE = {
  color: '#e8590c',
  weight: 3,
  opacity: 1,
  fillColor: '#ffa94d',
  fillOpacity: 0.18,
};

const SHAPES = {
  circle: '<circle cx="8" cy="8" r="5.5"/>',
  square: '<rect x="2.75" y="2.75" width="10.5" height="10.5" rx="1"/>',
  triangle: '<path d="M8 1.8 L14.2 13.2 H1.8 Z"/>',
  diamond: '<path d="M8 1.5 L14.5 8 L8 14.5 L1.5 8 Z"/>',
  star: '<path d="M8 1 L10.1 5.6 L15 6.1 L11.3 9.4 L12.4 14.3 L8 11.8 L3.6 14.3 L4.7 9.4 L1 6.1 L5.9 5.6 Z"/>',
};

/** Ring of a worker available to be called. */
export const AVAILABLE_COLOR = '#2f9e44';

/**
 * A 16×16 SVG of a worker of `role`; on duty filled, off duty hollow; `available` adds a
 * green ring (the SVG is then 20×20).
 */
export function workerSvg(role, onDuty, available = false) {
  const shape = SHAPES[ROLE_SHAPES[role] || 'circle'];
  const fill = onDuty ? WORKER_COLOR : '#ffffff';
  const stroke = onDuty ? '#ffffff' : WORKER_COLOR;
  const body = `<g fill="${fill}" stroke="${stroke}" stroke-width="1.5" stroke-linejoin="round">${shape}</g>`;
  if (!available) return `<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">${body}</svg>`;
  return `<svg viewBox="-2 -2 20 20" width="20" height="20" aria-hidden="true">`
    + `<circle cx="8" cy="8" r="9" fill="#ffffff" fill-opacity="0.85" stroke="${AVAILABLE_COLOR}" stroke-width="2"/>${body}</svg>`;
}

/** A track's colour by worker id: a few distinct hues, the same worker always alike. */
export const TRACK_COLORS = ['#d9480f', '#1971c2', '#2b8a3e', '#ae3ec9', '#e67700', '#0c8599', '#c2255c', '#5f3dc4'];

/** A 36×14 SVG of a patrol track line. */
export function trackSvg(color = TRACK_COLORS[0]) {
  return `<svg viewBox="0 0 36 14" width="36" height="14" aria-hidden="true">`
    + `<path d="M2 11 L12 4 L22 9 L34 3" fill="none" stroke="${color}" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/></svg>`;
}

/** A 16×16 SVG of a camera of `status`: a coloured disc with a white lens. */
export function cameraSvg(status) {
  const color = STATUS_COLORS[status] || STATUS_COLORS.offline;
  return `<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">`
    + `<circle cx="8" cy="8" r="6.5" fill="${color}" stroke="#ffffff" stroke-width="1.5"/>`
    + `<circle cx="8" cy="8" r="2.2" fill="#ffffff"/></svg>`;
}

/** A 36×14 SVG of a grid level's boundary line. */
export function levelLineSvg(level) {
  const s = LEVEL_STYLES[level] || LEVEL_STYLES[4];
  return `<svg viewBox="0 0 36 14" width="36" height="14" aria-hidden="true">`
    + `<line x1="2" y1="7" x2="34" y2="7" stroke="${s.color}" stroke-opacity="${s.opacity}"`
    + ` stroke-width="${Math.max(s.width, 1)}"/></svg>`;
}

/** The `incidents-open`/`-overdue` tiles' classes (least count of each), colours and
 * opacity: src/tiles/style.rs's INCIDENT_BREAKS, INCIDENT_RAMP (ColorBrewer OrRd). */
export const INCIDENT_COUNT_BREAKS = [1, 2, 5, 10, 20, 50];
export const INCIDENT_COUNT_RAMP = ['#fef0d9', '#fdd49e', '#fdbb84', '#fc8d59', '#e34a33', '#b30000'];
export const INCIDENT_COUNT_OPACITY = 0.65;

/** A filled swatch for a class of a thematic layer. */
export function fillSvg(color, opacity = DENSITY_OPACITY) {
  return `<svg viewBox="0 0 20 14" width="20" height="14" aria-hidden="true">`
    + `<rect x="0.5" y="0.5" width="19" height="13" fill="${color}" fill-opacity="${opacity}"`
    + ` stroke="#94a3b8" stroke-width="1"/></svg>`;
}

/** The whole density ramp in one strip, sparsest on the left. */
export function rampSvg() {
  const cells = DENSITY_RAMP.map((c, i) => `<rect x="${i * 12}" y="0" width="12" height="14" fill="${c}"/>`).join('');
  return `<svg viewBox="0 0 72 14" width="72" height="14" aria-hidden="true">`
    + `<g fill-opacity="${DENSITY_OPACITY}">${cells}</g>`
    + `<rect x="0.5" y="0.5" width="71" height="13" fill="none" stroke="#94a3b8"/></svg>`;
}

/** Incident colours (红黄蓝 lists) and grey for closed incidents, map and legend alike. */
export const INCIDENT_COLORS = {
  blue: '#1c7ed6',
  yellow: '#f59f00',
  red: '#e03131',
  closed: '#868e96',
};
export const INCIDENT_COLOURS = ['red', 'yellow', 'blue', 'closed'];

/** A 20×24 SVG pin of an incident of `colour` (`blue`, `yellow`, `red` or `closed`). */
export function incidentSvg(colour) {
  const color = INCIDENT_COLORS[colour] || INCIDENT_COLORS.closed;
  return `<svg viewBox="0 0 20 24" width="20" height="24" aria-hidden="true">`
    + `<path d="M10 23 C10 23 2 14.5 2 9 A8 8 0 0 1 18 9 C18 14.5 10 23 10 23 Z" fill="${color}"`
    + ` stroke="#ffffff" stroke-width="1.5"/><rect x="6.5" y="5.5" width="7" height="7" rx="1" fill="#ffffff"/></svg>`;
}
