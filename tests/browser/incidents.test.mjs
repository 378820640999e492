// incidents.test.mjs — the dispatcher's incidents in headless Chromium against the real
// service: file one by clicking the map (with a photo), find it in the list under the grid
// `/api/locate` names, coloured blue, take it through the loop to closed with the detail's
// action buttons while the timeline grows, and watch a second page receive it all live;
// the list's filters and paging; filing from the click panel and rejecting a duplicate;
// a refusal's message.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import {
  centreOn, fetchAs, getJson, openMap, pagePoint, useServiceAndBrowser, waitForTexts,
} from './helpers.mjs';

// Inside 茂花村第1网格 of the demo town; the test reads its chain from /api/locate.
const POINT = { lon: 119.65, lat: 31.17 };

// The loop from reported to closed (src/domain/incident/workflow.rs), with what each step
// fills in, the status it leads to and that status's label on the page.
const LOOP = [
  { action: 'accept', to: 'accepted', label: '已受理' },
  { action: 'dispatch', to: 'dispatched', label: '已派遣', fill: (form) => form.locator('select[name="assignee"]').selectOption({ index: 1 }) },
  { action: 'start_handling', to: 'handling', label: '处置中' },
  { action: 'report_handled', to: 'handled', label: '已反馈', note: '已清理路面障碍物' },
  { action: 'verify', to: 'verified', label: '已核查' },
  { action: 'close', to: 'closed', label: '已结案', fill: (form) => form.locator('select[name="satisfaction"]').selectOption('5') },
];

describe('the dispatcher\'s incidents', () => {
  const env = useServiceAndBrowser();

  test('an incident filed on the map is listed, closed through the loop, and seen live elsewhere', async () => {
    const url = env.service.url;
    const { chain } = await getJson(`${url}/api/locate?lon=${POINT.lon}&lat=${POINT.lat}`);
    assert.ok(chain.length >= 3, 'the point should lie in a comprehensive grid');
    const finest = chain[chain.length - 1];
    const { categories } = await getJson(`${url}/api/categories`);
    const klass = categories.find((c) => c.code === 'traffic') || categories[0];
    const sub = klass.sub_categories[0];

    const watcher = await openMap(env.browser, url);
    const desk = await openMap(env.browser, url);
    try {
      // The second page watches the list, subscribed to the live stream.
      await watcher.page.locator('#tab-incidents').click();
      await watcher.page.waitForFunction(() => document.body.dataset.live === 'open'
        && document.getElementById('incidents').dataset.state === 'ready');

      // File: cameras off so the click lands on the map; arm filing; click the point.
      const { page } = desk;
      await page.locator('#layer-cameras').uncheck();
      await page.locator('#tab-incidents').click();
      await page.waitForFunction(() => document.getElementById('incidents').dataset.state === 'ready');
      await page.locator('#incidents .file-mode').click();
      await centreOn(page, POINT);
      const at = await pagePoint(page, POINT.lon, POINT.lat);
      await page.mouse.click(at.x, at.y);
      await page.waitForSelector('#panel[data-view="incident-form"] form.incident-form');
      await waitForTexts(page, '#panel .form-where', [finest.name]);

      const form = page.locator('#panel form.incident-form');
      await form.locator('select[name="class"]').selectOption(klass.code);
      await form.locator('select[name="sub"]').selectOption(sub.code);
      await waitForTexts(page, '#panel form.incident-form', ['办理时限']);
      await form.locator('textarea[name="description"]').fill('路面有大块落石');
      await form.locator('input.photo-input').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: png(64, 48) });
      await page.waitForSelector('#panel .photo-picker img[data-photo]');
      assert.equal(await form.locator('select[name="source"]').inputValue(), 'dispatcher');
      await form.locator('button[type="submit"]').click();

      // The answer: case number, colour blue, the responsible grid and the deadline.
      await page.waitForSelector('#panel .filed-facts');
      const caseNumber = (await page.locator('#panel .filed-facts .case-number').textContent()).trim();
      assert.match(caseNumber, /^SJ\d{8}-\d{6}$/);
      const filed = await getJson(`${url}/api/incidents/${caseNumber}`);
      await waitForTexts(page, '#panel .filed-facts', [filed.responsible.grid.name, '期限', '待受理']);
      assert.equal(await page.locator('#panel .filed-facts .colour-chip').getAttribute('data-colour'), 'blue');
      assert.equal(filed.photos.length, 1, 'the photo is attached to the incident');

      // The list shows it with its grid and colour; so does the other page, live.
      for (const p of [page, watcher.page]) {
        const row = p.locator(`#incidents .incident-row[data-case="${caseNumber}"]`);
        await row.waitFor();
        await waitForTexts(p, `#incidents .incident-row[data-case="${caseNumber}"]`, [finest.name, sub.zh, '待受理']);
        assert.equal(await row.locator('.colour-chip').getAttribute('data-colour'), 'blue');
        await p.waitForSelector(`.incident-marker[title^="${caseNumber}"]`, { state: 'attached' });
      }

      // The other page opens the detail too, and follows the steps live.
      await watcher.page.locator(`#incidents .incident-row[data-case="${caseNumber}"]`).click();
      await watcher.page.waitForSelector('#panel[data-view="incident"] .timeline-event');

      // The detail, from the list row, then each step of the loop by its button.
      await page.locator(`#incidents .incident-row[data-case="${caseNumber}"]`).click();
      await page.waitForSelector('#panel[data-view="incident"] .timeline-event');
      await waitForTexts(page, '#panel', [caseNumber, finest.name, '办理过程']);
      assert.equal(await page.locator('#panel .timeline-event').count(), 1);
      assert.equal(await page.locator('#panel .incident-facts + section img').count(), 1, 'the photo thumbnail is shown');

      for (const [i, step] of LOOP.entries()) {
        const actions = await page.locator('#panel .action-buttons .action').evaluateAll(
          (buttons) => buttons.map((b) => b.dataset.action));
        const allowed = (await getJson(`${url}/api/incidents/${filed.id}`)).allowed_actions;
        assert.deepEqual(actions, allowed, `the buttons are exactly the allowed actions before ${step.action}`);
        await page.locator(`#panel .action[data-action="${step.action}"]`).click();
        const actionForm = page.locator(`#panel form.action-form[data-action="${step.action}"]`);
        if (step.fill) await step.fill(actionForm);
        await actionForm.locator('textarea[name="note"]').fill(step.note || `${step.action} 测试`);
        await actionForm.locator('button[type="submit"]').click();

        await page.waitForFunction((n) => document.querySelectorAll('#panel .timeline-event').length === n, i + 2);
        await waitForTexts(page, '#panel .incident-facts', [step.label]);
        await waitForTexts(page, `#incidents .incident-row[data-case="${caseNumber}"]`, [step.label]);
        await waitForTexts(watcher.page, `#incidents .incident-row[data-case="${caseNumber}"]`, [step.label]);
        await watcher.page.waitForFunction((n) => document.querySelectorAll('#panel .timeline-event').length === n, i + 2);
        await waitForTexts(watcher.page, '#panel .incident-facts', [step.label]);
      }

      const closed = await getJson(`${url}/api/incidents/${filed.id}`);
      assert.equal(closed.status, 'closed');
      assert.equal(closed.satisfaction, 5);
      const { events } = await getJson(`${url}/api/incidents/${filed.id}/events`);
      assert.deepEqual(events.map((e) => e.to), ['reported', ...LOOP.map((s) => s.to)]);
      await waitForTexts(page, '#panel .timeline', ['已清理路面障碍物', '满意度 5/5']);
      assert.equal(await page.locator(`#incidents .incident-row[data-case="${caseNumber}"] .colour-chip`).getAttribute('data-colour'), 'closed');
      await watcher.page.waitForSelector(`.incident-marker.incident-closed[title^="${caseNumber}"]`, { state: 'attached' });

      assert.deepEqual(desk.errors, [], desk.errors.join('\n'));
      assert.deepEqual(watcher.errors, [], watcher.errors.join('\n'));
    } finally {
      await desk.context.close();
      await watcher.context.close();
    }
  });

  test('the list filters by status, colour, category and grid, and loads more a page at a time', async () => {
    const url = env.service.url;
    const { categories } = await getJson(`${url}/api/categories`);
    const [first, second] = [categories[0], categories[1]];
    const { chain } = await getJson(`${url}/api/locate?lon=${POINT.lon}&lat=${POINT.lat}`);
    // 60 new incidents: 40 of the first class, 20 of the second, all at the same point.
    for (let i = 0; i < 60; i += 1) {
      const klass = i % 3 === 2 ? second : first;
      const response = await fetchAs(`${url}/api/incidents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ category: klass.sub_categories[0].code, ...POINT, description: `第${i}件`, source: 'hotline_12345' }),
      });
      assert.equal(response.status, 201);
    }
    const count = async (query) => {
      let total = 0;
      let before = '';
      do {
        const page = await getJson(`${url}/api/incidents?limit=500&${query}${before}`);
        total += page.incidents.length;
        before = page.next_before ? `&before=${page.next_before}` : '';
      } while (before);
      return total;
    };
    const { context, page, errors } = await openMap(env.browser, url);
    const rows = () => page.locator('#incidents .incident-row').count();
    const ready = () => page.waitForFunction(() => document.getElementById('incidents').dataset.state === 'ready');
    try {
      await page.locator('#tab-incidents').click();
      await ready();
      const open = await count('status=reported,accepted,dispatched,handling,handled,verified,returned,escalated,extension_requested');
      assert.ok(open > 50, `${open} open incidents`);
      assert.equal(await rows(), 50, 'the first page');
      await page.locator('#incidents .load-more').click();
      await ready();
      assert.equal(await rows(), Math.min(open, 100), 'two pages');

      await page.locator('#incidents select[data-filter="category"]').selectOption(second.code);
      await ready();
      assert.equal(await rows(), Math.min(50, await count(`status=reported,accepted,dispatched,handling,handled,verified,returned,escalated,extension_requested&category=${second.code}`)));
      const shown = await page.locator('#incidents .incident-row-category').allTextContents();
      assert.ok(shown.every((text) => text.includes(second.zh)), shown.join(' | '));

      await page.locator('#incidents select[data-filter="category"]').selectOption('');
      await page.locator('#incidents select[data-filter="status"]').selectOption('closed');
      await ready();
      const closed = await count('status=closed');
      assert.equal(await rows(), Math.min(50, closed));
      await waitForTexts(page, '#incidents .incident-list-footer', [closed ? `已显示 ${closed} 件` : '没有符合条件的事件']);

      await page.locator('#incidents select[data-filter="status"]').selectOption('');
      await page.locator('#incidents select[data-filter="colour"]').selectOption('red');
      await ready();
      assert.equal(await rows(), Math.min(50, await count('colour=red')));

      await page.locator('#incidents select[data-filter="colour"]').selectOption('');
      await page.locator('#incidents input[data-filter="grid"]').fill(chain[2].code);
      await page.locator('#incidents input[data-filter="grid"]').press('Enter');
      await ready();
      assert.equal(await rows(), Math.min(50, await count(`grid=${chain[2].code}`)));
      const grids = await page.locator('#incidents .incident-row-grid').allTextContents();
      assert.ok(grids.length > 0 && grids.every((name) => name.startsWith(chain[2].name)), grids.join(' | '));
      assert.deepEqual(errors, [], errors.join('\n'));
    } finally {
      await context.close();
    }
  });

  test('the click panel files an incident at the clicked point and offers rejecting it as a likely duplicate', async () => {
    const url = env.service.url;
    const { chain } = await getJson(`${url}/api/locate?lon=${POINT.lon}&lat=${POINT.lat}`);
    const { categories } = await getJson(`${url}/api/categories`);
    const klass = categories[4];
    const sub = klass.sub_categories[0];
    const earlier = await (await fetchAs(`${url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ category: sub.code, ...POINT, description: '先报的一件', source: 'walk_in' }),
    })).json();
    const { context, page, errors } = await openMap(env.browser, url);
    try {
      await page.locator('#layer-cameras').uncheck();
      await page.locator('#layer-incidents').uncheck();
      await centreOn(page, POINT);
      const at = await pagePoint(page, POINT.lon, POINT.lat);
      await page.mouse.click(at.x, at.y);
      await waitForTexts(page, '#panel .chain', chain.map((g) => g.name));
      await page.locator('#panel .file-here').click();
      await page.waitForSelector('#panel[data-view="incident-form"] form.incident-form');
      await waitForTexts(page, '#panel .form-where', chain.map((g) => g.name));
      // The form files where the click was, to the pixel.
      const [lon, lat] = (await page.locator('#panel .panel-subtitle').textContent()).split(',').map(Number);
      assert.ok(Math.abs(lon - POINT.lon) < 1e-3 && Math.abs(lat - POINT.lat) < 1e-3, `form at ${lon},${lat}`);

      const form = page.locator('#panel form.incident-form');
      await form.locator('select[name="class"]').selectOption(klass.code);
      await form.locator('select[name="sub"]').selectOption(sub.code);
      await form.locator('button[type="submit"]').click();
      const duplicate = page.locator(`#panel .duplicates .duplicate[data-case="${earlier.case_number}"]`);
      await duplicate.waitFor();
      const filedCase = (await page.locator('#panel .filed-facts .case-number').textContent()).trim();
      await duplicate.locator('button', { hasText: '作为其重复件驳回' }).click();

      await page.waitForSelector('#panel[data-view="incident"] .timeline-event[data-action="reject"]');
      await waitForTexts(page, '#panel .incident-facts', ['已驳回', `#${earlier.id}`]);
      const rejected = await getJson(`${url}/api/incidents/${filedCase}`);
      assert.equal(rejected.status, 'rejected');
      assert.equal(rejected.duplicate_of, earlier.id);
      assert.deepEqual(errors, [], errors.join('\n'));
    } finally {
      await context.close();
    }
  });

  test('a refused step shows the service\'s message', async () => {
    const url = env.service.url;
    const { categories } = await getJson(`${url}/api/categories`);
    const response = await fetchAs(`${url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ category: categories[0].sub_categories[0].code, ...POINT, description: '', source: 'hotline_12345' }),
    });
    const filed = await response.json();
    assert.equal(response.status, 201);
    const { context, page, errors } = await openMap(env.browser, url);
    try {
      await page.locator('#tab-incidents').click();
      await page.locator(`#incidents .incident-row[data-case="${filed.case_number}"]`).click();
      await page.waitForSelector('#panel .action[data-action="reject"]');
      // Rejecting as a duplicate of itself: the service refuses with a 422 and says why.
      await page.locator('#panel .action[data-action="reject"]').click();
      const form = page.locator('#panel form.action-form[data-action="reject"]');
      await form.locator('input[name="duplicate_of"]').fill(filed.case_number);
      await form.locator('button[type="submit"]').click();
      await waitForTexts(page, '#panel .action-form .form-error', ['cannot duplicate itself']);
      assert.equal((await getJson(`${url}/api/incidents/${filed.id}`)).status, 'reported');
      // The browser logs the refused request itself; nothing else may be logged.
      assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), [], errors.join('\n'));
    } finally {
      await context.close();
    }
  });
});

/** A `width`×`height` RGB PNG of a gradient, made here so the test needs no fixture. */
function png(width, height) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x += 1) raw.set([x * 4, y * 5, 160], row + 1 + x * 3);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
