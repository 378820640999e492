// map.js — the Leaflet map every page draws on: view and limits from `/api/map`, the
// service's raster tile layers, the town's own background, the scale bar, and the panes
// (the town's background under the tiles, a selection above them).

const L = window.L;

/** Creates the map in `element` from the `/api/map` settings; exposed as `window.gridlinkMap`. */
export function createMap(element, settings) {
  // With no grids yet the service sends no bounds: show China, unbounded.
  const bounds = settings.bounds
    ? L.latLngBounds([settings.bounds[1], settings.bounds[0]], [settings.bounds[3], settings.bounds[2]])
    : null;
  const map = L.map(element, {
    minZoom: bounds ? Math.max(settings.zoom - 3, 0) : 0,
    maxZoom: 19,
    maxBounds: bounds ? bounds.pad(1) : null,
    maxBoundsViscosity: 0.8,
    attributionControl: true,
  });
  map.attributionControl.setPrefix(false);
  const center = settings.center || [105, 35];
  map.setView([center[1], center[0]], bounds ? settings.zoom : 4);
  L.control.scale({ imperial: false, maxWidth: 140 }).addTo(map);
  // Panes: the town's background under the tiles, the highlight above them.
  map.createPane('town').style.zIndex = 150;
  map.createPane('selection').style.zIndex = 450;
  map.gridlinkBounds = bounds;
  window.gridlinkMap = map;
  return map;
}

/** A raster layer of the service (`grids`, `grids-3`, `density`…), 512 px on dense screens. */
export function serviceTiles(map, layer, zIndex) {
  return L.tileLayer(`/tiles/${layer}/{z}/{x}/{y}{r}.png`, {
    bounds: map.gridlinkBounds || undefined,
    maxZoom: 19,
    zIndex,
    className: `tiles-${layer}`,
  });
}

/** The optional external basemap (`{"url","attribution"}` from `/api/map`). */
export function basemapTiles(basemap) {
  return L.tileLayer(basemap.url, {
    maxZoom: 19,
    zIndex: 0,
    attribution: basemap.attribution || '',
    className: 'tiles-basemap',
  });
}

/** Paints the town's area light on the darker map background (for use without a basemap). */
export function townBackground(map, towns) {
  return L.geoJSON(towns, {
    pane: 'town',
    interactive: false,
    style: { stroke: false, fillColor: '#fbfbf8', fillOpacity: 1 },
  }).addTo(map);
}
