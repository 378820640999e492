// map.test.mjs — the web map in headless Chromium against the real service: it loads
// cleanly, shows the service's tiles, and a click shows the grid chain of the point.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  centreOn, getJson, makeAvailable, openMap, pagePoint, postJson, useServiceAndBrowser, waitForTexts,
} from './helpers.mjs';

// 119.65, 31.17 lies in micro-grid 茂花村第1网格第4微网格 of the demo town.
const MAOHUA_POINT = { lon: 119.65, lat: 31.17 };
const MAOHUA_CHAIN = [
  ['太华镇', '320282102'],
  ['茂花村', '320282102202'],
  ['茂花村第1网格', '320282102202001'],
  ['茂花村第1网格第4微网格', '320282102202001004'],
];
// South-west of the town, inside its bounding box but outside every grid.
const OUTSIDE_POINT = { lon: 119.627, lat: 31.098 };

describe('the web map', () => {
  const env = useServiceAndBrowser();

  test('loads with no console errors', async () => {
    const { context, page, errors } = await openMap(env.browser, env.service.url);
    try {
      // Let the first tiles and the camera layer arrive before judging.
      await page.waitForFunction(() => document.querySelectorAll('.leaflet-tile-loaded').length > 0);
      await page.waitForFunction(() => document.querySelector('.camera-cluster, .camera-marker'));
      assert.equal(await page.locator('#town-name').textContent(), '太华镇');
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
      assert.deepEqual(errors, [], `the page logged errors:\n${errors.join('\n')}`);
    } finally {
      await context.close();
    }
  });

  test('shows the service\'s raster tiles', async () => {
    const { context, page, errors } = await openMap(env.browser, env.service.url);
    try {
      const tileResponses = [];
      page.on('response', (r) => {
        if (/\/tiles\/[^?]+\.png$/.test(new URL(r.url()).pathname)) tileResponses.push(r.status());
      });
      // Zoom in one step so that tiles load while we listen.
      await page.evaluate(() => window.gridlinkMap.zoomIn());
      await page.waitForFunction(() => [...document.querySelectorAll('.leaflet-tile-container img')]
        .some((img) => /\/tiles\/.+\.png$/.test(new URL(img.src).pathname)
          && img.complete && [256, 512].includes(img.naturalWidth)));
      assert.ok(tileResponses.includes(200), `tile responses: ${tileResponses.join(', ')}`);
      assert.deepEqual(errors, [], errors.join('\n'));
    } finally {
      await context.close();
    }
  });

  test('the open-incidents layer draws its tiles with a legend once switched on', async () => {
    // Away from MAOHUA_POINT, where the click tests click: its pin would take their click.
    await postJson(`${env.service.url}/api/incidents`, {
      category: 'traffic_road_hazard', lon: 119.66, lat: 31.16, description: '路面塌陷', source: 'dispatcher',
    });
    const { context, page, errors } = await openMap(env.browser, env.service.url);
    try {
      await page.locator('input[data-layer="incidents-open"]').check();
      await waitForTexts(page, '#layers', ['未办结事件数', '≥ 50', '2 – 4']);
      await page.waitForFunction(() => [...document.querySelectorAll('.tiles-incidents-open img')]
        .some((img) => img.complete && [256, 512].includes(img.naturalWidth)));
      assert.deepEqual(errors, [], errors.join('\n'));
    } finally {
      await context.close();
    }
  });

  test('a click inside a micro-grid shows its chain, ledger and workers and outlines it', async () => {
    // The nearest list shows only workers available now: make one so, close by.
    const [worker] = await getJson(`${env.service.url}/api/workers?on_duty=true&role=full_time`);
    await makeAvailable(env.service.url, worker, [MAOHUA_POINT.lon + 0.001, MAOHUA_POINT.lat]);
    const { context, page, errors } = await openMap(env.browser, env.service.url);
    try {
      // Cameras off, so the click lands on the map rather than on a camera cluster.
      await page.locator('#layer-cameras').uncheck();
      await centreOn(page, MAOHUA_POINT);
      const at = await pagePoint(page, MAOHUA_POINT.lon, MAOHUA_POINT.lat);
      await page.mouse.click(at.x, at.y);

      await waitForTexts(page, '#panel .chain', MAOHUA_CHAIN.flat());
      const rows = await page.locator('#panel .chain li').allTextContents();
      assert.equal(rows.length, 4, rows.join(' | '));
      MAOHUA_CHAIN.forEach(([name, code], i) => {
        assert.ok(rows[i].includes(name) && rows[i].includes(code), `row ${i}: ${rows[i]}`);
      });
      const grid = await getJson(`${env.service.url}/api/grids/61`);
      await waitForTexts(page, '#panel', ['户数', String(grid.properties.households), String(grid.properties.residents)]);
      await waitForTexts(page, '#panel', ['责任人员', '最近可调派人员']);
      assert.ok(await page.locator('#panel .nearest .distance').count() > 0, 'no nearest workers listed');
      assert.match(await page.locator('#panel .nearest .distance').first().textContent(), /^\d+ 米$|^[\d.]+ 公里$/);
      assert.ok(await page.locator('.leaflet-selection-pane path').count() > 0, 'the micro-grid is not outlined');
      assert.deepEqual(errors, [], errors.join('\n'));
    } finally {
      await context.close();
    }
  });

  test('a click outside the town says it is in no grid', async () => {
    const located = await getJson(`${env.service.url}/api/locate?lon=${OUTSIDE_POINT.lon}&lat=${OUTSIDE_POINT.lat}`);
    assert.deepEqual(located.chain, [], 'the chosen point should lie outside every grid');
    const { context, page, errors } = await openMap(env.browser, env.service.url);
    try {
      await centreOn(page, OUTSIDE_POINT);
      const at = await pagePoint(page, OUTSIDE_POINT.lon, OUTSIDE_POINT.lat);
      await page.mouse.click(at.x, at.y);
      await waitForTexts(page, '#panel', ['该位置不在任何网格内']);
      assert.equal(await page.locator('#panel .chain').count(), 0);
      assert.deepEqual(errors, [], errors.join('\n'));
    } finally {
      await context.close();
    }
  });
});
