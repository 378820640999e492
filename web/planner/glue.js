// glue.js — shared vertices stay shared. Neighbouring grids share vertices exactly (the same
// coordinates), and Geoman free edits one layer at a time, so the edited layer's vertex events
// are followed here: a dragged vertex moves every neighbour vertex that stood at the same
// point, a vertex added on a shared edge goes into the neighbour's ring too, and a vertex
// removed from a shared edge leaves the neighbour's ring as well.

const L = window.L;

const same = (a, b) => a.lat === b.lat && a.lng === b.lng;

/** Every ring of a polygon's latlngs (nested for holes and multipolygons) with its path. */
export function ringsOf(latlngs, path = [], out = []) {
  if (!latlngs.length) return out;
  if (!Array.isArray(latlngs[0])) {
    out.push({ ring: latlngs, path });
    return out;
  }
  latlngs.forEach((child, i) => ringsOf(child, [...path, i], out));
  return out;
}

function ringAt(latlngs, path) {
  return path.reduce((node, i) => (node ? node[i] : undefined), latlngs);
}

/** Where `latlng` stands in `layer`'s rings: `[{path, index}]`. */
export function vertexAt(layer, latlng) {
  const found = [];
  for (const { ring, path } of ringsOf(layer.getLatLngs())) {
    ring.forEach((v, index) => { if (same(v, latlng)) found.push({ path, index }); });
  }
  return found;
}

/** Changes the vertices at `places` of `layer` to `latlng` and redraws it. */
function moveVertices(layer, places, latlng) {
  const latlngs = layer.getLatLngs();
  for (const { path, index } of places) ringAt(latlngs, path)[index] = L.latLng(latlng.lat, latlng.lng);
  layer.setLatLngs(latlngs);
}

/**
 * Inserts `latlng` into every ring of `layer` where `a` and `b` are consecutive (the edge a–b
 * is shared); answers whether it did.
 */
export function insertOnEdge(layer, a, b, latlng) {
  const latlngs = layer.getLatLngs();
  let inserted = false;
  for (const { ring } of ringsOf(latlngs)) {
    for (let i = 0; i < ring.length; i += 1) {
      const j = (i + 1) % ring.length;
      if ((same(ring[i], a) && same(ring[j], b)) || (same(ring[i], b) && same(ring[j], a))) {
        ring.splice(i + 1, 0, L.latLng(latlng.lat, latlng.lng));
        inserted = true;
        break;
      }
    }
  }
  if (inserted) layer.setLatLngs(latlngs);
  return inserted;
}

/**
 * Removes `latlng` from every ring of `layer` where it stands between `a` and `b` (the edges
 * a–v–b were shared); answers whether it did.
 */
export function removeBetween(layer, a, b, latlng) {
  const latlngs = layer.getLatLngs();
  let removed = false;
  for (const { ring } of ringsOf(latlngs)) {
    if (ring.length <= 3) continue;
    const i = ring.findIndex((v) => same(v, latlng));
    if (i < 0) continue;
    const prev = ring[(i + ring.length - 1) % ring.length];
    const next = ring[(i + 1) % ring.length];
    if ((same(prev, a) && same(next, b)) || (same(prev, b) && same(next, a))) {
      ring.splice(i, 1);
      removed = true;
    }
  }
  if (removed) layer.setLatLngs(latlngs);
  return removed;
}

/** Planar distance from `p` to the segment a–b in degrees, longitude scaled by latitude. */
function distanceToSegment(p, a, b) {
  const k = Math.cos((p.lat * Math.PI) / 180);
  const [px, py, ax, ay, bx, by] = [p.lng * k, p.lat, a.lng * k, a.lat, b.lng * k, b.lat];
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const u = len2 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  return Math.hypot(px - (ax + u * dx), py - (ay + u * dy));
}

/** About a centimetre: a vertex this close to an edge was meant to be on it. */
const ON_EDGE = 1e-7;

/**
 * Puts `latlng` into every ring of `layer` with an edge it lies on (within a centimetre) and
 * no vertex there yet, so a point a cut made on a shared edge is shared too; answers whether
 * it did.
 */
export function insertOnNearEdge(layer, latlng) {
  const latlngs = layer.getLatLngs();
  let inserted = false;
  for (const { ring } of ringsOf(latlngs)) {
    if (ring.some((v) => same(v, latlng))) continue;
    for (let i = 0; i < ring.length; i += 1) {
      const j = (i + 1) % ring.length;
      if (distanceToSegment(latlng, ring[i], ring[j]) < ON_EDGE) {
        ring.splice(i + 1, 0, L.latLng(latlng.lat, latlng.lng));
        inserted = true;
        break;
      }
    }
  }
  if (inserted) layer.setLatLngs(latlngs);
  return inserted;
}

/**
 * Glues `layer` (being edited with Geoman) to its neighbours: `neighbours()` answers the
 * other polygons of the level, `onGlued(layers)` hears which neighbours changed after each
 * edit. Answers a function that unglues.
 */
export function glue(layer, neighbours, onGlued) {
  let dragged = null;

  const onDragStart = (e) => {
    const start = ringAt(layer.getLatLngs(), e.indexPath.slice(0, -1))[e.indexPath.at(-1)];
    const from = L.latLng(start.lat, start.lng);
    const followers = neighbours()
      .map((other) => ({ layer: other, places: vertexAt(other, from) }))
      .filter((f) => f.places.length);
    // A follower must not be a snap target: it moves with the vertex and would hold it back.
    for (const f of followers) f.layer.options.snapIgnore = true;
    delete layer.pm._snapList;
    dragged = { from, followers };
  };

  const follow = (latlng) => {
    if (!dragged) return;
    for (const f of dragged.followers) moveVertices(f.layer, f.places, latlng);
  };

  const onDrag = (e) => follow(e.markerEvent.target.getLatLng());

  const onDragEnd = (e) => {
    if (!dragged) return;
    follow(e.markerEvent.target.getLatLng());
    for (const f of dragged.followers) delete f.layer.options.snapIgnore;
    const moved = !same(dragged.from, e.markerEvent.target.getLatLng());
    const glued = dragged.followers.map((f) => f.layer);
    dragged = null;
    if (moved) onGlued(glued);
  };

  // The ring an event's vertex is (or was) in, and its index there; null once the ring went.
  const placeOf = (e) => {
    const ring = e.indexPath ? ringAt(layer.getLatLngs(), e.indexPath.slice(0, -1)) : null;
    return Array.isArray(ring) && ring.length >= 2 ? { ring, i: e.indexPath.at(-1) } : null;
  };

  const onVertexAdded = (e) => {
    const place = placeOf(e);
    if (!place) return;
    const { ring, i } = place;
    const prev = ring[(i + ring.length - 1) % ring.length];
    const next = ring[(i + 1) % ring.length];
    onGlued(neighbours().filter((other) => insertOnEdge(other, prev, next, e.latlng)));
  };

  const onVertexRemoved = (e) => {
    // After the removal the vertex's old neighbours stand at i - 1 and i.
    const place = placeOf(e);
    if (!place) return;
    const { ring, i } = place;
    const prev = ring[(i + ring.length - 1) % ring.length];
    const next = ring[i % ring.length];
    const gone = e.marker.getLatLng();
    onGlued(neighbours().filter((other) => removeBetween(other, prev, next, gone)));
  };

  layer.on('pm:markerdragstart', onDragStart);
  layer.on('pm:markerdrag', onDrag);
  layer.on('pm:markerdragend', onDragEnd);
  layer.on('pm:vertexadded', onVertexAdded);
  layer.on('pm:vertexremoved', onVertexRemoved);
  return () => {
    layer.off('pm:markerdragstart', onDragStart);
    layer.off('pm:markerdrag', onDrag);
    layer.off('pm:markerdragend', onDragEnd);
    layer.off('pm:vertexadded', onVertexAdded);
    layer.off('pm:vertexremoved', onVertexRemoved);
  };
}
