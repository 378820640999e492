// editor.js — the map of the level being planned: the grids (styled by state and selection),
// the parent level's outlines, the cameras as dots, clicking to select (shift-click a second
// grid), vertex editing of the selected grid with Geoman (glued to its neighbours, snapping
// to their vertices and edges) and drawing a cut line for a split.

import { glue } from './glue.js';

const L = window.L;

/** Grid looks by state; the selection adds its outline on top. */
export const GRID_STYLES = {
  kept: { color: '#1c64b4', weight: 1.5, opacity: 0.9, fillColor: '#1c64b4', fillOpacity: 0.06, dashArray: null },
  reshaped: { color: '#7b2cbf', weight: 2, opacity: 1, fillColor: '#9d4edd', fillOpacity: 0.18, dashArray: null },
  new: { color: '#2b8a3e', weight: 2, opacity: 1, fillColor: '#40c057', fillOpacity: 0.2, dashArray: null },
};
export const SELECTED = { color: '#e8590c', weight: 3.5, opacity: 1, fillColor: '#e8590c', fillOpacity: 0.14 };
const SECOND = { color: '#e8590c', weight: 3, opacity: 1, dashArray: '7 5' };
export const PARENT_STYLE = { color: '#0f172a', weight: 3, opacity: 0.3, fill: false, dashArray: '10 6' };
export const CAMERA_STYLE = { radius: 2.5, weight: 1, color: '#475569', fillColor: '#f59f00', fillOpacity: 0.95 };
const CUT_STYLE = { color: '#e8590c', weight: 3 };

/** Geoman's editing: vertices only (no dragging the whole grid), snapping on, right-click removes. */
const EDIT_OPTIONS = {
  allowSelfIntersection: true, draggable: false, snappable: true, snapDistance: 15,
  snapSegment: true, removeVertexOn: 'contextmenu', limitMarkersToCount: -1,
};

/** Layers the planner neither edits nor snaps to. */
const INERT = { interactive: false, pmIgnore: true, snapIgnore: true };

export class Editor {
  /** `onSelect(primary, second)` hears every change of selection. */
  constructor(map, plan, { onSelect }) {
    this.map = map;
    this.plan = plan;
    this.onSelect = onSelect;
    this.primary = null;
    this.second = null;
    this.readOnly = false;
    this.drawing = null;
    this.unglue = null;
    map.boxZoom.disable(); // shift-click picks a second grid
    map.createPane('parents').style.zIndex = 380;
    map.createPane('cameras').style.zIndex = 350;
    map.getPane('cameras').style.pointerEvents = 'none';
    this.parents = L.geoJSON(null, { ...INERT, pane: 'parents', style: () => PARENT_STYLE }).addTo(map);
    this.cameras = L.layerGroup().addTo(map);
    this.cameraRenderer = L.canvas({ pane: 'cameras', padding: 0.3 });
    plan.group.addTo(map);
    plan.group.on('click', (e) => this.clicked(e));
    map.on('click', () => { if (!this.drawing) this.select(null); });
    plan.onChange((reason) => {
      if (reason === 'load') this.forget();
      this.restyle();
    });
  }

  /** Shows the parent level's grids (a FeatureCollection, or null for the top level). */
  showParents(collection) {
    this.parents.clearLayers();
    if (collection) this.parents.addData(collection);
  }

  /** Shows cameras (point features) as small dots. */
  showCameras(features) {
    this.cameras.clearLayers();
    for (const f of features) {
      if (!f.geometry || f.geometry.type !== 'Point') continue;
      const [lng, lat] = f.geometry.coordinates;
      L.circleMarker([lat, lng], { ...CAMERA_STYLE, ...INERT, pane: 'cameras', renderer: this.cameraRenderer })
        .addTo(this.cameras);
    }
  }

  clicked(e) {
    if (this.drawing) return; // the click places a vertex of the cut line
    L.DomEvent.stopPropagation(e);
    const item = this.plan.byLayer(e.layer);
    if (!item) return;
    if (e.originalEvent && e.originalEvent.shiftKey && this.primary && item !== this.primary) {
      this.second = this.second === item ? null : item;
      this.restyle();
      this.onSelect(this.primary, this.second);
    } else {
      this.select(item);
    }
  }

  /** Selects a grid (null: none) and, unless read-only, edits its vertices. */
  select(item) {
    if (item === this.primary && !this.second) return;
    this.stopEditing();
    this.primary = item;
    this.second = null;
    if (item) {
      item.layer.bringToFront();
      this.startEditing();
    }
    this.restyle();
    this.onSelect(this.primary, this.second);
  }

  /** Forgets the selection after the plan reloaded (its layers are gone). */
  forget() {
    this.cancelSplit();
    this.stopEditing();
    this.primary = null;
    this.second = null;
    this.onSelect(null, null);
  }

  /** Read-only (an "as of" view): nothing is edited. */
  setReadOnly(readOnly) {
    this.readOnly = readOnly;
    if (readOnly) this.stopEditing();
    else this.startEditing();
  }

  startEditing() {
    const item = this.primary;
    if (!item || this.readOnly || this.drawing || item.state === 'retired') return;
    const { layer } = item;
    layer.pm.enable(EDIT_OPTIONS);
    const neighbours = () => this.plan.live().filter((o) => o !== item).map((o) => o.layer);
    const unglue = glue(layer, neighbours, (layers) => {
      this.plan.touch(...layers.map((l) => this.plan.byLayer(l)).filter(Boolean));
    });
    const edited = () => this.plan.touch(item);
    layer.on('pm:edit', edited);
    this.unglue = () => {
      unglue();
      layer.off('pm:edit', edited);
      if (layer.pm.enabled()) layer.pm.disable();
    };
  }

  /** Edits the selected grid afresh (after its polygon was replaced) and drops the second. */
  refresh() {
    this.stopEditing();
    this.second = null;
    this.startEditing();
    this.restyle();
    this.onSelect(this.primary, this.second);
  }

  stopEditing() {
    if (this.unglue) this.unglue();
    this.unglue = null;
  }

  restyle() {
    for (const item of this.plan.live()) {
      let style = GRID_STYLES[item.state] || GRID_STYLES.kept;
      if (item === this.primary) style = { ...style, ...SELECTED };
      else if (item === this.second) style = { ...style, ...SECOND };
      item.layer.setStyle(style);
    }
  }

  /**
   * Lets the planner draw a cut line (Geoman's line tool); `onLine(lineString)` hears it once
   * it is finished. Editing pauses meanwhile.
   */
  startSplit(onLine) {
    this.cancelSplit();
    this.stopEditing();
    const finished = (e) => {
      const line = e.layer.toGeoJSON(false).geometry;
      this.map.removeLayer(e.layer);
      this.endDrawing();
      onLine(line);
    };
    this.drawing = finished;
    this.map.on('pm:create', finished);
    this.map.pm.enableDraw('Line', {
      snappable: false, templineStyle: CUT_STYLE, hintlineStyle: { ...CUT_STYLE, dashArray: '5 5' },
      pathOptions: { ...CUT_STYLE, pmIgnore: true, snapIgnore: true },
    });
  }

  /** Stops drawing a cut line, if one is being drawn. */
  cancelSplit() {
    if (!this.drawing) return;
    this.map.pm.disableDraw();
    this.endDrawing();
  }

  endDrawing() {
    this.map.off('pm:create', this.drawing);
    this.drawing = null;
    this.startEditing();
  }
}
