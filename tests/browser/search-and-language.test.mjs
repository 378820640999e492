// search-and-language.test.mjs — the search box finds a camera by its code, flies there and
// shows its details; the language switch turns the page into English and is remembered.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getJson, openMap, useServiceAndBrowser, waitForTexts } from './helpers.mjs';

describe('search and language', () => {
  const env = useServiceAndBrowser();

  test('the search finds a camera by code, centres on it and shows its details', async () => {
    const cameras = await getJson(`${env.service.url}/api/cameras`);
    const camera = cameras.features[cameras.features.length - 1];
    const { code, name, chain } = camera.properties;
    const [lon, lat] = camera.geometry.coordinates;
    const { context, page, errors } = await openMap(env.browser, env.service.url);
    try {
      await page.locator('#search-input').fill(code);
      const option = page.locator(`#search-results .search-option[data-kind="camera"][data-code="${code}"]`);
      await option.waitFor();
      await option.click();

      await waitForTexts(page, '#panel', ['摄像机', code, name, chain[chain.length - 1].name]);
      assert.equal(await page.locator('#panel .chain li').count(), chain.length);
      assert.ok(await page.locator('#panel .stream').textContent(), 'no stream URL shown');
      const centre = await page.evaluate(() => window.gridlinkMap.getCenter());
      assert.ok(Math.abs(centre.lng - lon) < 1e-4 && Math.abs(centre.lat - lat) < 1e-4,
        `map centred on ${centre.lng},${centre.lat}, camera at ${lon},${lat}`);
      assert.deepEqual(errors, [], errors.join('\n'));
    } finally {
      await context.close();
    }
  });

  test('the search finds a grid by name and outlines it', async () => {
    const { context, page, errors } = await openMap(env.browser, env.service.url);
    try {
      await page.locator('#search-input').fill('茂花村第1网格第4微网格');
      await page.locator('#search-input').press('Enter');
      await waitForTexts(page, '#panel', ['网格', '茂花村第1网格第4微网格', '320282102202001004', '户数']);
      await page.waitForFunction(() => document.querySelector('.leaflet-selection-pane path'));
      assert.deepEqual(errors, [], errors.join('\n'));
    } finally {
      await context.close();
    }
  });

  test('the English switch changes the interface text and is remembered', async () => {
    const { context, page, errors } = await openMap(env.browser, env.service.url);
    try {
      assert.equal(await page.locator('#lang-switch').textContent(), 'English');
      await page.locator('#lang-switch').click();

      await page.waitForFunction(() => document.documentElement.lang === 'en');
      await waitForTexts(page, '.topbar', ['Grid governance · command map', '中文']);
      await waitForTexts(page, '#layers', ['Layers and legend', 'Cameras', 'Online', 'Micro-grid']);
      await waitForTexts(page, '#panel', ['Click the map']);
      assert.equal(await page.locator('#search-input').getAttribute('placeholder'), 'Grid code or name, camera code');

      await page.reload();
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      await waitForTexts(page, '#layers', ['Layers and legend']);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');

      await page.locator('#lang-switch').click();
      await waitForTexts(page, '#layers', ['图层与图例', '视频监控']);
      assert.deepEqual(errors, [], errors.join('\n'));
    } finally {
      await context.close();
    }
  });
});
