// api.js — the service's JSON API, one function per request; errors become ApiError with
// the service's own message (`{"error":{"code","message"}}`).

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** GETs JSON from `path` with optional query `params`. */
export async function getJson(path, params) {
  const query = params ? `?${new URLSearchParams(params)}` : '';
  let response;
  try {
    response = await fetch(`${path}${query}`, { headers: { Accept: 'application/json' } });
  } catch (err) {
    throw new ApiError(0, 'network', err.message);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body && body.error ? body.error : {};
    throw new ApiError(response.status, error.code || 'http', error.message || `HTTP ${response.status}`);
  }
  return body;
}

/** Sends `body` to `path` (JSON, or a FormData as multipart) and answers the JSON reply. */
export async function sendJson(path, body, method = 'POST') {
  const form = body instanceof FormData;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: form ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: form ? body : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, 'network', err.message);
  }
  const reply = await response.json().catch(() => null);
  if (!response.ok) {
    const error = reply && reply.error ? reply.error : {};
    throw new ApiError(response.status, error.code || 'http', error.message || `HTTP ${response.status}`);
  }
  return reply;
}

/** Map settings: bounds, centre, zoom, optional basemap, levels. */
export const mapSettings = () => getJson('/api/map');

/** Grids of one level as a FeatureCollection. */
export const gridsOfLevel = (level) => getJson('/api/grids', { level });

/** One grid with its chain, counts and geometry. */
export const grid = (id) => getJson(`/api/grids/${encodeURIComponent(id)}`);

/** Workers answering for a grid or any grid above it, finest grid first. */
export const responsible = (id) => getJson(`/api/grids/${encodeURIComponent(id)}/responsible`);

/** The chain of grids containing a point (empty outside every grid). */
export const locate = (lon, lat) => getJson('/api/locate', { lon, lat });

/** Every camera, with its chain, as a FeatureCollection. */
export const cameras = () => getJson('/api/cameras');

/** Every worker the caller may see. */
export const workers = () => getJson('/api/workers');

/** The k nearest on-duty workers to a point, with `distance_m`. */
export const nearestWorkers = (lon, lat, k = 5) => getJson('/api/workers/nearest', { lon, lat, k });

/** Grids and cameras matching a code prefix or a name. */
export const search = (q, limit = 10) => getJson('/api/search', { q, limit });

/** One camera as a Feature. */
export const camera = (id) => getJson(`/api/cameras/${encodeURIComponent(id)}`);

/** One worker. */
export const worker = (id) => getJson(`/api/workers/${encodeURIComponent(id)}`);

/** The duty classes with their sub-categories: `{"categories":[…]}`. */
export const categories = () => getJson('/api/categories');

/** A page of incidents, newest first: `{"incidents":[…],"next_before"}`. */
export const incidents = (params) => getJson('/api/incidents', params);

/** One incident by id or case number. */
export const incident = (id) => getJson(`/api/incidents/${encodeURIComponent(id)}`);

/** An incident's timeline: `{"events":[…]}`. */
export const incidentEvents = (id) => getJson(`/api/incidents/${encodeURIComponent(id)}/events`);

/** Files an incident; answers the incident as filed (201). */
export const fileIncident = (report) => sendJson('/api/incidents', report);

/** Takes a step (`{"action","note",…}`); answers the incident after it. */
export const transition = (id, step) => sendJson(`/api/incidents/${encodeURIComponent(id)}/transitions`, step);

/** Uploads a photo file; answers `{id,url,thumbnail_url,width,height}`. */
export function uploadPhoto(file) {
  const form = new FormData();
  form.append('photo', file);
  return sendJson('/api/photos', form);
}

/** Incident statistics per grid (see the README's `/api/stats`). */
export const stats = (params) => getJson('/api/stats', params);
