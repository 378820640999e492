// selection.js — the highlight of what the details panel shows: one grid outline and one
// marked point, in the map's `selection` pane above the tiles.

import { HIGHLIGHT_STYLE } from './symbols.js';

const L = window.L;

/** The selection: one grid outline and one marked point, replaced on every new selection. */
export class Selection {
  constructor(map) {
    this.map = map;
    this.layer = L.layerGroup().addTo(map);
  }

  clear() {
    this.layer.clearLayers();
  }

  /** Outlines a grid (a GeoJSON Feature). */
  grid(feature) {
    L.geoJSON(feature, { pane: 'selection', interactive: false, style: HIGHLIGHT_STYLE })
      .addTo(this.layer);
  }

  /** Marks a point (a click, a camera). */
  point(latlng) {
    L.circleMarker(latlng, {
      pane: 'selection',
      interactive: false,
      radius: 11,
      color: HIGHLIGHT_STYLE.color,
      weight: 2.5,
      fill: false,
    }).addTo(this.layer);
  }
}
