// dispatch.js — the dispatcher's side of the page, wired together: the incident feed and
// its live stream, the map layer, the list tab, the filing form and the detail, and the
// filing mode in which the next map click files an incident there.

import { IncidentFeed } from './incidents.js';
import { IncidentDetail } from './incidentDetail.js';
import { IncidentForm } from './incidentForm.js';
import { incidentLayer } from './incidentLayer.js';
import { IncidentList } from './incidentList.js';
import { Categories } from './incidentParts.js';
import { may, mayStep } from '../kernel/session.js';

const L = window.L;

// Colours change with time, not only with steps: reload the open incidents this often.
const RECOLOUR_MS = 60_000;

/**
 * Starts the dispatcher views: `list` renders into `element`, forms and details into the
 * details `panel`; `categories` is `/api/categories`, `workers` `/api/workers`; `user` (from
 * session.js) decides which steps are offered and whether incidents may be filed.
 */
export function startDispatch({ map, panel, element, categories, workers, user }) {
  const feed = new IncidentFeed();
  const classes = new Categories(categories.categories);
  const mayStepHere = (action) => mayStep(user, action);
  let filing = false;

  const layer = incidentLayer(feed, (incident) => select(incident));
  // Timelines name who acted by username: the user's own steps show their name.
  const actorName = (actor) => (actor === user.username ? user.display_name || actor : actor);
  const detail = new IncidentDetail(panel, feed, classes, workers, { onLocate: locate, mayStep: mayStepHere, actorName });
  const form = new IncidentForm(panel, feed, classes, { onOpen: (incident) => select(incident), mayStep: mayStepHere });
  const list = new IncidentList(element, feed, classes, {
    onSelect: (incident) => select(incident),
    onFileMode: may(user, 'incidents.report') ? (on) => setFiling(on) : null,
  });

  function select(incident) {
    list.select(incident.id);
    detail.open(incident.id);
  }

  // Brings the incident into view (without moving a map that shows it) and marks it.
  function locate(incident) {
    const at = L.latLng(incident.lat, incident.lon);
    if (!map.getBounds().pad(-0.1).contains(at)) {
      map.setView(at, Math.max(map.getZoom(), 16), { animate: false });
    }
    panel.selection.point(at);
  }

  function setFiling(on) {
    filing = on;
    map.getContainer().classList.toggle('filing', on);
    list.setFiling(on);
  }

  feed.loadOpen().catch(() => {});
  feed.connect((ok) => list.setLive(ok));
  setInterval(() => feed.loadOpen().catch(() => {}), RECOLOUR_MS);

  return {
    feed,
    layer: layer.group,
    /** Opens incident `id` in the detail and marks it in the list. */
    openIncident(id) {
      list.select(id);
      detail.open(id);
    },
    /** Whether the next map click files an incident. */
    get filing() {
      return filing;
    },
    /** Opens the filing form for a point and leaves filing mode. */
    fileAt(lon, lat) {
      setFiling(false);
      form.open(lon, lat);
    },
    /** Leaves filing mode (Escape). */
    cancelFiling() {
      if (filing) setFiling(false);
    },
    /** Redraws what shows text after a language change. */
    relabel() {
      list.render();
      layer.relabel();
    },
  };
}
