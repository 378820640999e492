// main.js — starts the page: who is signed in, then reads `/api/map`, builds the map, its
// layers and the views (layer panel, details panel, search, the dispatcher's incidents, the
// video linkage), and wires clicks, search, the sidebar tabs and the language switch. What
// the user's permissions do not cover is left out (a leader sees incidents but takes no
// steps; an account without cameras.read gets no camera layer) rather than failing.

import './strings.js';
import * as api from '../kernel/api.js';
import { cameraLayer } from './cameras.js';
import { startDispatch } from './dispatch.js';
import { incidentLegend } from './incidentLayer.js';
import {
  applyToDocument, formatCount, levelName, onLangChange, t, wireLanguageSwitch,
} from '../kernel/i18n.js';
import { LayerPanel } from './layers.js';
import { basemapTiles, createMap, serviceTiles, townBackground } from '../kernel/map.js';
import { DetailsPanel } from './panel.js';
import { SearchBox } from './search.js';
import { may, mountUserMenu, signedIn } from '../kernel/session.js';
import { Selection } from './selection.js';
import {
  DENSITY_RAMP, INCIDENT_COUNT_BREAKS, INCIDENT_COUNT_OPACITY, INCIDENT_COUNT_RAMP, ROLES, STATUSES,
  cameraSvg, fillSvg, levelLineSvg, rampSvg, trackSvg, workerSvg,
} from './symbols.js';
import { trackLayer } from './tracks.js';
import { startLinkage } from './videoLinkage.js';
import { workerLayer } from './workers.js';

const L = window.L;

async function start() {
  applyToDocument();
  wireLanguageSwitch(document.getElementById('lang-switch'));
  const user = await signedIn();
  mountUserMenu(user, document.getElementById('lang-switch'));
  const can = {
    incidents: may(user, 'incidents.read', 'incidents.read_department', 'incidents.read_assigned'),
    file: may(user, 'incidents.report'),
    cameras: may(user, 'cameras.read'),
    workers: may(user, 'workers.read'),
    tracks: may(user, 'workers.tracks'),
    alerts: may(user, 'alerts.read'),
  };
  let settings;
  try {
    settings = await api.mapSettings();
  } catch (error) {
    document.getElementById('panel').replaceChildren(
      Object.assign(document.createElement('p'), {
        className: 'panel-error',
        textContent: t('app.loadFailed', { msg: error.message }),
      }));
    return;
  }

  const map = createMap(document.getElementById('map'), settings);
  const selection = new Selection(map);
  let dispatch = null;
  const panel = new DetailsPanel(document.getElementById('panel'), selection, settings.levels, {
    onFileHere: can.incidents && can.file ? (lon, lat) => dispatch && dispatch.fileAt(lon, lat) : null,
    workers: can.workers,
  });
  map.on('click', (event) => {
    if (dispatch && dispatch.filing) dispatch.fileAt(round(event.latlng.lng), round(event.latlng.lat));
    else panel.showPoint(event.latlng);
  });
  wireTabs(map, { incidents: can.incidents, linkage: can.alerts });

  const [towns, cameras, workers, categories] = await Promise.all([
    api.gridsOfLevel(settings.levels[0] ? settings.levels[0].level : 1).catch(() => null),
    can.cameras ? api.cameras().catch(() => null) : null,
    can.workers ? api.workers().catch(() => []) : [],
    api.categories().catch(() => ({ categories: [] })),
  ]);
  if (towns) {
    // Under the tile pane: an opaque basemap, when switched on, covers it.
    townBackground(map, towns);
    showTownName(towns);
  }
  let linkage = null;
  // No camera layer without cameras.read: an empty overlay keeps the camera views' lookups simple.
  const cameraOverlay = cameraLayer(cameras || { features: [] }, (feature) => linkage.showCamera(feature));
  const workerOverlay = can.workers ? workerLayer(workers, (worker) => panel.showWorker(worker)) : null;

  dispatch = can.incidents ? startDispatch({
    map, panel, element: document.getElementById('incidents'), categories, workers, user,
  }) : null;
  linkage = startLinkage({
    map,
    panel,
    element: can.alerts ? document.getElementById('linkage') : null,
    cameras: cameraOverlay,
    user,
    onCase: (id) => dispatch && dispatch.openIncident(id),
  });

  const layerPanel = new LayerPanel(document.getElementById('layers'), map, layerGroups(map, settings, {
    cameras: cameras ? cameraOverlay.group : null,
    workers: workerOverlay,
    tracks: can.tracks ? trackLayer() : null,
    incidents: dispatch ? dispatch.layer : null,
  }));

  const levels = new Map(settings.levels.map((level) => [level.level, level]));
  const search = new SearchBox(document.getElementById('search-input'), document.getElementById('search-results'), {
    levelLabel: (n) => levelName(levels.get(n)) || String(n),
    onGrid: (grid) => {
      if (grid.bbox) {
        const [minLon, minLat, maxLon, maxLat] = grid.bbox;
        map.fitBounds([[minLat, minLon], [maxLat, maxLon]], { padding: [40, 40], maxZoom: 17 });
      }
      panel.showGrid(grid.id);
    },
    onCamera: (camera) => {
      map.setView([camera.lat, camera.lon], Math.max(map.getZoom(), 17));
      const feature = cameraOverlay.byId.get(camera.id);
      if (feature) linkage.showCamera(feature);
      else if (!can.cameras) panel.showPoint(L.latLng(camera.lat, camera.lon));
      else api.camera(camera.id).then((f) => linkage.showCamera(f), () => panel.showPoint(L.latLng(camera.lat, camera.lon)));
    },
  });

  // Escape outside the search box closes the details panel.
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && event.target.id !== 'search-input') {
      if (dispatch) dispatch.cancelFiling();
      panel.close();
    }
  });

  onLangChange(() => {
    layerPanel.render();
    panel.render();
    search.render();
    if (dispatch) dispatch.relabel();
    linkage.relabel();
  });
  document.body.dataset.ready = 'true';
}

// The layer switches; an overlay given as null (the user may not see it) is left out, and
// so is a group left empty.
function layerGroups(map, settings, { cameras, workers, tracks, incidents }) {
  const levels = settings.levels;
  const seesIncidents = Boolean(incidents);
  const groups = [
    {
      title: () => t('layers.grids'),
      entries: levels.map((level) => ({
        id: `grids-${level.level}`,
        label: () => levelName(level),
        swatch: levelLineSvg(level.level),
        layer: serviceTiles(map, `grids-${level.level}`, 10 + level.level),
        on: true,
      })),
    },
    {
      title: () => t('layers.thematic'),
      entries: [{
        id: 'density',
        label: () => t('layers.density'),
        layer: serviceTiles(map, 'density', 5),
        on: false,
        legend: () => densityLegend(settings.density_breaks),
      }, ...(seesIncidents ? ['incidents-open', 'incidents-overdue'] : []).map((id) => ({
        id,
        label: () => t(`layers.${id}`),
        layer: liveTiles(serviceTiles(map, id, 6)),
        on: false,
        legend: incidentCountLegend,
      }))],
    },
    {
      title: () => t('dispatch.layer'),
      entries: [{
        id: 'incidents',
        label: () => t('dispatch.layerIncidents'),
        layer: incidents,
        on: true,
        legend: incidentLegend,
      }],
    },
    {
      title: () => t('layers.points'),
      entries: [
        {
          id: 'cameras',
          label: () => t('layers.cameras'),
          layer: cameras,
          on: true,
          legend: () => STATUSES.map((s) => ({ swatch: cameraSvg(s), label: t(`status.${s}`) })),
        },
        {
          id: 'workers',
          label: () => t('layers.workers'),
          layer: workers,
          on: false,
          legend: () => [
            ...ROLES.map((r) => ({ swatch: workerSvg(r, true), label: t(`role.${r}`) })),
            { swatch: workerSvg('full_time', true, true), label: t('layers.available') },
            { swatch: workerSvg('full_time', false), label: t('layers.offDuty') },
          ],
        },
        {
          id: 'tracks',
          label: () => t('layers.tracks'),
          swatch: trackSvg(),
          layer: tracks,
          on: false,
        },
      ],
    },
  ];
  if (settings.basemap) {
    groups.push({
      title: () => t('layers.basemap'),
      entries: [{
        id: 'basemap',
        label: () => t('layers.basemapLayer'),
        layer: basemapTiles(settings.basemap),
        on: false,
      }],
    });
  }
  return groups
    .map((group) => ({ ...group, entries: group.entries.filter((entry) => entry.layer) }))
    .filter((group) => group.entries.length);
}

// One row per density class when the service gives its class breaks (households/km²,
// ascending), else the ramp from sparse to dense.
function densityLegend(breaks) {
  if (!Array.isArray(breaks) || !breaks.length) {
    return [{ swatch: rampSvg(), label: t('layers.sparseDense') }];
  }
  const n = (x) => formatCount(x);
  return DENSITY_RAMP.slice(0, breaks.length + 1).map((color, i) => ({
    swatch: fillSvg(color),
    label: i === 0 ? `< ${n(breaks[0])}`
      : i === breaks.length ? `≥ ${n(breaks[i - 1])}` : `${n(breaks[i - 1])} – ${n(breaks[i])}`,
  }));
}

// The incident layers' fixed classes (the service's INCIDENT_BREAKS): 1, 2–4, … 50+.
function incidentCountLegend() {
  return INCIDENT_COUNT_BREAKS.map((from, i) => {
    const next = INCIDENT_COUNT_BREAKS[i + 1];
    const label = next === undefined ? `≥ ${from}` : next - 1 === from ? `${from}` : `${from} – ${next - 1}`;
    return { swatch: fillSvg(INCIDENT_COUNT_RAMP[i], INCIDENT_COUNT_OPACITY), label };
  });
}

// Incident tiles change as incidents do: while shown, ask again every 15 s (the service
// recounts at most every 5 s and answers 304 while a tile is unchanged).
function liveTiles(layer) {
  let timer = null;
  layer.on('add', () => { timer = setInterval(() => layer.redraw(), 15_000); });
  layer.on('remove', () => clearInterval(timer));
  return layer;
}

// The sidebar's tabs: layers and legend, or the incident list (a wider sidebar, so the
// map is told its new size), or the video linkage; a tab the user may not see is hidden.
function wireTabs(map, shown) {
  for (const name of ['incidents', 'linkage']) {
    if (!shown[name]) document.getElementById(`tab-${name}`).hidden = true;
  }
  const tabs = [...document.querySelectorAll('.sidebar-tabs [role="tab"]')].filter((tab) => !tab.hidden);
  const show = (chosen) => {
    for (const tab of tabs) {
      const on = tab === chosen;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
      document.getElementById(tab.getAttribute('aria-controls')).hidden = !on;
    }
    document.querySelector('.sidebar').dataset.tab = chosen.dataset.tab;
    map.invalidateSize({ pan: false });
  };
  for (const tab of tabs) tab.addEventListener('click', () => show(tab));
}

function round(x) {
  return Math.round(x * 1e7) / 1e7;
}

function showTownName(towns) {
  const names = towns.features.map((f) => f.properties.name);
  document.getElementById('town-name').textContent = names.join('、');
}


start();
