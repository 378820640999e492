// api.js — the service's JSON API, one function per request; errors become ApiError with
// the service's own message (`{"error":{"code","message"}}`).

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function getJson(path, params) {
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
