// incidentLayer.js — the incidents overlay: one pin per incident the page knows, coloured
// red / yellow / blue by its deadline and grey once closed; archived and rejected ones are
// left off. It follows the feed, so filed and changed incidents move without a reload.

import { t } from '../kernel/i18n.js';
import { colourOf } from './incidents.js';
import { categoryLabel } from './incidentParts.js';
import { INCIDENT_COLOURS, incidentSvg } from './symbols.js';

const L = window.L;

// Red on top of yellow on top of blue; closed ones underneath.
const Z_OFFSET = { red: 3000, yellow: 2000, blue: 1000, closed: 0 };

/** Builds the layer from `feed`; `onSelect(incident)` runs when a pin is clicked. */
export function incidentLayer(feed, onSelect) {
  const group = L.layerGroup();
  const markers = new Map();

  function show(incident) {
    const old = markers.get(incident.id);
    if (old) group.removeLayer(old);
    markers.delete(incident.id);
    if (['archived', 'rejected'].includes(incident.status)) return;
    const colour = colourOf(incident);
    const marker = L.marker([incident.lat, incident.lon], {
      icon: L.divIcon({
        className: `incident-marker incident-${colour}`,
        html: incidentSvg(colour),
        iconSize: [20, 24],
        iconAnchor: [10, 23],
      }),
      title: `${incident.case_number} ${categoryLabel(incident)}`,
      alt: incident.case_number,
      keyboard: true,
      zIndexOffset: Z_OFFSET[colour],
    });
    marker.on('click', () => onSelect(feed.byId.get(incident.id) || incident));
    markers.set(incident.id, marker);
    group.addLayer(marker);
  }

  feed.onChange((incident) => {
    if (incident) show(incident);
  });
  return {
    group,
    markers,
    /** Relabels every pin after a language change. */
    relabel() {
      for (const incident of feed.byId.values()) show(incident);
    },
  };
}

/** The legend rows: one per colour. */
export function incidentLegend() {
  return INCIDENT_COLOURS.map((c) => ({ swatch: incidentSvg(c), label: t(`incident.colour.${c}`) }));
}
