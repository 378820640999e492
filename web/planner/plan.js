// plan.js — the level being planned: every grid of the level with its Leaflet polygon and its
// state (kept, reshaped, retired, new), and the change set entries those states make. Views
// listen with `onChange`; the planner's edits go through `touch`, `reshape`, `retire`, `addNew`.

const L = window.L;

/** A polygon layer from a GeoJSON Polygon or MultiPolygon (MultiPolygon keeps its nesting). */
export function polygonFrom(geometry, options = {}) {
  return L.polygon(latLngsOf(geometry), options);
}

/** Leaflet latlngs of a GeoJSON Polygon or MultiPolygon. */
export function latLngsOf(geometry) {
  return L.GeoJSON.coordsToLatLngs(geometry.coordinates, geometry.type === 'MultiPolygon' ? 2 : 1);
}

/** A layer's geometry as GeoJSON, coordinates unrounded (shared vertices must stay identical). */
export function geometryOf(layer) {
  return layer.toGeoJSON(false).geometry;
}

export class Plan {
  /** `group` is the Leaflet group the live grids' polygons are kept in. */
  constructor(group) {
    this.group = group;
    this.items = new Map();
    this.features = [];
    this.listeners = [];
    this.newCount = 0;
  }

  /** Calls `fn(reason)` after every change: 'load' or 'edit'. */
  onChange(fn) {
    this.listeners.push(fn);
  }

  emit(reason) {
    for (const fn of this.listeners) fn(reason);
  }

  /** Starts over from the level's grids (GeoJSON features with `id, version, parent_id…`). */
  load(features) {
    this.group.clearLayers();
    this.items.clear();
    this.features = features;
    this.newCount = 0;
    for (const f of features) {
      const p = f.properties;
      this.put({
        key: `g${p.id}`, id: p.id, version: p.version, parentId: p.parent_id, props: p,
        name: p.name, original: f.geometry, state: 'kept',
      });
    }
    this.emit('load');
  }

  /** Drops every edit: back to the grids as loaded. */
  undoAll() {
    this.load(this.features);
  }

  put(item) {
    item.layer = polygonFrom(item.original, { gridKey: item.key });
    this.items.set(item.key, item);
    this.group.addLayer(item.layer);
    return item;
  }

  /** The grids still on the map (not retired). */
  live() {
    return [...this.items.values()].filter((item) => item.state !== 'retired');
  }

  /** The grid whose polygon is `layer`. */
  byLayer(layer) {
    return this.items.get(layer.options.gridKey);
  }

  /** A loaded grid by its code. */
  byCode(code) {
    return [...this.items.values()].find((item) => item.props.code === code);
  }

  /** Marks grids whose polygon the planner changed (a new grid stays new). */
  touch(...items) {
    for (const item of items) if (item.state === 'kept') item.state = 'reshaped';
    this.emit('edit');
  }

  /** Gives a grid a new shape (a GeoJSON Polygon or MultiPolygon). */
  reshape(item, geometry) {
    item.layer.setLatLngs(latLngsOf(geometry));
    this.touch(item);
  }

  /** Retires a grid: a stored one is sent with a null geometry, a new one simply goes. */
  retire(item) {
    this.group.removeLayer(item.layer);
    if (item.state === 'new') this.items.delete(item.key);
    else item.state = 'retired';
    this.emit('edit');
  }

  /** Adds a new grid under `parentId`; the service gives it its code. */
  addNew(parentId, geometry, name) {
    this.newCount += 1;
    const item = this.put({
      key: `n${this.newCount}`, id: null, version: null, parentId,
      props: { name, code: '', parent_id: parentId }, name, original: geometry, state: 'new',
    });
    this.emit('edit');
    return item;
  }

  /** The grids that differ from what was loaded. */
  changes() {
    return [...this.items.values()].filter((item) => item.state !== 'kept');
  }

  /** The `grids` of a change set: reshaped, retired (geometry null) and new grids. */
  entries() {
    return this.changes().map((item) => {
      if (item.state === 'retired') return { id: item.id, version: item.version, geometry: null };
      if (item.state === 'new') {
        const entry = { parent_id: item.parentId, geometry: geometryOf(item.layer) };
        if (item.name && item.name.trim()) entry.name = item.name.trim();
        return entry;
      }
      return { id: item.id, version: item.version, geometry: geometryOf(item.layer) };
    });
  }
}
