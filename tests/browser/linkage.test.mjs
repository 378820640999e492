// linkage.test.mjs — video linkage (视频联动) in headless Chromium against the real service:
// the operator clicks a camera on the command map, raises an alert and calls the nearest
// available worker; the worker's phone rings, the worker accepts and sees the case number,
// the command map's linkage tab shows the call en route, the incident is filed at the camera
// with source `camera`, and the phone reaching the camera marks the call on scene. Declining
// passes the alert to the next candidate, seen ringing on the command map.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  getJson, makeAvailable, openMap, openPage, useServiceAndBrowser, waitForTexts,
} from './helpers.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const CALL_TIMEOUT = 20_000;

/** A point `metres` east of `[lon, lat]`. */
function east([lon, lat], metres) {
  return [lon + metres / (111_320 * Math.cos((lat * Math.PI) / 180)), lat];
}

function metresBetween([lon1, lat1], [lon2, lat2]) {
  const k = Math.PI / 180;
  const x = (lon2 - lon1) * k * Math.cos(((lat1 + lat2) / 2) * k);
  return Math.hypot(x, (lat2 - lat1) * k) * 6_371_000;
}

/** The phone page at phone size, logged in as `worker`, its position near `[lon, lat]`. */
async function openPhone(env, worker, [lon, lat]) {
  const phone = await openPage(env.browser, `${env.service.url}/worker/`, `worker${worker.id}`, {
    ...PHONE, geolocation: { longitude: lon, latitude: lat, accuracy: 8 }, permissions: ['geolocation'],
  });
  await waitForTexts(phone.page, '#me-bar', [worker.name]);
  await phone.page.waitForSelector('#position-status[data-state="sent"]');
  return phone;
}

/** Clicks the camera's marker on the command map, close in so that it is not clustered. */
async function clickCamera(page, camera) {
  const [lon, lat] = camera.geometry.coordinates;
  await page.evaluate(([x, y]) => window.gridlinkMap.setView([y, x], 18, { animate: false }), [lon, lat]);
  const { name, code } = camera.properties;
  await page.locator(`.camera-marker[title="${name} ${code}"]`).click();
  await page.waitForSelector('#panel[data-view="camera"] .raise-alert');
}

describe('video linkage', () => {
  const env = useServiceAndBrowser();
  let cameras;
  let workers;

  async function setUp() {
    if (cameras) return;
    const base = env.service.url;
    cameras = (await getJson(`${base}/api/cameras`)).features.filter((f) => f.properties.chain.length >= 3);
    workers = (await getJson(`${base}/api/workers`)).filter((w) => w.on_duty);
    assert.ok(cameras.length >= 2 && workers.length >= 3, 'the demo town has cameras and on-duty workers');
  }

  /**
   * On-duty workers whose account reaches `camera`: a demo worker's grant is on their first
   * grid, and the service lets a worker answer only calls to cameras within their grant.
   */
  function covering(camera, except = []) {
    const chain = camera.properties.chain.map((g) => g.id);
    return workers.filter((w) => chain.includes(w.grid_ids[0]) && !except.includes(w));
  }

  test('a camera alert calls the nearest worker, who accepts on the phone; the incident is filed at the camera', async () => {
    await setUp();
    const base = env.service.url;
    const camera = cameras.find((c) => covering(c).length >= 1);
    const at = camera.geometry.coordinates;
    const [me] = covering(camera);
    await makeAvailable(base, me, east(at, 60));

    const phone = await openPhone(env, me, east(at, 120));
    const desk = await openMap(env.browser, base);
    try {
      // The operator clicks the camera: its facts, chain, and the worker among the candidates.
      await clickCamera(desk.page, camera);
      await waitForTexts(desk.page, '#panel', [camera.properties.code, camera.properties.name, '网格归属', '报警并呼叫最近网格员']);
      await desk.page.waitForSelector(`#panel .candidate[data-worker-id="${me.id}"] .call-candidate`);
      await desk.page.locator('#tab-linkage').click();

      // Alert & call nearest.
      await desk.page.locator('#panel textarea[name="note"]').fill('路口有人员聚集,请核实');
      await desk.page.locator('#panel .raise-alert').click();
      await desk.page.waitForSelector(`#linkage .call-row[data-worker-id="${me.id}"][data-status="ringing"]`);
      await waitForTexts(desk.page, '#linkage', [camera.properties.name, '待响应', '呼叫中']);

      // The phone rings with the camera, the note and a countdown; the worker accepts.
      await phone.page.waitForSelector('#call-card[data-status="ringing"]');
      await waitForTexts(phone.page, '#call-card', [camera.properties.name, '路口有人员聚集', '剩余', '接受', '拒绝']);
      await phone.page.locator('#call-accept').click();
      await phone.page.waitForSelector('#call-card[data-status="accepted"] #call-case');
      const caseNumber = (await phone.page.locator('#call-case').textContent()).trim();
      assert.match(caseNumber, /^SJ\d{8}-\d{6}$/);
      await waitForTexts(phone.page, '#call-card', ['赶赴中']);

      // The command map sees the call accepted with the case number, live.
      await desk.page.waitForSelector(`#linkage .call-row[data-worker-id="${me.id}"][data-status="accepted"]`);
      await waitForTexts(desk.page, '#linkage', ['已响应', '赶赴中', caseNumber]);

      // The incident: source camera, at the camera.
      const { calls } = await getJson(`${base}/api/calls?worker_id=${me.id}&status=accepted`);
      const call = calls.find((c) => c.case_number === caseNumber);
      assert.ok(call, `no accepted call with ${caseNumber}`);
      const incident = await getJson(`${base}/api/incidents/${call.incident_id}`);
      assert.equal(incident.case_number, caseNumber);
      assert.equal(incident.source, 'camera');
      assert.ok(metresBetween([incident.lon, incident.lat], at) < 1, `incident at ${incident.lon},${incident.lat}, camera at ${at}`);

      // The phone reaches the camera: on scene, on both pages.
      await phone.context.setGeolocation({ longitude: at[0], latitude: at[1], accuracy: 5 });
      await phone.page.waitForSelector('#call-card[data-status="on_scene"]', { timeout: CALL_TIMEOUT });
      await waitForTexts(phone.page, '#call-card', ['已到场', caseNumber]);
      await desk.page.waitForSelector(`#linkage .call-row[data-worker-id="${me.id}"][data-status="on_scene"]`);

      // The case number opens the incident's detail.
      await desk.page.locator(`#linkage .call-row[data-worker-id="${me.id}"] .case-link`).click();
      await desk.page.waitForSelector('#panel[data-view="incident"]');
      await waitForTexts(desk.page, '#panel', [caseNumber, '视频发现']);

      assert.deepEqual(desk.errors, [], desk.errors.join('\n'));
      assert.deepEqual(phone.errors, [], phone.errors.join('\n'));
    } finally {
      await desk.context.close();
      await phone.context.close();
    }
  });

  test('a declined call passes the alert to the next candidate, ringing on the command map', async () => {
    await setUp();
    const base = env.service.url;
    const first = cameras.find((c) => covering(c).length >= 1).geometry.coordinates;
    const camera = cameras.find((c) => metresBetween(c.geometry.coordinates, first) > 3000 && covering(c).length >= 2);
    assert.ok(camera, 'a camera far from the first one that two workers\' accounts reach');
    const at = camera.geometry.coordinates;
    const [nearer, farther] = covering(camera);
    await makeAvailable(base, nearer, east(at, 40));
    await makeAvailable(base, farther, east(at, 250));

    const phone = await openPhone(env, nearer, east(at, 90));
    const desk = await openMap(env.browser, base);
    try {
      // This time through the search box, by the camera's code.
      await desk.page.locator('#search-input').fill(camera.properties.code);
      await desk.page.locator(`#search-results .search-option[data-kind="camera"][data-code="${camera.properties.code}"]`).click();
      await desk.page.waitForSelector(`#panel[data-view="camera"] .candidate[data-worker-id="${farther.id}"]`);
      await desk.page.locator('#tab-linkage').click();
      await desk.page.locator('#panel textarea[name="note"]').fill('河边有人落水风险');
      await desk.page.locator('#panel .raise-alert').click();

      await phone.page.waitForSelector('#call-card[data-status="ringing"]');
      const { alerts } = await getJson(`${base}/api/alerts?limit=5`);
      const listed = alerts.find((a) => a.camera.id === camera.id);
      assert.ok(listed, 'the alert is listed');
      const alert = await getJson(`${base}/api/alerts/${listed.id}`);
      assert.equal(alert.calls[0].worker_id, nearer.id, 'the nearest candidate is called first');
      const next = alert.candidates.find((c) => c.worker_id !== nearer.id);
      assert.ok(next, 'a second candidate');

      await phone.page.locator('#call-decline').click();
      await phone.page.waitForSelector('#call-card[data-status="declined"]');
      await waitForTexts(phone.page, '#call-card', ['已拒绝']);

      const row = `#linkage .alert-row[data-alert-id="${alert.id}"]`;
      await desk.page.waitForSelector(`${row} .call-row[data-worker-id="${nearer.id}"][data-status="declined"]`);
      await desk.page.waitForSelector(`${row} .call-row[data-worker-id="${next.worker_id}"][data-status="ringing"]`);
      await waitForTexts(desk.page, row, ['已拒绝', '呼叫中', next.name]);
      await desk.page.waitForSelector(`#panel .alert-summary .call-row[data-worker-id="${next.worker_id}"][data-status="ringing"]`);

      assert.deepEqual(desk.errors, [], desk.errors.join('\n'));
      assert.deepEqual(phone.errors, [], phone.errors.join('\n'));
    } finally {
      await desk.context.close();
      await phone.context.close();
    }
  });
});
