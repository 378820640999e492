// incidents.js — what the page knows of incidents, in one place: every incident it has
// loaded or been told about, kept current from the service's live stream
// (`/api/incidents/live`), so the map layer, the list and the open detail always agree.

import * as api from '../kernel/api.js';

/** Statuses of an incident still open (it has a colour and a deadline that counts). */
export const OPEN_STATUSES = [
  'reported', 'accepted', 'dispatched', 'handling', 'handled', 'verified',
  'returned', 'escalated', 'extension_requested',
];

/** Every status, in the order of the loop. */
export const STATUSES = [...OPEN_STATUSES.slice(0, 6), 'closed', 'archived',
  ...OPEN_STATUSES.slice(6), 'rejected'];

/** Most open incidents the map layer loads at start-up. */
const LAYER_LIMIT = 2000;
const PAGE = 500;

/** The colour an incident is drawn in: its `colour` while open, `closed` otherwise. */
export function colourOf(incident) {
  return incident.colour || 'closed';
}

/** The incidents the page knows, by id; listeners hear `(incident, kind)` on every change. */
export class IncidentFeed {
  constructor() {
    this.byId = new Map();
    this.listeners = [];
    this.source = null;
  }

  /** Calls `fn(incident, kind)` when an incident is new or changed (`kind`: `filed`, `changed`, `loaded`), and `fn(null, 'reload')` when the live stream missed some. */
  onChange(fn) {
    this.listeners.push(fn);
  }

  /** Takes in an incident as the service answered it; an older revision than known is ignored. */
  put(incident, kind = 'changed') {
    const known = this.byId.get(incident.id);
    if (known && (known.revision > incident.revision
      || (known.revision === incident.revision && known.colour === incident.colour))) {
      return known;
    }
    this.byId.set(incident.id, incident);
    for (const fn of this.listeners) fn(incident, kind);
    return incident;
  }

  /** Loads the open incidents, newest first, for the map layer. */
  async loadOpen() {
    let before;
    let loaded = 0;
    do {
      const page = await api.incidents({ status: OPEN_STATUSES.join(','), limit: PAGE, before });
      for (const incident of page.incidents) this.put(incident, 'loaded');
      loaded += page.incidents.length;
      before = page.next_before;
    } while (before && loaded < LAYER_LIMIT);
  }

  /** Subscribes to the live stream; `onStatus(ok)` hears when it drops and comes back. */
  connect(onStatus = () => {}) {
    const source = new EventSource('/api/incidents/live');
    const take = (kind) => (event) => {
      try {
        this.put(JSON.parse(event.data), kind);
      } catch {
        // A malformed event is the service's bug; the next list load corrects the page.
      }
    };
    source.addEventListener('filed', take('filed'));
    source.addEventListener('changed', take('changed'));
    source.addEventListener('lagged', () => this.reload());
    let lost = false;
    source.addEventListener('open', () => {
      document.body.dataset.live = 'open';
      if (lost) this.reload();
      lost = false;
      onStatus(true);
    });
    source.addEventListener('error', () => {
      document.body.dataset.live = 'lost';
      lost = true;
      onStatus(false);
    });
    this.source = source;
  }

  // Changes were missed: load again and let the views reload theirs.
  reload() {
    this.loadOpen().catch(() => {});
    for (const fn of this.listeners) fn(null, 'reload');
  }
}

/**
 * Whether `incident` belongs in a list filtered by `filter` (the list's own filter:
 * `statuses`, `colour`, `grid` code, `categories` as sub-category codes).
 */
export function matches(incident, filter) {
  if (filter.statuses.length && !filter.statuses.includes(incident.status)) return false;
  if (filter.colour && incident.colour !== filter.colour) return false;
  if (filter.grid && !incident.chain.some((g) => g.code === filter.grid)) return false;
  if (filter.categories.length && !filter.categories.includes(incident.category)) return false;
  return true;
}
