// stats.test.mjs — the statistics page, as a town leader sees it: incidents filed through the
// API show up in the town's row, the four charts draw, a village's row drills down and the
// CSV link follows.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  fetchAs, getJson, openPage, postJson, useServiceAndBrowser, waitForTexts,
} from './helpers.mjs';

const DESK = { viewport: { width: 1280, height: 800 } };
const LOOP = ['accept', 'dispatch', 'start_handling', 'report_handled', 'verify', 'close'];

/** Whether a canvas has any painted pixel. */
function painted(page, id) {
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId);
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  }, id);
}

describe('statistics page', () => {
  const env = useServiceAndBrowser();

  test('the town row counts what was filed, the charts draw and a village drills down', async () => {
    const base = env.service.url;
    // One incident at a camera of each of four villages, two in the first; one of them closed.
    const cameras = (await getJson(`${base}/api/cameras`)).features;
    const byVillage = new Map();
    for (const camera of cameras) {
      const village = camera.properties.chain.find((g) => g.level === 2);
      if (village && !byVillage.has(village.code)) byVillage.set(village.code, { village, camera });
    }
    const picked = [...byVillage.values()].slice(0, 4);
    const spots = [picked[0], ...picked];
    const filed = [];
    for (const [i, { camera }] of spots.entries()) {
      const [lon, lat] = camera.geometry.coordinates;
      filed.push(await postJson(`${base}/api/incidents`, {
        category: i % 2 ? 'urban_refuse' : 'traffic_road_hazard', lon, lat,
        description: `测试事件 ${i}`, source: 'dispatcher',
      }));
    }
    for (const action of LOOP) {
      await postJson(`${base}/api/incidents/${filed[0].id}/transitions`, {
        action, note: '已处理', ...(action === 'close' ? { satisfaction: 5 } : {}),
      });
    }
    const villages = (await getJson(`${base}/api/grids?level=2`)).features;

    const { context, page, errors } = await openPage(env.browser, `${base}/stats/`, 'leader', DESK);
    try {
      await page.waitForFunction(() => document.body.dataset.loaded === 'true');
      const town = page.locator('#table tr.root');
      assert.equal(await town.locator('td').nth(0).textContent(), String(spots.length), 'received');
      assert.equal(await town.locator('td').nth(1).textContent(), '1', 'closed');
      assert.equal(await town.locator('td').nth(3).textContent(), `${(100 / spots.length).toFixed(1)}%`, 'closure rate');
      assert.equal(await page.locator('#table tr.child').count(), villages.length);
      await waitForTexts(page, '#crumbs', ['太华镇']);

      for (const id of ['chart-received-closed', 'chart-open', 'chart-period', 'chart-category']) {
        assert.ok(await painted(page, id), `${id} is blank`);
      }
      const sums = await page.evaluate(() => Object.fromEntries(Object.entries(window.gridlinkCharts)
        .map(([name, chart]) => [name, chart.data.datasets[0].data.reduce((a, b) => a + b, 0)])));
      assert.deepEqual(sums, { receivedClosed: spots.length, openByColour: sums.openByColour, byPeriod: spots.length, byCategory: spots.length });
      const categories = await page.evaluate(() => window.gridlinkCharts.byCategory.data.labels);
      assert.deepEqual([...categories].sort(), ['交通管理', '城市管理'].sort());

      // Drill into the village with two incidents.
      const { village } = picked[0];
      await page.locator(`#table tr.child[data-grid-code="${village.code}"]`).click();
      await page.waitForFunction((code) => document.querySelector('#table tr.root')?.dataset.gridCode === code
        && document.body.dataset.loaded === 'true', village.code);
      assert.equal(await page.locator('#table tr.root td').nth(0).textContent(), '2');
      await waitForTexts(page, '#crumbs', ['太华镇', village.name]);
      const csv = await page.locator('#csv').getAttribute('href');
      assert.match(csv, new RegExp(`grid=${village.code}`));
      assert.match(csv, /format=csv/);
      const body = Buffer.from(await (await fetchAs(`${base}${csv}`, {}, 'leader')).arrayBuffer());
      assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'CSV without a BOM');

      // And back up by the breadcrumb.
      await page.locator('#crumbs button.s-crumb').first().click();
      await page.waitForFunction(() => document.querySelector('#table tr.child') && document.body.dataset.loaded === 'true');
      assert.equal(await page.locator('#table tr.root td').nth(0).textContent(), String(spots.length));
      assert.deepEqual(errors, [], errors.join('\n'));
    } finally {
      await context.close();
    }
  });
});
