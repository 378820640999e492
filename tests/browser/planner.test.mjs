// planner.test.mjs — the planner's page: dragging a vertex two micro-grids share moves it in
// both (glued), the preview lists a camera moving from one to the other, and once applied the
// service puts the camera in the other grid; a vertex dragged out of the town shows a problem
// on the map and keeps "apply" disabled; a line drawn across a grid splits it in two.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getJson, openPage, pagePoint, postJson, useServiceAndBrowser } from './helpers.mjs';

const DESK = { viewport: { width: 1440, height: 900 } };
const M_PER_DEG = 111_320;

const key = ([x, y]) => `${x},${y}`;

/** The rings of a Polygon or MultiPolygon, each without its closing point. */
function ringsOf(geometry) {
  const polygons = geometry.type === 'MultiPolygon' ? geometry.coordinates : [geometry.coordinates];
  return polygons.flatMap((rings) => rings.map((ring) => ring.slice(0, -1)));
}

function inRing([x, y], ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point is inside a Polygon or MultiPolygon (holes count out). */
function inside(point, geometry) {
  const polygons = geometry.type === 'MultiPolygon' ? geometry.coordinates : [geometry.coordinates];
  return polygons.some(([outer, ...holes]) => inRing(point, outer) && !holes.some((h) => inRing(point, h)));
}

/** A geometry with the vertex at `from` moved to `to` in every ring. */
function moved(geometry, from, to) {
  const swap = (ring) => ring.map((v) => (key(v) === key(from) ? to : v));
  return geometry.type === 'MultiPolygon'
    ? { ...geometry, coordinates: geometry.coordinates.map((rings) => rings.map(swap)) }
    : { ...geometry, coordinates: geometry.coordinates.map(swap) };
}

/** Metres between two lon/lat points (flat, fine at a few hundred metres). */
function metres([x1, y1], [x2, y2]) {
  const kx = M_PER_DEG * Math.cos((y1 * Math.PI) / 180);
  return Math.hypot((x2 - x1) * kx, (y2 - y1) * M_PER_DEG);
}

/** Which grids of `features` have a vertex at each point: key → [feature]. */
function vertexOwners(features) {
  const owners = new Map();
  for (const f of features) {
    for (const ring of ringsOf(f.geometry)) {
      for (const v of ring) {
        const list = owners.get(key(v)) || [];
        if (!list.includes(f)) list.push(f);
        owners.set(key(v), list);
      }
    }
  }
  return owners;
}

/**
 * Two micro-grids A and B under one parent sharing a vertex V inside that parent (so no
 * parent boundary moves), the A–B border running through V, and a point V2 a little way into
 * A with a camera spot C between V and V2 that is in A now and in B once V moves to V2.
 */
function findGlueCase(micro, parents) {
  const owners = vertexOwners(micro);
  const parentVertices = vertexOwners(parents);
  for (const a of micro) {
    for (const ring of ringsOf(a.geometry)) {
      for (let i = 0; i < ring.length; i += 1) {
        const v = ring[i];
        const own = owners.get(key(v));
        if (own.length !== 2 || parentVertices.has(key(v))) continue;
        const b = own.find((f) => f !== a);
        if (b.properties.parent_id !== a.properties.parent_id) continue;
        const p = ring[(i + ring.length - 1) % ring.length];
        const n = ring[(i + 1) % ring.length];
        if (!owners.get(key(p)).includes(b) || !owners.get(key(n)).includes(b)) continue;
        const step = Math.min(metres(v, p), metres(v, n)) * 0.3;
        if (step < 25) continue;
        const kx = M_PER_DEG * Math.cos((v[1] * Math.PI) / 180);
        const unit = (w) => {
          const dx = (w[0] - v[0]) * kx;
          const dy = (w[1] - v[1]) * M_PER_DEG;
          const len = Math.hypot(dx, dy);
          return [dx / len, dy / len];
        };
        const [ux, uy] = unit(p);
        const [wx, wy] = unit(n);
        for (const sign of [1, -1]) {
          const bx = sign * (ux + wx);
          const by = sign * (uy + wy);
          const len = Math.hypot(bx, by);
          if (len < 0.2) continue;
          const s = Math.min(step, 60);
          const v2 = [v[0] + ((bx / len) * s) / kx, v[1] + ((by / len) * s) / M_PER_DEG];
          const c = [(v[0] + v2[0]) / 2, (v[1] + v2[1]) / 2];
          const newB = moved(b.geometry, v, v2);
          if (inside(v2, a.geometry) && inside(c, a.geometry) && !inside(c, b.geometry) && inside(c, newB)) {
            return { a, b, v, v2, c, s };
          }
        }
      }
    }
  }
  return null;
}

/** A micro-grid vertex no other micro-grid has (on the town's edge) and a point outside every grid. */
function findEdgeCase(micro) {
  const owners = vertexOwners(micro);
  for (const a of micro) {
    for (const ring of ringsOf(a.geometry)) {
      for (let i = 0; i < ring.length; i += 1) {
        const v = ring[i];
        if (owners.get(key(v)).length !== 1) continue;
        const p = ring[(i + ring.length - 1) % ring.length];
        const n = ring[(i + 1) % ring.length];
        const s = Math.min(metres(v, p), metres(v, n)) * 0.3;
        if (s < 25) continue;
        const kx = M_PER_DEG * Math.cos((v[1] * Math.PI) / 180);
        // Away from the middle of p and n: out of the grid when the corner is convex.
        const mx = (p[0] + n[0]) / 2;
        const my = (p[1] + n[1]) / 2;
        const dx = (v[0] - mx) * kx;
        const dy = (v[1] - my) * M_PER_DEG;
        const len = Math.hypot(dx, dy);
        if (len < 1) continue;
        const out = Math.min(s, 60);
        const v2 = [v[0] + ((dx / len) * out) / kx, v[1] + ((dy / len) * out) / M_PER_DEG];
        if (micro.some((f) => inside(v2, f.geometry))) continue;
        // A point inside the grid a little way the other way, to click it.
        const into = [v[0] - (v2[0] - v[0]) * 0.6, v[1] - (v2[1] - v[1]) * 0.6];
        if (!inside(into, a.geometry)) continue;
        return { a, v, v2, into, s: out };
      }
    }
  }
  return null;
}

/**
 * A micro-grid A with two edges shared with siblings such that the straight line between
 * their midpoints runs inside A; the cut goes a few metres past each midpoint, into the sibling.
 */
function findSplitCase(micro) {
  const owners = vertexOwners(micro);
  for (const a of micro) {
    const [ring] = ringsOf(a.geometry);
    const edges = [];
    for (let i = 0; i < ring.length; i += 1) {
      const p = ring[i];
      const n = ring[(i + 1) % ring.length];
      const sibling = owners.get(key(p)).find((f) => f !== a && f.properties.parent_id === a.properties.parent_id
        && owners.get(key(n)).includes(f));
      if (sibling && metres(p, n) > 40) edges.push({ mid: [(p[0] + n[0]) / 2, (p[1] + n[1]) / 2], sibling });
    }
    for (let i = 0; i < edges.length; i += 1) {
      for (let j = i + 1; j < edges.length; j += 1) {
        const [m1, m2] = [edges[i].mid, edges[j].mid];
        const along = (t) => [m1[0] + (m2[0] - m1[0]) * t, m1[1] + (m2[1] - m1[1]) * t];
        const length = metres(m1, m2);
        if (length < 80) continue;
        const samples = Array.from({ length: 40 }, (_, k) => along((k + 0.5) / 40));
        if (!samples.every((pt) => inside(pt, a.geometry))) continue;
        const past = 6 / length;
        const [from, to] = [along(-past), along(1 + past)];
        if (inside(from, edges[i].sibling.geometry) && inside(to, edges[j].sibling.geometry)) {
          return { a, from, to, middle: along(0.5), length };
        }
      }
    }
  }
  return null;
}

/** Opens the planner on level 4 as the planner and waits until its grids are loaded. */
async function openPlanner(browser, base) {
  const opened = await openPage(browser, `${base}/planner/`, 'planner', DESK);
  const { page } = opened;
  await page.selectOption('#level', '4');
  await page.waitForFunction(() => document.body.dataset.loaded === 'true'
    && window.gridlinkPlanner.plan.live().every((g) => g.props.level === 4));
  return opened;
}

/** Centres the map on a lon/lat at a zoom where `metresAcross` is about 90 px. */
async function zoomTo(page, [lon, lat], metresAcross) {
  const zoom = Math.max(14, Math.min(19, Math.floor(Math.log2((156_543 * Math.cos((lat * Math.PI) / 180) * 90) / metresAcross))));
  await page.evaluate(([x, y, z]) => { window.gridlinkMap.setView([y, x], z, { animate: false }); }, [lon, lat, zoom]);
}

/** Drags with the mouse from one lon/lat to another in small steps. */
async function drag(page, from, to) {
  const start = await pagePoint(page, ...from);
  const end = await pagePoint(page, ...to);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  for (let i = 1; i <= 12; i += 1) {
    await page.mouse.move(start.x + ((end.x - start.x) * i) / 12, start.y + ((end.y - start.y) * i) / 12);
  }
  await page.mouse.up();
}

/** Selects a grid by clicking at a point inside it and waits for its vertex markers. */
async function selectAt(page, point, code) {
  const at = await pagePoint(page, ...point);
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction((c) => document.querySelector('#selected')?.dataset.code === c
    && document.querySelectorAll('.leaflet-marker-pane .marker-icon').length > 0, code);
}

/** Presses "check and preview" and waits for the change set (or fails with the page's message). */
async function checkAndPreview(page) {
  await page.click('#check');
  await page.waitForFunction(() => document.querySelector('#preview [data-status]')
    || document.querySelector('#changes-message.is-error:not([hidden])'));
  const failed = await page.locator('#changes-message.is-error:not([hidden])').count();
  if (failed) throw new Error(`the check failed: ${await page.locator('#changes-message').textContent()}`);
}

/** Vertices of a geometry that are not among `before`'s. */
function newVertices(geometry, before) {
  const old = new Set(ringsOf(before).flat().map(key));
  return ringsOf(geometry).flat().filter((v) => !old.has(key(v)));
}

describe('planner page', () => {
  const env = useServiceAndBrowser();

  test('dragging a shared vertex moves it in both grids and the camera it passes changes grid on apply', async () => {
    const base = env.service.url;
    const micro = (await getJson(`${base}/api/grids?level=4`)).features;
    const parents = (await getJson(`${base}/api/grids?level=3`)).features;
    const found = findGlueCase(micro, parents);
    assert.ok(found, 'no two micro-grids share a vertex with room to move it');
    const { a, b, v, v2, c, s } = found;
    const camera = await postJson(`${base}/api/cameras`, {
      code: 'C-PLAN-1', name: '规划测试摄像机', lon: c[0], lat: c[1], kind: 'dome',
      stream_url: 'https://cdn.example/live/c-plan-1.m3u8',
    }, 'admin');
    const cameraId = camera.properties.id;
    assert.equal(camera.properties.chain.at(-1).code, a.properties.code, 'the camera starts in A');

    const { context, page, errors } = await openPlanner(env.browser, base);
    try {
      await zoomTo(page, v, s);
      await selectAt(page, [(c[0] + v2[0]) / 2, (c[1] + v2[1]) / 2], a.properties.code);
      await drag(page, v, v2);

      const [geomA, geomB] = await page.evaluate(([ia, ib]) => [ia, ib].map((id) => window.gridlinkPlanner.geometry(id)),
        [a.properties.id, b.properties.id]);
      const addedA = newVertices(geomA, a.geometry);
      const addedB = newVertices(geomB, b.geometry);
      assert.equal(addedA.length, 1, `A gained ${JSON.stringify(addedA)}`);
      assert.deepEqual(addedB, addedA, 'B has the very vertex A has');
      assert.ok(metres(addedA[0], v2) < s / 3, `the vertex went to ${addedA[0]}, not near ${v2}`);
      for (const g of [geomA, geomB]) {
        assert.ok(!ringsOf(g).flat().some((w) => key(w) === key(v)), 'the old vertex is gone from both');
      }
      assert.equal(await page.locator('#change-list li[data-state="reshaped"]').count(), 2);

      await page.fill('#reason', '测试:调整两个微网格的共用边界');
      await checkAndPreview(page);
      const row = page.locator(`#impact-cameras li[data-camera-id="${cameraId}"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-from'), a.properties.code);
      assert.equal(await row.getAttribute('data-to'), b.properties.code);
      assert.match(await row.textContent(), /规划测试摄像机/);
      const problems = await page.locator('#problems').textContent();
      assert.ok(await page.locator('#apply').isEnabled(), `apply is disabled: ${problems}`);

      await page.click('#apply');
      await page.locator('#preview [data-status="applied"]').waitFor();
      await page.waitForFunction(() => document.body.dataset.loaded === 'true');
      const after = await getJson(`${base}/api/cameras/${cameraId}`);
      const chain = after.properties.chain.map((g) => g.code);
      assert.ok(chain.includes(b.properties.code), `camera chain ${chain} lacks B`);
      assert.ok(!chain.includes(a.properties.code), `camera chain ${chain} still has A`);
      const located = await getJson(`${base}/api/locate?lon=${c[0]}&lat=${c[1]}`);
      assert.ok(JSON.stringify(located).includes(b.properties.code), 'locate answers B');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a vertex dragged out of the town shows a problem on the map and apply stays disabled', async () => {
    const base = env.service.url;
    const micro = (await getJson(`${base}/api/grids?level=4`)).features;
    const found = findEdgeCase(micro);
    assert.ok(found, 'no micro-grid vertex on the town edge');
    const { a, v, v2, into, s } = found;

    const { context, page, errors } = await openPlanner(env.browser, base);
    try {
      await zoomTo(page, v, s);
      await selectAt(page, into, a.properties.code);
      await drag(page, v, v2);
      assert.equal(await page.locator('#change-list li[data-state="reshaped"]').count(), 1, 'only A changed');

      await page.click('#check');
      assert.match(await page.locator('#changes-message').textContent(), /变更原因/, 'the reason is required');
      await page.fill('#reason', '测试:把顶点拖出镇界');
      await checkAndPreview(page);
      await page.locator('#problems .p-problem-item.is-error').first().waitFor();
      await page.waitForFunction(() => document.querySelectorAll('.leaflet-problems-pane .p-problem.is-error').length > 0);
      assert.ok(await page.locator('#apply').isDisabled(), 'apply is enabled despite errors');

      // Another edit makes the preview stale: it must be checked again.
      await drag(page, v2, [(v[0] + v2[0]) / 2, (v[1] + v2[1]) / 2]);
      await page.locator('#preview [data-stale="true"]').waitFor();
      assert.ok(await page.locator('#apply').isDisabled());
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a grid split along a drawn line becomes two new grids under its parent once applied', async () => {
    const base = env.service.url;
    const micro = (await getJson(`${base}/api/grids?level=4`)).features;
    const found = findSplitCase(micro);
    assert.ok(found, 'no micro-grid to cut between two sibling edges');
    const { a, from, to, middle, length } = found;

    const { context, page, errors } = await openPlanner(env.browser, base);
    try {
      await zoomTo(page, middle, length / 4);
      await selectAt(page, middle, a.properties.code);
      await page.click('#split');
      for (const point of [from, to, to]) {
        const at = await pagePoint(page, ...point);
        await page.mouse.click(at.x, at.y);
      }
      await page.locator('#change-list li[data-state="new"]').nth(1).waitFor();
      assert.equal(await page.locator('#change-list li[data-state="retired"]').count(), 1);
      assert.equal(await page.locator('#change-list li[data-state="new"]').count(), 2);

      await page.fill('#reason', '测试:沿道路拆分微网格');
      await checkAndPreview(page);
      assert.equal(await page.locator('#result-grids li').filter({ hasText: '新' }).count(), 2);
      const problems = await page.locator('#problems').textContent();
      assert.ok(await page.locator('#apply').isEnabled(), `apply is disabled: ${problems}`);
      await page.click('#apply');
      await page.locator('#preview [data-status="applied"]').waitFor();
      await page.waitForFunction(() => document.body.dataset.loaded === 'true');

      const now = (await getJson(`${base}/api/grids?level=4`)).features;
      assert.equal(now.length, micro.length + 1);
      assert.ok(!now.some((f) => f.properties.id === a.properties.id), 'the split grid is still there');
      const parts = now.filter((f) => !micro.some((m) => m.properties.id === f.properties.id));
      assert.deepEqual(parts.map((f) => f.properties.parent_id), [a.properties.parent_id, a.properties.parent_id]);
      const history = (await getJson(`${base}/api/grids/${a.properties.id}/history`, 'planner')).features;
      assert.ok(history.some((f) => f.properties.retired), 'no retired version in its history');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
