// helpers.mjs — what the browser tests share: start the real service on a free port with a
// fresh SQLite database (its demo accounts all with DEMO_PASSWORD), launch Debian's Chromium
// through playwright-core, log in through the log-in page as the role a page needs, open the
// map and collect console errors, call the API as a demo account, and wait for conditions
// instead of sleeping.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const CHROMIUM = process.env.GRIDLINK_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const START_TIMEOUT_MS = 120_000;

/**
 * The password of every demo account the service seeds (admin, dispatcher, chief,
 * department, planner, leader, analytics and `worker<id>` for each grid worker).
 */
export const DEMO_PASSWORD = 'browser-tests-password';

function binary() {
  if (process.env.GRIDLINK_BIN) return process.env.GRIDLINK_BIN;
  const target = process.env.CARGO_TARGET_DIR || path.join(REPO, 'target');
  return path.join(target, 'debug', 'gridlink');
}

/**
 * Starts `gridlink serve` on 127.0.0.1:0 with a new SQLite database (seeded with the demo
 * town) and resolves once it logs the address it listens on.
 * @returns {Promise<{url: string, stop: () => Promise<void>}>}
 */
export async function startService() {
  const dir = await mkdtemp(path.join(tmpdir(), 'gridlink-browser-'));
  const child = spawn(binary(), [
    'serve', '--bind', '127.0.0.1:0', '--database-url', `sqlite:${path.join(dir, 'db')}`,
  ], {
    cwd: REPO,
    env: { ...process.env, RUST_LOG: 'gridlink=info', GRIDLINK_DEMO_PASSWORD: DEMO_PASSWORD },
    stdio: ['ignore', 'ignore', 'pipe'],
  });

  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start in time:\n${log}`)), START_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${binary()} (build it with cargo build, or set GRIDLINK_BIN): ${err.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before listening:\n${log}`));
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log += chunk;
      // eslint-disable-next-line no-control-regex
      const match = log.replace(/\x1b\[[0-9;]*m/g, '').match(/gridlink listening addr=(\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(`http://${match[1]}`);
      }
    });
  });
  child.removeAllListeners('exit');

  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Launches headless Chromium from Debian's package (never a downloaded browser). */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Starts the service and a browser before the tests of the enclosing `describe` and stops
 * both after them; the returned object's `service` and `browser` are set once started.
 */
export function useServiceAndBrowser() {
  const env = { service: undefined, browser: undefined };
  before(async () => {
    env.service = await startService();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.service?.stop();
  });
  return env;
}

/**
 * Logs in on the log-in page shown in `page` (fills the form and submits it); the page then
 * goes wherever the log-in page sends it.
 */
export async function logIn(page, username, password = DEMO_PASSWORD) {
  await page.locator('#login-form').waitFor();
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#login-submit').click();
}

/**
 * Opens `url` in a fresh context made with `contextOptions` as the demo account `as`: the
 * page sends the browser to the log-in page, the test logs in there, and the browser comes
 * back to `url`. Resolves once the page marks itself ready (`ready(page)`); `errors` collects
 * console errors and uncaught page errors from then on (the 401s that sent the browser to log
 * in are not the page's errors).
 */
async function openAs(browser, url, as, contextOptions, ready) {
  const context = await browser.newContext({ locale: 'zh-CN', ...contextOptions });
  const page = await context.newPage();
  const errors = [];
  let collecting = false;
  page.on('console', (msg) => {
    if (collecting && msg.type() === 'error') errors.push(`console: ${msg.text()} ${msg.location().url || ''}`.trim());
  });
  page.on('pageerror', (err) => {
    if (collecting) errors.push(`pageerror: ${err.message}`);
  });
  await page.goto(url);
  await page.waitForURL(/\/login\/\?next=/);
  await logIn(page, as);
  await page.waitForURL((u) => !u.pathname.startsWith('/login/'));
  collecting = true;
  await ready(page);
  return { context, page, errors };
}

/**
 * Opens the map in a fresh context as `as` (the dispatcher unless told) and waits until it
 * is ready; `errors` collects console errors and uncaught page errors.
 */
export function openMap(browser, url, { locale = 'zh-CN', as = 'dispatcher' } = {}) {
  return openAs(browser, url, as, { viewport: { width: 1440, height: 900 }, locale },
    (page) => page.waitForFunction(() => document.body.dataset.ready === 'true' && window.gridlinkMap));
}

/** Waits until the element matching `selector` contains every one of `texts`. */
export async function waitForTexts(page, selector, texts, timeout = 15_000) {
  try {
    await page.waitForFunction(({ selector: s, texts: want }) => {
      const el = document.querySelector(s);
      return el && want.every((text) => el.textContent.includes(text));
    }, { selector, texts }, { timeout });
  } catch (err) {
    const actual = await page.locator(selector).first().textContent().catch(() => '(missing)');
    throw new Error(`${selector} never showed ${JSON.stringify(texts)}; it shows: ${actual}`, { cause: err });
  }
}

/** The page coordinates of a lon/lat on the map, via the map exposed as `window.gridlinkMap`. */
export function pagePoint(page, lon, lat) {
  return page.evaluate(([x, y]) => {
    const map = window.gridlinkMap;
    const point = map.latLngToContainerPoint([y, x]);
    const box = map.getContainer().getBoundingClientRect();
    return { x: box.left + point.x, y: box.top + point.y };
  }, [lon, lat]);
}

/** Centres the map on a lon/lat without animation, so that it is on screen. */
export function centreOn(page, { lon, lat }) {
  return page.evaluate(([x, y]) => window.gridlinkMap.setView([y, x], window.gridlinkMap.getZoom(), { animate: false }), [lon, lat]);
}

/** Every session the tests' own requests hold, by service and username: its cookie. */
const sessions = new Map();

/** Logs `username` in to the service at `base` once and answers the session's cookie. */
export function sessionCookie(base, username) {
  const key = `${base} ${username}`;
  if (!sessions.has(key)) {
    sessions.set(key, (async () => {
      const response = await fetch(`${base}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: DEMO_PASSWORD }),
      });
      if (!response.ok) throw new Error(`log-in of ${username}: HTTP ${response.status} ${await response.text()}`);
      return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    })());
  }
  return sessions.get(key);
}

/**
 * `fetch` as the demo account `as`: with its session cookie and, as the service wants of a
 * change made with a cookie, this site's Origin.
 */
export async function fetchAs(url, init = {}, as = 'dispatcher') {
  const { origin } = new URL(url);
  const cookie = await sessionCookie(origin, as);
  return fetch(url, { ...init, headers: { ...(init.headers || {}), cookie, origin } });
}

/** GETs JSON from the service as `as` (the dispatcher unless told). */
export async function getJson(url, as = 'dispatcher') {
  const response = await fetchAs(url, {}, as);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/**
 * Opens `url` in a fresh context made with `contextOptions` (viewport, locale, geolocation…)
 * as the demo account `as` and waits until the page marks itself ready
 * (`body[data-ready=true]`); `errors` collects console errors and uncaught page errors.
 */
export function openPage(browser, url, as, contextOptions = {}) {
  return openAs(browser, url, as, contextOptions,
    (page) => page.waitForFunction(() => document.body.dataset.ready === 'true'));
}

/** Sends JSON to the service as `as` and answers the reply's JSON; a non-2xx status throws. */
export async function sendJson(method, url, body, as = 'dispatcher') {
  const response = await fetchAs(url, {
    method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  }, as);
  const reply = await response.json().catch(() => null);
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${JSON.stringify(reply)}`);
  return reply;
}

/** POSTs JSON to the service as `as` (the dispatcher unless told); a non-2xx status throws. */
export function postJson(url, body, as = 'dispatcher') {
  return sendJson('POST', url, body, as);
}

/** An all-day shift every day of the week (`from` equal to `to`). */
const ALL_DAY = { shifts: [{ weekdays: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '00:00' }] };

/**
 * Makes `worker` (on duty) available to be called: an all-day shift (set by the dispatcher)
 * and a fresh position at `[lon, lat]` (reported by the worker's own account, as only they
 * may); answers the worker's view.
 */
export async function makeAvailable(base, worker, [lon, lat]) {
  await sendJson('PUT', `${base}/api/workers/${worker.id}/shifts`, ALL_DAY);
  const view = await postJson(`${base}/api/workers/${worker.id}/positions`, {
    lon, lat, accuracy_m: 8, at: new Date().toISOString(),
  }, `worker${worker.id}`);
  if (!view.available) throw new Error(`${worker.name} is not available: ${JSON.stringify(view)}`);
  return view;
}
