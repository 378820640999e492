// worker.test.mjs — the grid worker's phone page at phone size: log in as yourself, report an
// incident with a camera photo at the phone's position, find it among your grid's open
// incidents, and record handling it with a note, seen on the timeline; the page is
// whoever logs in, in either language.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { getJson, openPage, postJson, useServiceAndBrowser, waitForTexts } from './helpers.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const HERE = { longitude: 119.65, latitude: 31.17, accuracy: 12 };

/** A small RGB PNG (a gradient), made here so the test needs no fixture file. */
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (kind, data) => {
    const body = Buffer.concat([Buffer.from(kind, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    rows.push(0);
    for (let x = 0; x < width; x += 1) rows.push((x * 4) & 255, (y * 4) & 255, 128);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from(rows))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('worker page', () => {
  const env = useServiceAndBrowser();

  test('/worker redirects to the page', async () => {
    const response = await fetch(`${env.service.url}/worker`, { redirect: 'manual' });
    assert.ok([301, 302, 303, 307, 308].includes(response.status), `status ${response.status}`);
    assert.match(response.headers.get('location'), /\/worker\/$/);
  });

  test('a worker reports with a photo, finds the case in their grid and records handling it', async () => {
    const base = env.service.url;
    const { chain } = await getJson(`${base}/api/locate?lon=${HERE.longitude}&lat=${HERE.latitude}`);
    const comprehensive = chain.find((g) => g.level === 3);
    const finest = chain[chain.length - 1];
    const workers = await getJson(`${base}/api/workers?grid=${comprehensive.id}&role=full_time`);
    const me = workers.find((w) => w.grid_ids.includes(comprehensive.id));
    assert.ok(me, `no full-time worker in ${comprehensive.name}`);

    const { context, page, errors } = await openPage(env.browser, `${base}/worker/`, `worker${me.id}`, {
      ...PHONE, geolocation: HERE, permissions: ['geolocation'],
    });
    try {
      // Who am I: whoever logged in.
      await waitForTexts(page, '#me-bar', [me.name, '专职网格员', comprehensive.name]);

      // Report at the phone's position, with a photo.
      await page.locator('.w-tab[data-view="report"]').click();
      await waitForTexts(page, '#report-where', ['精度', '±12']);
      await page.waitForFunction((code) => document.querySelector('#report-grid')?.dataset.code === code, finest.code);
      await page.locator('#report-class').selectOption('traffic');
      await page.locator('#report-category').selectOption('traffic_road_hazard');
      await page.locator('#report-description').fill('路面塌陷,约一平方米');
      await page.locator('#report-photo').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: png(64, 48) });
      await page.locator('#report-form .w-thumb img').waitFor();
      await page.locator('#report-submit').click();
      await page.locator('#report-done').waitFor();
      const caseNumber = (await page.locator('#done-case').textContent()).trim();
      assert.match(caseNumber, /\S/);
      assert.equal((await page.locator('#done-grid').textContent()).trim(), comprehensive.name);
      assert.equal((await page.locator('#done-assignee').textContent()).trim(), me.name);
      const filed = await getJson(`${base}/api/incidents/${caseNumber}`);
      assert.equal(filed.source, 'worker_app');
      assert.equal(filed.reporter, me.name);
      assert.equal(filed.photos.length, 1);

      // The command centre accepts and dispatches it (its own page's business).
      await postJson(`${base}/api/incidents/${filed.id}/transitions`, { action: 'accept', note: '' });
      await postJson(`${base}/api/incidents/${filed.id}/transitions`, { action: 'dispatch', note: '' });

      // It is among my grid's open incidents, assigned to me, with its colour.
      await page.locator('.w-tab[data-view="tasks"]').click();
      const item = page.locator(`#tasks-mine .w-task[data-case-number="${caseNumber}"]`);
      await item.waitFor();
      assert.equal(await item.locator('.w-chip').getAttribute('data-colour'), filed.colour);
      assert.match(await item.textContent(), /道路安全隐患/);

      // Start handling, then feed back with a note; the timeline shows both.
      await item.click();
      await page.locator('#actions button[data-action="start_handling"]').click();
      await page.locator('#step-submit').click();
      await page.waitForFunction(() => document.querySelector('#detail-status')?.dataset.status === 'handling');
      await page.locator('#actions button[data-action="report_handled"]').click();
      await page.locator('#step-submit').click();
      await waitForTexts(page, '#actions', ['请填写说明']);
      await page.locator('#step-note').fill('已设置警示围挡并通知养护单位修复');
      await page.locator('#step-submit').click();
      await page.waitForFunction(() => document.querySelector('#detail-status')?.dataset.status === 'handled');
      await waitForTexts(page, '#timeline', ['上报', '受理', '派遣', '开始处置', '处置反馈', '已设置警示围挡并通知养护单位修复', me.name]);
      assert.equal(await page.locator('#timeline li').count(), 5);
      assert.equal(await page.locator('#actions button[data-action="accept"]').count(), 0, 'a dispatcher-only step is offered');
      assert.deepEqual(errors, [], errors.join('\n'));
    } finally {
      await context.close();
    }
  });

  test('the page is whoever logs in: their account in "me", and the page switches to English', async () => {
    const base = env.service.url;
    const [someone] = await getJson(`${base}/api/workers?role=full_time`);
    const { context, page, errors } = await openPage(env.browser, `${base}/worker/`, `worker${someone.id}`, PHONE);
    try {
      await waitForTexts(page, '#me-bar', [someone.name]);
      await page.locator('.w-tab[data-view="me"]').click();
      await waitForTexts(page, '#view-me', [someone.name, someone.phone, `worker${someone.id}`, '网格员 · ', '修改密码', '退出登录']);
      assert.equal(await page.locator('#me-search').count(), 0, 'no picker any more');
      await page.locator('#lang-switch').click();
      await waitForTexts(page, 'body', ['Grid worker', 'Incidents', 'Report', 'Full-time grid worker', 'Who am I', 'Log out']);
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      await waitForTexts(page, '#me-bar', [someone.name, 'Full-time grid worker']);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');

      // Logging out leads to the log-in page; the phone page then asks to log in again.
      await page.locator('.w-tab[data-view="me"]').click();
      await page.locator('#me-log-out').click();
      await page.waitForURL((u) => u.pathname === '/login/');
      await page.goto(`${base}/worker/`);
      await page.waitForURL(/\/login\/\?next=%2Fworker%2F/);
      assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), [], errors.join('\n'));
    } finally {
      await context.close();
    }
  });
});
