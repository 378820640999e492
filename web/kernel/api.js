// api.js — the service's JSON API, one function per request; errors become ApiError with
// the service's own message (`{"error":{"code","message"}}`) and the whole reply as `body`
// (a 422 of the planner's apply carries its remaining `problems` beside the error).
// Requests go with the session cookie (same origin); a 401 `unauthenticated` (the session
// expired or was ended elsewhere) is also told to the handler set with `onUnauthenticated`,
// so a page sends its user to log in again instead of showing a failure in every view.

export class ApiError extends Error {
  constructor(status, code, message, body = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

let unauthenticated = null;

/** Sets what runs when a request answers 401 `unauthenticated` (session.js: to the log-in page). */
export function onUnauthenticated(fn) {
  unauthenticated = fn;
}

async function request(path, init = {}) {
  let response;
  try {
    response = await fetch(path, { ...init, headers: { Accept: 'application/json', ...(init.headers || {}) } });
  } catch (err) {
    throw new ApiError(0, 'network', err.message);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body && body.error ? body.error : {};
    if (response.status === 401 && error.code === 'unauthenticated' && unauthenticated) unauthenticated();
    throw new ApiError(response.status, error.code || 'http', error.message || `HTTP ${response.status}`, body);
  }
  return body;
}

// Parameters that are undefined, null or '' are left out of the query.
function getJson(path, params) {
  const given = Object.entries(params || {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  const query = given.length ? `?${new URLSearchParams(given)}` : '';
  return request(`${path}${query}`);
}

function sendJson(method, path, body) {
  return request(path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const postJson = (path, body) => sendJson('POST', path, body);

const remove = (path) => request(path, { method: 'DELETE' });

const seg = (id) => encodeURIComponent(id);

/** Logs in: answers `{user}` (with `permissions`) and sets the session cookie. */
export const logIn = (username, password) => postJson('/api/session', { username, password });

/** Logs out: ends the session and clears its cookie. */
export const logOut = () => remove('/api/session');

/** Who is signed in: `{user}`; a 401 when nobody is. */
export const me = () => getJson('/api/me');

/** Changes one's own password; answers `{user}` (every other session of the account ends). */
export const changePassword = (current, next) => sendJson('PUT', '/api/me/password',
  { current_password: current, new_password: next });

/** Every role with its titles and permissions: `{roles}` (users.manage). */
export const roles = () => getJson('/api/roles');

/** Every account: `{users}` (users.manage). */
export const users = () => getJson('/api/users');

/** Creates an account (`{username, display_name, password, worker_id, department, grants}`). */
export const createUser = (user) => postJson('/api/users', user);

/** One account. */
export const user = (id) => getJson(`/api/users/${seg(id)}`);

/** Changes an account's `display_name`, `enabled` or `password`; answers the account. */
export const changeUser = (id, change) => sendJson('PATCH', `/api/users/${seg(id)}`, change);

/** Grants a role (`{role, grid_code}`, no code for everywhere); answers the grant. */
export const addGrant = (userId, grant) => postJson(`/api/users/${seg(userId)}/grants`, grant);

/** Takes a grant away. */
export const removeGrant = (userId, grantId) => remove(`/api/users/${seg(userId)}/grants/${seg(grantId)}`);

/** An account's API tokens: `{tokens}`, never the secrets. */
export const tokens = (userId) => getJson(`/api/users/${seg(userId)}/tokens`);

/** Makes a token: `{token, info}`; the secret `token` is shown this once only. */
export const createToken = (userId, label, days) => postJson(`/api/users/${seg(userId)}/tokens`,
  days ? { label, days } : { label });

/** Revokes a token; answers its info. */
export const revokeToken = (id) => remove(`/api/tokens/${seg(id)}`);

/** A page of the audit trail, newest first: `{entries, next_before}` (audit.read). */
export const audit = (filter) => getJson('/api/audit', filter);

/** Map settings: bounds, centre, zoom, optional basemap, levels. */
export const mapSettings = () => getJson('/api/map');

/** Grids of one level as a FeatureCollection; as they were at `asOf` (RFC 3339) when given. */
export const gridsOfLevel = (level, asOf) => getJson('/api/grids', { level, as_of: asOf });

/** The levels of the hierarchy: `[{level, name_zh, name_en}]`. */
export const levels = () => getJson('/api/levels');

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

/** One worker. */
export const worker = (id) => getJson(`/api/workers/${encodeURIComponent(id)}`);

/** Every grid of every level as a FeatureCollection. */
export const allGrids = () => getJson('/api/grids');

/** Incident statistics of a grid and the grids below it (`/api/stats`, JSON). */
export const stats = (params) => getJson('/api/stats', params);

/** The k nearest available workers to a point, with `distance_m`, `eta_s` and `responsible`. */
export const nearestWorkers = (lon, lat, k = 5) => getJson('/api/workers/nearest', { lon, lat, k });

/** Grids and cameras matching a code prefix or a name. */
export const search = (q, limit = 10) => getJson('/api/search', { q, limit });

/** One camera as a Feature. */
export const camera = (id) => getJson(`/api/cameras/${encodeURIComponent(id)}`);

/** The duty classes with their sub-categories and time limits. */
export const categories = () => getJson('/api/categories');

/** A page of incidents, newest first: `{incidents, next_before}`. */
export const incidents = (filter) => getJson('/api/incidents', filter);

/** One incident by id or case number. */
export const incident = (id) => getJson(`/api/incidents/${encodeURIComponent(id)}`);

/** An incident's timeline: `{events: [...]}`, oldest first. */
export const incidentEvents = (id) => getJson(`/api/incidents/${encodeURIComponent(id)}/events`);

/** Files a report; answers the incident with its `likely_duplicates`. */
export const fileIncident = (report) => postJson('/api/incidents', report);

/** Takes a step (`{action, note, …}`) on an incident; answers the incident. */
export const transition = (id, step) => postJson(`/api/incidents/${encodeURIComponent(id)}/transitions`, step);

/** Uploads a photo (a File); answers `{id, url, thumbnail_url, …}`. */
export function uploadPhoto(file) {
  const form = new FormData();
  form.append('photo', file);
  return request('/api/photos', { method: 'POST', body: form });
}

/** Today's patrol tracks (China date, or `date` YYYY-MM-DD): one LineString per worker. */
export const tracks = (date) => getJson('/api/tracks', { date });

/** Reports where a worker is (`{lon, lat, accuracy_m, at}`); answers the worker. */
export const reportPosition = (id, fix) => postJson(`/api/workers/${encodeURIComponent(id)}/positions`, fix);

/**
 * Raises an alert at a camera: `note`, and `snapshot` (a File) when the operator picked
 * one, sent as multipart; answers the alert report.
 */
export function raiseAlert(cameraId, { note, snapshot }) {
  const path = `/api/cameras/${encodeURIComponent(cameraId)}/alerts`;
  if (!snapshot) return postJson(path, { note, source: 'operator' });
  const form = new FormData();
  form.append('note', note);
  form.append('source', 'operator');
  form.append('snapshot', snapshot);
  return request(path, { method: 'POST', body: form });
}

/** The newest alerts, of one camera when `cameraId` is given: `{alerts: [...]}`. */
export const alerts = (limit = 50, cameraId = undefined) =>
  getJson('/api/alerts', { limit, camera_id: cameraId });

/** One alert report. */
export const alert = (id) => getJson(`/api/alerts/${encodeURIComponent(id)}`);

/** Calls a worker to an alert's camera: `workerId`, or the first candidate not yet called. */
export const callWorker = (alertId, workerId) => postJson(`/api/alerts/${encodeURIComponent(alertId)}/calls`,
  workerId ? { worker_id: workerId } : {});

/** A worker's calls in some statuses: `{calls: [...]}`. */
export const calls = (workerId, statuses) => getJson('/api/calls', { worker_id: workerId, status: statuses });

/** The called worker accepts: answers the call with its incident. */
export const acceptCall = (id) => postJson(`/api/calls/${encodeURIComponent(id)}/accept`, {});

/** The called worker declines: the alert passes to the next candidate. */
export const declineCall = (id, reason) => postJson(`/api/calls/${encodeURIComponent(id)}/decline`, reason ? { reason } : {});

/** Every version of a grid as a FeatureCollection (`version, valid_from, valid_to, …`). */
export const gridHistory = (id) => getJson(`/api/grids/${encodeURIComponent(id)}/history`);

/** Where a level's grids download as GeoJSON. */
export const gridsExportUrl = (level) => `/api/grids/export?${new URLSearchParams({ level })}`;

/** Cuts a grid in two along a GeoJSON LineString: `{parts: [MultiPolygon, MultiPolygon]}`. */
export const splitGrid = (gridId, line) => postJson('/api/planning/split', { grid_id: gridId, line });

/** The union of two grids: `{geometry: MultiPolygon}`. */
export const mergeGrids = (ids) => postJson('/api/planning/merge', { grid_ids: ids });

/** Proposes a change set (`{reason, grids: [...]}`; the author is who is signed in); answers it with problems and impact. */
export const proposeChangeset = (changeset) => postJson('/api/changesets', changeset);

/** Proposes a redrawn level from a GeoJSON file; answers the change set like `proposeChangeset`. */
export const importChangeset = (level, reason, file) => request(
  `/api/changesets/import?${new URLSearchParams({ level, reason })}`,
  { method: 'POST', headers: { 'Content-Type': 'application/geo+json' }, body: file },
);

/** Applies a proposed change set: answers it with `status: "applied"`. */
export const applyChangeset = (id) => postJson(`/api/changesets/${encodeURIComponent(id)}/apply`, {});

/** Discards a proposed change set. */
export const discardChangeset = (id) => postJson(`/api/changesets/${encodeURIComponent(id)}/discard`, {});
