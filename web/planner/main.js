// main.js — start-up of the planner's page: the map, the level selector and "as of" date
// (kept in the address's hash), loading a level's grids with the parent level's outlines and
// the cameras, export and import of a level, and the views wired together: selection and
// tools, history, changes, preview.

import * as api from '../app/api.js';
import { applyToDocument, currentLang, levelName, onLangChange, t, wireLanguageSwitch } from '../app/i18n.js';
import { createMap } from '../app/map.js';
import { Changes } from './changes.js';
import { Editor } from './editor.js';
import { HistoryView } from './history.js';
import { addLegend } from './legend.js';
import { Plan, geometryOf } from './plan.js';
import { Preview } from './preview.js';
import { SelectionView } from './selection.js';
import { asOfInstant } from './time.js';

const L = window.L;
const IMPORTED = { color: '#ae3ec9', weight: 2.5, dashArray: '6 4', fillOpacity: 0.05, interactive: false, pmIgnore: true, snapIgnore: true };

const el = {
  level: document.getElementById('level'),
  asOf: document.getElementById('as-of'),
  asOfClear: document.getElementById('as-of-clear'),
  exportLink: document.getElementById('export'),
  importInput: document.getElementById('import'),
  status: document.getElementById('status'),
};

let levels = [];
let status = null;
let loading = 0;

/**
 * Shows a line under the level tools: `key` and `params` of the string, a kind, an action,
 * and `details` (lines of text beneath).
 */
function say(key, params = {}, kind = '', action = null, details = []) {
  status = { key, params, kind, action, details };
  renderStatus();
}

function renderStatus() {
  if (!status) {
    el.status.replaceChildren();
    return;
  }
  const { key, params, kind, action, details } = status;
  const text = document.createElement('span');
  text.textContent = t(key, typeof params === 'function' ? params() : params);
  el.status.className = `p-status ${kind ? `is-${kind}` : ''}`;
  el.status.replaceChildren(text);
  if (action) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'p-button is-quiet';
    button.textContent = t(action.key);
    button.addEventListener('click', action.run);
    el.status.append(' ', button);
  }
  if (details && details.length) {
    const list = document.createElement('ul');
    list.className = 'p-list p-details';
    for (const line of details) list.append(Object.assign(document.createElement('li'), { textContent: line }));
    el.status.append(list);
  }
}

/** The bad features of a refused import, a line each (at most ten). */
function featureLines(err) {
  const features = (err.body && err.body.error && err.body.error.features) || [];
  const lines = features.slice(0, 10).map((f) => t('planner.importFeature', { n: f.feature + 1, reason: f.reason }));
  if (features.length > 10) lines.push(t('planner.importMore', { n: features.length - 10 }));
  return lines;
}

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  return { level: Number(p.get('level')) || null, asOf: p.get('as_of') || '' };
}

function writeHash() {
  const p = new URLSearchParams({ level: el.level.value });
  if (el.asOf.value) p.set('as_of', el.asOf.value);
  history.replaceState(null, '', `#${p}`);
}

function fillLevels(selected) {
  el.level.replaceChildren(...levels.map((l) => Object.assign(document.createElement('option'), {
    value: String(l.level), textContent: `${l.level} · ${levelName(l)}`, selected: l.level === selected,
  })));
}

async function start() {
  applyToDocument();
  document.title = t('planner.title');
  wireLanguageSwitch(document.getElementById('lang-switch'));
  let settings;
  try {
    [settings, levels] = await Promise.all([api.mapSettings(), api.levels()]);
  } catch (err) {
    say('planner.failed', { msg: err.message }, 'error');
    document.body.dataset.ready = 'error';
    return;
  }
  const map = createMap(document.getElementById('map'), settings);
  map.pm.setLang(currentLang() === 'en' ? 'en' : 'zh');
  const redrawLegend = addLegend(map);
  const importLayer = L.geoJSON(null, { style: () => IMPORTED, ...IMPORTED }).addTo(map);
  const plan = new Plan(L.featureGroup());
  let selection = null;
  const editor = new Editor(map, plan, { onSelect: (a, b) => selection && selection.show(a, b) });
  const cameraNames = new Map();
  const parentNames = new Map();
  const gridLabel = (code) => (plan.byCode(code) && plan.byCode(code).props.name) || parentNames.get(code) || code;
  const historyView = new HistoryView(document.getElementById('history'), map);
  selection = new SelectionView(document.getElementById('selection'), {
    plan, editor, onHistory: (item) => historyView.show(item),
  });

  const readOnly = () => Boolean(el.asOf.value);
  const reload = () => {
    if (plan.changes().length && !window.confirm(t('planner.reloadConfirm'))) return;
    preview.clear();
    loadLevel();
  };
  const preview = new Preview(document.getElementById('preview'), map, {
    cameraName: (id) => cameraNames.get(id) || `#${id}`,
    gridLabel,
    onApplied: () => {
      changes.reason.value = '';
      return loadLevel();
    },
    onReload: reload,
  });
  const changes = new Changes(document.getElementById('changes'), plan, preview, {
    onPick: (item) => {
      if (item.state !== 'retired') {
        editor.select(item);
        map.fitBounds(item.layer.getBounds(), { maxZoom: 17, padding: [40, 40] });
      }
    },
    onReload: reload,
    onUndo: () => {
      if (!window.confirm(t('planner.undoConfirm'))) return;
      plan.undoAll();
      preview.clear();
    },
  });
  plan.onChange((reason) => {
    if (reason !== 'edit') return;
    selection.render();
    preview.invalidate();
    importLayer.clearLayers();
  });

  /** Loads the chosen level (as of the chosen date), with the parent level's outlines. */
  async function loadLevel() {
    const mine = ++loading;
    const level = Number(el.level.value);
    const asOf = asOfInstant(el.asOf.value);
    writeHash();
    document.body.dataset.loaded = 'false';
    el.exportLink.href = api.gridsExportUrl(level);
    historyView.close();
    importLayer.clearLayers();
    say('planner.loading');
    try {
      const parent = levels.filter((l) => l.level < level).at(-1);
      const [grids, parents] = await Promise.all([
        api.gridsOfLevel(level, asOf),
        parent ? api.gridsOfLevel(parent.level, asOf) : null,
      ]);
      if (mine !== loading) return;
      plan.load(grids.features);
      editor.showParents(parents);
      parentNames.clear();
      for (const f of (parents && parents.features) || []) parentNames.set(f.properties.code, f.properties.name);
      const record = levels.find((l) => l.level === level);
      say(el.asOf.value ? 'planner.readOnly' : 'planner.loaded',
        () => ({ level: levelName(record), n: grids.features.length, date: el.asOf.value.replace('T', ' ') }), el.asOf.value ? 'warning' : '');
      document.body.dataset.loaded = 'true';
    } catch (err) {
      if (mine !== loading) return;
      say('planner.failed', { msg: err.message }, 'error', { key: 'planner.reload', run: () => loadLevel() });
      document.body.dataset.loaded = 'error';
    }
  }

  function applyReadOnly() {
    const ro = readOnly();
    editor.setReadOnly(ro);
    selection.setReadOnly(ro);
    changes.setReadOnly(ro);
    el.importInput.disabled = ro;
    el.asOfClear.hidden = !ro;
    preview.element.hidden = ro;
    if (ro) preview.clear();
  }

  el.level.addEventListener('change', () => {
    if (plan.changes().length && !window.confirm(t('planner.reloadConfirm'))) {
      el.level.value = String(readHash().level);
      return;
    }
    preview.clear();
    loadLevel();
  });
  el.asOf.addEventListener('change', () => {
    if (plan.changes().length && !window.confirm(t('planner.reloadConfirm'))) {
      el.asOf.value = readHash().asOf;
      return;
    }
    applyReadOnly();
    loadLevel();
  });
  el.asOfClear.addEventListener('click', () => {
    el.asOf.value = '';
    applyReadOnly();
    loadLevel();
  });
  el.importInput.addEventListener('change', () => importFile(el.importInput.files[0]));

  /** Proposes a redrawn level from a GeoJSON file; the preview shows it before it is applied. */
  async function importFile(file) {
    el.importInput.value = '';
    if (!file) return;
    const reason = changes.reasonText();
    if (!reason) {
      say('planner.importFailed', { msg: t('planner.reasonRequired') }, 'error');
      changes.reason.focus();
      return;
    }
    if (plan.changes().length && !window.confirm(t('planner.importDirty'))) return;
    say('planner.importing', { name: file.name });
    try {
      const changeset = await api.importChangeset(Number(el.level.value), reason, file);
      plan.undoAll();
      preview.show(changeset);
      importLayer.clearLayers();
      try {
        // Only what the change set changes: the grids it names and the new ones.
        const named = new Set((changeset.grids || []).map((g) => g.id).filter((id) => id !== null));
        const drawn = JSON.parse(await file.text());
        importLayer.addData({
          type: 'FeatureCollection',
          features: (drawn.features || []).filter((f) => !f.properties || !f.properties.id || named.has(f.properties.id)),
        });
      } catch {
        // The service read the file; a drawing of it is only a help.
      }
      say('planner.imported', { name: file.name }, 'ok');
    } catch (err) {
      const action = err.status === 412 ? { key: 'planner.reload', run: reload } : null;
      say('planner.importFailed', { msg: err.message }, 'error', action, featureLines(err));
    }
  }

  onLangChange((lang) => {
    document.title = t('planner.title');
    map.pm.setLang(lang === 'en' ? 'en' : 'zh');
    fillLevels(Number(el.level.value));
    redrawLegend();
    renderStatus();
    selection.render();
    changes.relabel();
    preview.render();
    historyView.render();
  });

  const wanted = readHash();
  const initial = levels.find((l) => l.level === wanted.level) || levels.at(-1);
  fillLevels(initial ? initial.level : null);
  el.asOf.value = wanted.asOf;
  applyReadOnly();
  api.cameras().then((cameras) => {
    for (const f of cameras.features) cameraNames.set(f.properties.id, f.properties.name);
    editor.showCameras(cameras.features);
    preview.render();
  }).catch(() => {});
  window.gridlinkPlanner = {
    plan, editor, preview,
    /** The current geometry of a loaded grid by id (GeoJSON), for tests and the console. */
    geometry: (id) => {
      const item = plan.items.get(`g${id}`);
      return item ? geometryOf(item.layer) : null;
    },
  };
  await loadLevel();
  document.body.dataset.ready = 'true';
}

start();
