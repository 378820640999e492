// main.js — start-up of the planner's page: the map and the views wired together (level box,
// selection and tools, history, changes, preview, legend), loading a level's grids with the
// parent level's outlines and the cameras, the read-only "as of" view, and importing a level.
// Signed in with changesets.read (a leader) the page is read-only throughout; proposing needs
// changesets.propose, importing levels.import too, applying and discarding changesets.apply.

import './strings.js';
import * as api from '../kernel/api.js';
import { applyToDocument, currentLang, levelName, onLangChange, t, wireLanguageSwitch } from '../kernel/i18n.js';
import { createMap } from '../kernel/map.js';
import { guardPage, may, mountUserMenu, signedIn } from '../kernel/session.js';
import { Changes } from './changes.js';
import { Editor } from './editor.js';
import { HistoryView } from './history.js';
import { addLegend } from './legend.js';
import { LevelBox } from './levelbox.js';
import { Plan, geometryOf } from './plan.js';
import { Preview } from './preview.js';
import { SelectionView } from './selection.js';
import { asOfInstant } from './time.js';

const L = window.L;
const IMPORTED = { color: '#ae3ec9', weight: 2.5, dashArray: '6 4', fillOpacity: 0.05, interactive: false, pmIgnore: true, snapIgnore: true };
const $ = (id) => document.getElementById(id);

/** The page's parts, once built. */
const page = {};
/** What the signed-in user may do here. */
const can = { propose: false, apply: false, import: false };
let loading = 0;

/** The grids' names by code, of the level and the one above it, for lists that name codes. */
const parentNames = new Map();
const gridLabel = (code) => {
  const item = page.plan.byCode(code);
  return (item && item.props.name) || parentNames.get(code) || code;
};
const cameraNames = new Map();

/** Whether edits not yet applied may be dropped (asks when there are any). */
function mayLeave() {
  return !page.plan.changes().length || window.confirm(t('planner.reloadConfirm'));
}

/** Loads the chosen level (as of the chosen time), with the parent level's outlines. */
async function loadLevel() {
  const { box, plan, editor, historyView, importLayer } = page;
  const mine = ++loading;
  const { record, parent } = box.records();
  const asOf = asOfInstant(box.asOf());
  box.remember();
  document.body.dataset.loaded = 'false';
  historyView.close();
  importLayer.clearLayers();
  box.say('planner.loading');
  try {
    const [grids, parents] = await Promise.all([
      api.gridsOfLevel(box.level(), asOf),
      parent ? api.gridsOfLevel(parent.level, asOf) : null,
    ]);
    if (mine !== loading) return;
    plan.load(grids.features);
    editor.showParents(parents);
    parentNames.clear();
    for (const f of (parents && parents.features) || []) parentNames.set(f.properties.code, f.properties.name);
    const date = box.asOf().replace('T', ' ');
    box.say(date ? 'planner.readOnly' : 'planner.loaded',
      () => ({ level: levelName(record), n: grids.features.length, date }), date ? 'warning' : '');
    document.body.dataset.loaded = 'true';
  } catch (err) {
    if (mine !== loading) return;
    box.say('planner.failed', { msg: err.message }, 'error', { key: 'planner.reload', run: () => loadLevel() });
    document.body.dataset.loaded = 'error';
  }
}

/** Reloads the level (after a conflict), dropping the edits once the planner agrees. */
function reload() {
  if (!mayLeave()) return;
  page.preview.clear();
  loadLevel();
}

/**
 * Looking at the past is read-only: no editing, no changes, no preview, no import; so is
 * the page for an account that may not propose change sets.
 */
function applyReadOnly() {
  const past = Boolean(page.box.asOf());
  const readOnly = past || !can.propose;
  page.editor.setReadOnly(readOnly);
  page.selection.setReadOnly(readOnly);
  page.changes.setReadOnly(readOnly);
  page.box.setReadOnly(past);
  page.box.setImport(can.import && can.propose);
  page.preview.element.hidden = readOnly;
  if (readOnly) page.preview.clear();
}

/** The bad features of a refused import, a line each (at most ten). */
function featureLines(err) {
  const features = (err.body && err.body.error && err.body.error.features) || [];
  const lines = features.slice(0, 10).map((f) => t('planner.importFeature', { n: f.feature + 1, reason: f.reason }));
  if (features.length > 10) lines.push(t('planner.importMore', { n: features.length - 10 }));
  return lines;
}

/** Proposes a redrawn level from a GeoJSON file; the preview shows it before it is applied. */
async function importFile(file) {
  const { box, plan, preview, changes, importLayer } = page;
  const reason = changes.reasonText();
  if (!reason) {
    box.say('planner.importFailed', { msg: t('planner.reasonRequired') }, 'error');
    changes.reason.focus();
    return;
  }
  if (plan.changes().length && !window.confirm(t('planner.importDirty'))) return;
  box.say('planner.importing', { name: file.name });
  try {
    const changeset = await api.importChangeset(box.level(), reason, file);
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
    box.say('planner.imported', { name: file.name }, 'ok');
  } catch (err) {
    const action = err.status === 412 ? { key: 'planner.reload', run: reload } : null;
    box.say('planner.importFailed', { msg: err.message }, 'error', action, featureLines(err));
  }
}

/** Builds the map and the views into `page` and wires them. */
function build(settings, levels) {
  const map = createMap($('map'), settings);
  map.pm.setLang(currentLang() === 'en' ? 'en' : 'zh');
  const redrawLegend = addLegend(map);
  const plan = new Plan(L.featureGroup());
  const editor = new Editor(map, plan, { onSelect: (a, b) => page.selection && page.selection.show(a, b) });
  const historyView = new HistoryView($('history'), map);
  const selection = new SelectionView($('selection'), { plan, editor, onHistory: (item) => historyView.show(item) });
  const preview = new Preview($('preview'), map, {
    cameraName: (id) => cameraNames.get(id) || `#${id}`,
    gridLabel,
    mayApply: can.apply,
    onApplied: () => {
      page.changes.reason.value = '';
      return loadLevel();
    },
    onReload: reload,
  });
  const changes = new Changes($('changes'), plan, preview, {
    onPick: (item) => {
      if (item.state === 'retired') return;
      editor.select(item);
      map.fitBounds(item.layer.getBounds(), { maxZoom: 17, padding: [40, 40] });
    },
    onReload: reload,
    onUndo: () => {
      if (!window.confirm(t('planner.undoConfirm'))) return;
      plan.undoAll();
      preview.clear();
    },
  });
  const box = new LevelBox(levels, {
    onLevel: () => {
      preview.clear();
      loadLevel();
    },
    onAsOf: () => {
      applyReadOnly();
      loadLevel();
    },
    onImport: importFile,
    mayLeave,
  });
  const importLayer = L.geoJSON(null, { style: () => IMPORTED, ...IMPORTED }).addTo(map);
  Object.assign(page, { map, plan, editor, historyView, selection, preview, changes, box, importLayer });

  plan.onChange((reason) => {
    if (reason !== 'edit') return;
    selection.render();
    preview.invalidate();
    importLayer.clearLayers();
  });
  onLangChange((lang) => {
    map.pm.setLang(lang === 'en' ? 'en' : 'zh');
    box.relabel();
    redrawLegend();
    selection.render();
    changes.relabel();
    preview.render();
    historyView.render();
  });
}

async function start() {
  applyToDocument();
  wireLanguageSwitch($('lang-switch'));
  const user = await signedIn();
  mountUserMenu(user, $('lang-switch'));
  if (!guardPage(user, 'planner')) return;
  can.propose = may(user, 'changesets.propose');
  can.apply = may(user, 'changesets.apply');
  can.import = may(user, 'levels.import');
  $('view-only').hidden = can.propose;
  let settings;
  let levels;
  try {
    [settings, levels] = await Promise.all([api.mapSettings(), api.levels()]);
  } catch (err) {
    $('status').textContent = t('planner.failed', { msg: err.message });
    document.body.dataset.ready = 'error';
    return;
  }
  build(settings, levels);
  applyReadOnly();
  api.cameras().then((cameras) => {
    for (const f of cameras.features) cameraNames.set(f.properties.id, f.properties.name);
    page.editor.showCameras(cameras.features);
    page.preview.render();
  }).catch(() => {});
  window.gridlinkPlanner = {
    plan: page.plan, editor: page.editor, preview: page.preview,
    /** The current geometry of a loaded grid by id (GeoJSON), for tests and the console. */
    geometry: (id) => {
      const item = page.plan.items.get(`g${id}`);
      return item ? geometryOf(item.layer) : null;
    },
  };
  await loadLevel();
  document.body.dataset.ready = 'true';
}

start();
