// accounts.test.mjs — signing in and what each role sees, in headless Chromium against the
// real service and its demo accounts: a page sends whoever is not signed in to the log-in
// page and gets them back; a wrong password and a locked account say so; a leader sees
// incidents but no step or filing buttons and the planner read-only, department staff get a
// map without cameras; a worker sees the incidents assigned to them and not another's; the
// admin lists, makes and disables users, grants, makes and revokes a token (shown once), and
// reads the log-ins in the audit log; anyone changes their own password from the user menu.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  getJson, logIn, openMap, openPage, postJson, useServiceAndBrowser, waitForTexts,
} from './helpers.mjs';

const DESK = { viewport: { width: 1440, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
// Inside 茂花村第1网格 of the demo town.
const POINT = { lon: 119.65, lat: 31.17 };
const TOWN = '320282102';

/** A log-in as the service sees it: the status and the reply. */
async function tryLogIn(base, username, password) {
  const response = await fetch(`${base}/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** A fresh browser context showing the log-in page (reached by asking for `path`). */
async function loginPage(env, path, options = DESK) {
  const context = await env.browser.newContext({ locale: 'zh-CN', ...options });
  const page = await context.newPage();
  await page.goto(`${env.service.url}${path}`);
  await page.waitForURL(/\/login\/\?next=/);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  return { context, page };
}

/** Files an incident at `POINT` as the dispatcher and takes it to `dispatched` with `assignee`. */
async function dispatchedTo(base, assignee, description) {
  const filed = await postJson(`${base}/api/incidents`, {
    category: 'traffic_road_hazard', ...POINT, description, source: 'hotline_12345',
  });
  await postJson(`${base}/api/incidents/${filed.id}/transitions`, { action: 'accept', note: '' });
  await postJson(`${base}/api/incidents/${filed.id}/transitions`, { action: 'dispatch', note: '', assignee });
  return filed;
}

describe('accounts and roles', () => {
  const env = useServiceAndBrowser();

  test('a page sends a stranger to log in; a wrong password says so; the right one leads back', async () => {
    const { context, page } = await loginPage(env, '/stats/#period=month');
    try {
      assert.equal(new URL(page.url()).searchParams.get('next'), '/stats/#period=month');
      await waitForTexts(page, '#login-form', ['账号登录', '用户名', '密码']);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');

      await logIn(page, 'leader', 'not-the-password');
      await waitForTexts(page, '#login-error', ['用户名或密码错误']);
      assert.equal(new URL(page.url()).pathname, '/login/');
      await page.locator('#lang-switch').click();
      await waitForTexts(page, '#login-error', ['Wrong username or password']);
      await waitForTexts(page, '#login-form', ['Log in', 'Username', 'Password']);
      await page.locator('#lang-switch').click();

      await logIn(page, 'leader');
      await page.waitForURL((u) => u.pathname === '/stats/' && u.hash === '#period=month');
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      await waitForTexts(page, '#user-menu-button', ['镇领导']);
      await page.locator('#user-menu-button').click();
      await waitForTexts(page, '#user-menu', ['镇领导', 'leader', '领导 · 太华镇', '修改密码', '退出登录']);
    } finally {
      await context.close();
    }
  });

  test('a locked account says until when', async () => {
    const base = env.service.url;
    for (let i = 0; i < 5; i += 1) {
      assert.equal((await tryLogIn(base, 'analytics', `wrong-${i}`)).status, 401);
    }
    const { context, page } = await loginPage(env, '/');
    try {
      await logIn(page, 'analytics');
      await waitForTexts(page, '#login-error', ['已锁定至', '请稍后再试']);
      assert.equal(await page.locator('#login-error').getAttribute('data-code'), 'login.locked');
      assert.match(await page.locator('#login-error').textContent(), /\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/);
      assert.equal(new URL(page.url()).pathname, '/login/');
      await page.locator('#lang-switch').click();
      await waitForTexts(page, '#login-error', ['locked until']);
    } finally {
      await context.close();
    }
  });

  test('a leader sees incidents and cameras but takes no steps, files nothing, and plans read-only', async () => {
    const base = env.service.url;
    const filed = await postJson(`${base}/api/incidents`, {
      category: 'urban_refuse', ...POINT, description: '领导只读测试', source: 'hotline_12345',
    });
    const map = await openMap(env.browser, base, { as: 'leader' });
    try {
      const { page } = map;
      assert.ok(await page.locator('#tab-incidents').isVisible(), 'the incidents tab');
      assert.ok(await page.locator('#tab-linkage').isVisible(), 'the linkage tab');
      assert.equal(await page.locator('#layer-cameras').count(), 1, 'the camera layer');
      assert.equal(await page.locator('#layer-tracks').count(), 0, 'no tracks without workers.tracks');
      // The header links: statistics and planning, not the phone page nor the admin page.
      assert.deepEqual(await page.locator('.topbar-links a:visible').evaluateAll((links) => links.map((a) => a.dataset.page)),
        ['stats', 'planner']);

      await page.locator('#tab-incidents').click();
      await page.waitForFunction(() => document.getElementById('incidents').dataset.state === 'ready');
      assert.equal(await page.locator('#incidents .file-mode').count(), 0, 'no filing without incidents.report');
      await page.locator(`#incidents .incident-row[data-case="${filed.case_number}"]`).click();
      await page.waitForSelector('#panel[data-view="incident"] .timeline-event');
      await waitForTexts(page, '#panel', [filed.case_number, '当前状态下没有您的账号可执行的操作']);
      assert.equal(await page.locator('#panel .action-buttons .action').count(), 0, 'no step buttons');

      // A camera: its facts, but no alert form and no call buttons.
      const camera = (await getJson(`${base}/api/cameras`, 'leader')).features[0];
      await page.locator('#search-input').fill(camera.properties.code);
      await page.locator(`#search-results .search-option[data-kind="camera"][data-code="${camera.properties.code}"]`).click();
      await page.waitForSelector('#panel[data-view="camera"]');
      await waitForTexts(page, '#panel', [camera.properties.name]);
      assert.equal(await page.locator('#panel .raise-alert').count(), 0, 'no alert form without alerts.raise');
      assert.equal(await page.locator('#panel .call-candidate').count(), 0, 'no call buttons without calls.make');
      assert.deepEqual(map.errors, [], map.errors.join('\n'));
    } finally {
      await map.context.close();
    }

    const planner = await openPage(env.browser, `${base}/planner/`, 'leader', DESK);
    try {
      const { page } = planner;
      await page.waitForFunction(() => document.body.dataset.loaded === 'true');
      assert.ok(await page.locator('#view-only').isVisible(), 'the read-only note');
      assert.ok(await page.locator('#changes').isHidden(), 'no changes box');
      assert.ok(await page.locator('#preview').isHidden(), 'no preview box');
      assert.ok(await page.locator('#import').isHidden(), 'no import');
      assert.deepEqual(planner.errors, [], planner.errors.join('\n'));
    } finally {
      await planner.context.close();
    }
  });

  test('department staff get the map without cameras or workers, and no error for it', async () => {
    const map = await openMap(env.browser, env.service.url, { as: 'department' });
    try {
      const { page } = map;
      await page.waitForFunction(() => document.querySelectorAll('.leaflet-tile-loaded').length > 0);
      assert.equal(await page.locator('#layer-cameras').count(), 0);
      assert.equal(await page.locator('#layer-workers').count(), 0);
      assert.ok(await page.locator('#tab-incidents').isVisible(), 'their department\'s incidents');
      assert.ok(await page.locator('#tab-linkage').isHidden(), 'no linkage without alerts.read');
      await page.waitForFunction(() => document.getElementById('incidents').dataset.state === 'ready');
      assert.deepEqual(map.errors, [], map.errors.join('\n'));
    } finally {
      await map.context.close();
    }
  });

  test('a worker sees the incidents assigned to them and not another worker\'s; a dispatcher is no worker', async () => {
    const base = env.service.url;
    const { chain } = await getJson(`${base}/api/locate?lon=${POINT.lon}&lat=${POINT.lat}`);
    const comprehensive = chain.find((g) => g.level === 3);
    const workers = await getJson(`${base}/api/workers?role=full_time`);
    const mine = workers.find((w) => w.grid_ids.includes(comprehensive.id));
    const other = workers.find((w) => !w.grid_ids.includes(comprehensive.id));
    assert.ok(mine && other, 'two full-time workers of different grids');
    const filed = await dispatchedTo(base, mine.id, '指派给本人的事件');

    const phone = await openPage(env.browser, `${base}/worker/`, `worker${mine.id}`, PHONE);
    try {
      await waitForTexts(phone.page, '#me-bar', [mine.name]);
      await phone.page.locator(`#tasks-mine .w-task[data-case-number="${filed.case_number}"]`).waitFor();
      await phone.page.locator(`#tasks-mine .w-task[data-case-number="${filed.case_number}"]`).click();
      await phone.page.locator('#actions button[data-action="start_handling"]').waitFor();
      assert.equal(await phone.page.locator('#actions button[data-action="dispatch"]').count(), 0);
      assert.deepEqual(phone.errors, [], phone.errors.join('\n'));
    } finally {
      await phone.context.close();
    }

    const another = await openPage(env.browser, `${base}/worker/`, `worker${other.id}`, PHONE);
    try {
      await waitForTexts(another.page, '#me-bar', [other.name]);
      await another.page.waitForFunction(() => document.querySelector('#tasks-refresh, .w-empty'));
      assert.equal(await another.page.locator(`.w-task[data-case-number="${filed.case_number}"]`).count(), 0,
        'another worker sees the case');
    } finally {
      await another.context.close();
    }

    // The dispatcher has no worker: the phone page says so and links the pages they may use.
    const context = await env.browser.newContext({ locale: 'zh-CN', ...PHONE });
    try {
      const page = await context.newPage();
      await page.goto(`${base}/worker/`);
      await logIn(page, 'dispatcher');
      await page.waitForURL((u) => u.pathname === '/worker/');
      await page.waitForSelector('.session-notice');
      await waitForTexts(page, '.session-notice', ['无权使用本页面', '综合指挥地图', '统计分析']);
    } finally {
      await context.close();
    }
  });

  test('the admin lists and makes users, grants, makes a token shown once, and reads the log-ins in the audit log', async () => {
    const base = env.service.url;
    assert.equal((await tryLogIn(base, 'chief', 'wrong-password')).status, 401);
    // Enough rows for a second page of the log (a name that does not exist is never locked).
    for (let i = 0; i < 50; i += 1) assert.equal((await tryLogIn(base, 'nobody', 'guess')).status, 401);
    const admin = await openPage(env.browser, `${base}/admin/`, 'admin', DESK);
    const { page } = admin;
    page.on('dialog', (dialog) => dialog.accept());
    try {
      // Every demo account is listed.
      const workers = await getJson(`${base}/api/workers`);
      await page.locator('#user-table tr[data-username="dispatcher"]').waitFor();
      for (const name of ['admin', 'dispatcher', 'chief', 'department', 'planner', 'leader', 'analytics', `worker${workers[0].id}`]) {
        assert.equal(await page.locator(`#user-table tr[data-username="${name}"]`).count(), 1, name);
      }
      await waitForTexts(page, '#user-table tr[data-username="dispatcher"]', ['指挥中心坐席', '太华镇', '启用']);
      await page.locator('#user-filter').fill('镇领导');
      assert.deepEqual(await page.locator('#user-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.username)), ['leader']);
      await page.locator('#user-filter').fill('');

      // A new user with a grant on a village.
      await page.locator('#new-user').click();
      await page.locator('#new-username').fill('duty2');
      await page.locator('#new-display-name').fill('值班员二');
      await page.locator('#new-password').fill('short');
      await page.locator('#new-user-form .grant-role').selectOption('dispatcher');
      await page.locator('#new-user-form .grant-grid').fill('320282102201');
      await page.locator('#create-user').click();
      await waitForTexts(page, '#new-user-error', ['至少需要 10 个字符']);
      await page.locator('#new-password').fill('duty2-password');
      await page.locator('#create-user').click();
      const detail = page.locator('#user-detail article[data-username="duty2"]');
      await detail.waitFor();
      await waitForTexts(page, '#grant-list', ['指挥中心坐席', '320282102201']);
      await page.locator('#user-table tr[data-username="duty2"]').waitFor();

      // Another grant, everywhere, and then revoke it.
      await page.locator('#grant-role').selectOption('leader');
      await page.locator('#add-grant').click();
      await page.locator('#grant-list li[data-role="leader"][data-grid=""]').waitFor();
      await page.locator('#grant-list li[data-role="leader"] .revoke-grant').click();
      await page.waitForFunction(() => !document.querySelector('#grant-list li[data-role="leader"]'));

      // A token: its secret shown once, then revoked.
      await page.locator('#token-label').fill('12345 热线');
      await page.locator('#create-token').click();
      const secret = await page.locator('#token-secret').inputValue();
      assert.match(secret, /^glt_/);
      const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
      assert.equal(me.status, 200, 'the token works');
      assert.equal((await me.json()).user.username, 'duty2');
      await page.locator('#hide-token').click();
      assert.equal(await page.locator('#token-secret').count(), 0, 'the secret is gone');
      await page.locator('#token-table tr[data-state="active"] .revoke-token').click();
      await page.locator('#token-table tr[data-state="revoked"]').waitFor();
      const revoked = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
      assert.equal(revoked.status, 401, 'the revoked token is refused');

      // Disabled, the account cannot log in.
      await page.locator('#toggle-enabled').click();
      await waitForTexts(page, '#user-state', ['已停用']);
      await waitForTexts(page, '#user-table tr[data-username="duty2"]', ['已停用']);
      assert.equal((await tryLogIn(base, 'duty2', 'duty2-password')).status, 401);
      await page.locator('#toggle-enabled').click();
      await waitForTexts(page, '#user-state', ['启用']);
      assert.equal((await tryLogIn(base, 'duty2', 'duty2-password')).status, 200);

      // The audit log: the admin's log-in, the chief's failed one, the account made.
      await page.locator('#tab-audit').click();
      await page.locator('#audit-table tr[data-action="login"][data-username="admin"]').first().waitFor();
      await page.locator('#audit-user').fill('chief');
      await page.locator('#audit-search').click();
      await page.waitForFunction(() => document.getElementById('audit').dataset.state === 'ready'
        && document.querySelectorAll('#audit-table tbody tr').length > 0
        && [...document.querySelectorAll('#audit-table tbody tr')].every((r) => r.dataset.username === 'chief'));
      await waitForTexts(page, '#audit-table', ['登录失败', '401', 'POST /api/session']);
      await page.locator('#audit-user').fill('');
      await page.locator('#audit-object-type').fill('user');
      await page.locator('#audit-search').click();
      await page.waitForFunction(() => document.getElementById('audit').dataset.state === 'ready'
        && document.querySelector('#audit-table tr[data-action="create"]'));
      await waitForTexts(page, '#audit-table tr[data-action="create"]', ['admin', 'POST /api/users', '201']);

      // Paging: a page of 50, then the next one carries on where it ended.
      await page.locator('#audit-clear').click();
      await page.waitForFunction(() => document.getElementById('audit').dataset.state === 'ready'
        && document.querySelectorAll('#audit-table tbody tr').length === 50);
      const firstPage = await page.locator('#audit-table tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
      await page.locator('#audit-more').click();
      await page.waitForFunction(() => document.querySelectorAll('#audit-table tbody tr').length > 50);
      const ids = await page.locator('#audit-table tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
      assert.deepEqual(ids.slice(0, 50), firstPage);
      assert.ok(ids.every((id, i) => i === 0 || id < ids[i - 1]), 'newest first, no repeats');
      assert.deepEqual(admin.errors.filter((e) => !/status of 401/.test(e)), [], admin.errors.join('\n'));
    } finally {
      await admin.context.close();
    }
  });

  test('anyone changes their own password from the user menu', async () => {
    const base = env.service.url;
    await postJson(`${base}/api/users`, {
      username: 'pwuser', display_name: '改密测试', password: 'first-password-1', grants: [{ role: 'leader', grid_code: TOWN }],
    }, 'admin');
    const context = await env.browser.newContext({ locale: 'zh-CN', ...DESK });
    try {
      const page = await context.newPage();
      await page.goto(`${base}/stats/`);
      await logIn(page, 'pwuser', 'first-password-1');
      await page.waitForURL((u) => u.pathname === '/stats/');
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      await page.locator('#user-menu-button').click();
      await page.locator('#change-password').click();
      const dialog = page.locator('#password-dialog');
      await dialog.waitFor();
      await page.locator('#password-current').fill('not-my-password');
      await page.locator('#password-new').fill('second-password-2');
      await page.locator('#password-repeat').fill('second-password-2');
      await page.locator('#password-save').click();
      await waitForTexts(page, '#password-error', ['当前密码不正确']);
      await page.locator('#password-current').fill('first-password-1');
      await page.locator('#password-repeat').fill('second-password-3');
      await page.locator('#password-save').click();
      await waitForTexts(page, '#password-error', ['两次输入的新密码不一致']);
      await page.locator('#password-repeat').fill('second-password-2');
      await page.locator('#password-save').click();
      await waitForTexts(page, '#password-done', ['密码已修改']);
      await dialog.locator('button.primary').click();

      // Still signed in here (the service answered with a new session), with the new password only.
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      assert.equal((await tryLogIn(base, 'pwuser', 'first-password-1')).status, 401);
      await page.locator('#user-menu-button').click();
      await page.locator('#log-out').click();
      await page.waitForURL((u) => u.pathname === '/login/');
      await logIn(page, 'pwuser', 'second-password-2');
      await page.waitForURL((u) => u.pathname === '/');
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      assert.equal(await page.evaluate(() => document.body.dataset.user), 'pwuser');
    } finally {
      await context.close();
    }
  });
});
