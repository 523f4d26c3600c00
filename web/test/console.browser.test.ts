// The console and the resident pages in a real browser (Debian Chromium via playwright-core)
// against the real platform (startPlatform: real workflow, Kafka, PostgreSQL, the three services
// and the one-origin web server). Four people walk one order 点单 → 派单 → 办单 → 评单 by
// clicking; a supervisor's live wall shows an order passing its deadline without a reload; a clerk
// of another unit cannot reach the order; the annual cycle from a proposal to a score
// (./cycleClickThrough.ts). Every main screen is saved under web/test-artifacts/.
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../infra/seed/users';
import { ARTIFACTS, launchBrowser } from './browser';
import { cycleClickThrough } from './cycleClickThrough';
import { startPlatform, type Platform } from './platform';

// Generous: on a 2-core machine shared with other builds one loop has taken 70–150 s (idle: far less).
jest.setTimeout(300_000);

let platform: Platform;
let browser: Browser;
const contexts: BrowserContext[] = [];
const FAST = `web-fast-${Date.now().toString(36)}`;

/** A 1×1 PNG: what a phone's photo is to the pages (type sniffed by the services, not trusted). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
// The whole page from its top, animations finished: a sticky header was drawn where the page had
// been scrolled to (the H5 form's title over its first field), a drawer mid-slide showed the page through it.
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

async function person(width = 1366, height = 860): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

const sessions = new Map<string, Page>();

/** One browser context per person, logged in once and reused by later scenarios. */
async function login(username: string): Promise<Page> {
  const open = sessions.get(username);
  if (open) {
    await open.goto(`${platform.url}/`);
    await open.getByTestId('whoami').waitFor();
    return open;
  }
  const page = await person();
  sessions.set(username, page);
  await page.goto(`${platform.url}/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('whoami').waitFor();
  return page;
}

/** Clicks 刷新 (or reloads the queue) until a row with the code shows up: the read model follows Kafka. */
async function rowOf(page: Page, table: string, code: string) {
  const row = page.getByTestId(table).locator('tr', { hasText: code });
  // The triage queue holds every suite's waiting orders (one run database): find ours by its
  // code, as a dispatcher would, through the staff API's search.
  const search = page.getByPlaceholder('搜索诉求或查询码');
  if (table === 'triage-table' && (await search.count())) {
    await search.fill(code);
    await page.waitForResponse((r) => r.url().includes('/v1/queues/triage') && r.url().includes(`q=${code}`)).catch(() => undefined);
  }
  for (let i = 0; i < 60 && (await row.count()) === 0; i++) {
    // Wait for the queue's answer, not for a row or an empty text: the table may show other
    // suites' orders, or an empty state of its own words.
    const answered = page.waitForResponse((r) => r.url().includes('/v1/queues/'), { timeout: 10_000 }).catch(() => undefined);
    const refresh = page.getByRole('button', { name: /刷\s*新/ });
    if (await refresh.count()) await refresh.click();
    else await page.reload();
    await answered;
    await row.waitFor({ timeout: 1_000 }).catch(() => undefined);
  }
  await row.waitFor();
  return row;
}

async function act(page: Page, button: RegExp, fill?: { label: string; text: string }) {
  const drawer = page.locator('.ant-drawer');
  await drawer.getByRole('button', { name: button }).first().click();
  if (fill) {
    await drawer.getByLabel(fill.label).fill(fill.text);
    await drawer.getByRole('button', { name: /^提\s*交/ }).click();
  }
}

beforeAll(async () => {
  platform = await startPlatform();
  browser = await launchBrowser();
  // A category whose triage deadline passes a few seconds after placing (created through the
  // staff API, as an administrator would), before any order makes the worker read the catalogue.
  const token = (await (await fetch(`${platform.url}/api/dispatch/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }) })).json()) as { accessToken: string };
  const created = await fetch(`${platform.url}/api/dispatch/v1/categories`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token.accessToken}` },
    body: JSON.stringify({ code: FAST, name: '测试：即刻超时', description: '浏览器测试用', responsible: { district: 'trade-union' }, deadlines: { normal: { triage: { amount: 0.1, unit: 'working_minute' } } } }),
  });
  expect(created.status).toBe(201);
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(contexts.map((c) => c.close()));
  await browser?.close();
  await platform?.stop();
});

describe('the console and the resident pages, clicked through in Chromium', () => {
  let code = '';

  it('loop.placeDispatchHandleRate: resident places, dispatcher dispatches, clerk handles, resident rates', async () => {
    // 点单 — the resident, on a phone-sized screen.
    const resident = await person(375, 740);
    await resident.goto(`${platform.url}/h5/`);
    await shot(resident, 'h5-home');
    await resident.getByRole('link', { name: /我要点单/ }).click();
    await resident.getByLabel('服务类别（可选）').selectOption({ label: '代购返乡火车票' });
    await resident.getByRole('button', { name: '提交' }).click();
    await resident.getByText('必填', { exact: true }).waitFor(); // validates before sending, as the API would
    await resident.getByLabel('您的诉求（必填）').fill('我们工地三十多名工人想春节前买返乡火车票，能否帮忙集中代购？');
    await resident.getByLabel('地点（可选）').fill('建新北路 12 号工地');
    await resident.getByLabel('手机号').fill('1381234');
    await resident.getByLabel('手机号').blur();
    await resident.getByText('请输入 11 位手机号码').waitFor();
    await resident.getByLabel('手机号').fill('138 1234 5678');
    // Photos through the Chinese button (the browser's own "Choose Files" is hidden).
    await expect(resident.getByText('＋ 添加照片').isVisible()).resolves.toBe(true);
    await expect(resident.getByText('Choose Files').count()).resolves.toBe(0);
    await resident.getByLabel('照片（可选，最多 5 张）').setInputFiles({ name: '工地.png', mimeType: 'image/png', buffer: PNG });
    await resident.getByRole('button', { name: '移除 工地.png' }).waitFor();
    await shot(resident, 'h5-place');
    await resident.getByRole('button', { name: '提交' }).click();
    code = (await resident.getByTestId('tracking-code').textContent()) ?? '';
    expect(code).toMatch(/^DD-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await resident.getByTestId('secret').textContent()).toBeTruthy();
    await shot(resident, 'h5-placed');

    // 派单 — the dispatcher finds it in the triage queue and dispatches it to the community.
    const dispatcher = await login('dispatcher');
    await expect(dispatcher.getByRole('menuitem').allTextContents()).resolves.toEqual(['派单台', '联席会议', '办单台', '知识库', '项目', '年度周期']);
    const row = await rowOf(dispatcher, 'triage-table', code);
    await shot(dispatcher, 'console-triage');
    await row.click();
    const drawer = dispatcher.locator('.ant-drawer');
    await drawer.getByText('我们工地三十多名工人').waitFor();
    await act(dispatcher, /^派\s*单$/);
    await drawer.getByText('建议派往').waitFor(); // the suggested unit, with its reason
    await shot(dispatcher, 'console-order-dispatch');
    await drawer.getByLabel('承办单位').click();
    await dispatcher.keyboard.type('建新北路社区');
    await dispatcher.keyboard.press('Enter');
    await drawer.getByRole('button', { name: /^提\s*交/ }).click();
    await drawer.locator('.ant-tag', { hasText: '待签收' }).waitFor();
    await drawer.getByText('建新北路社区').first().waitFor();

    // 办单 — the community's clerk accepts, gives an opinion, resolves.
    const clerk = await login('handler-jianxin');
    await expect(clerk.getByRole('menuitem').allTextContents()).resolves.toEqual(['办单台', '知识库', '项目']);
    const mine = await rowOf(clerk, 'unit-table', code);
    await expect(mine.getByTestId('countdown').textContent()).resolves.toMatch(/^剩余/);
    await shot(clerk, 'console-unit-queue');
    await mine.click();
    const clerkDrawer = clerk.locator('.ant-drawer');
    await act(clerk, /^签\s*收$/);
    await clerkDrawer.locator('.ant-tag', { hasText: '已签收' }).waitFor();
    await act(clerk, /^初步意见$/, { label: '初步意见', text: '社区将联系区总工会，统一代购，三日内答复' });
    await clerkDrawer.locator('.ant-tag', { hasText: '办理中' }).waitFor();
    // The resident's photo is in the drawer; the result goes with a photo of its own.
    await clerkDrawer.getByRole('link', { name: '工地.png' }).waitFor();
    await clerkDrawer.getByRole('button', { name: /^办\s*结$/ }).first().click();
    await clerkDrawer.getByLabel('办理结果').fill('已在工地设立购票服务点，32 张车票已全部购得');
    await clerkDrawer.locator('.ant-upload input[type=file]').setInputFiles({ name: '购票点.png', mimeType: 'image/png', buffer: PNG });
    await clerkDrawer.getByText('购票点.png').first().waitFor();
    await shot(clerk, 'console-order-resolve-photo');
    await clerkDrawer.getByRole('button', { name: /^提\s*交/ }).click();
    await clerkDrawer.locator('.ant-tag', { hasText: '待评价' }).waitFor();
    await clerkDrawer.locator('.ant-tag', { hasText: '办理结果 · 购票点.png' }).waitFor();
    await clerkDrawer.getByText('32 张车票已全部购得').waitFor(); // in the timeline
    await shot(clerk, 'console-order-resolved');

    // 评单 — the resident follows the order and rates it.
    await resident.getByRole('button', { name: '查看办理进度' }).click();
    await resident.getByTestId('resident-status').filter({ hasText: '待评价' }).waitFor();
    // The unit's words are there before the resident is asked to rate.
    await expect(resident.getByTestId('resident-opinion').textContent()).resolves.toBe('社区将联系区总工会，统一代购，三日内答复');
    await expect(resident.getByTestId('resident-result').textContent()).resolves.toContain('32 张车票已全部购得');
    await resident.getByText('承办单位：建新北路社区').waitFor();
    // The clerk's result photo, fetched with the secret and shown as a thumbnail.
    await resident.getByAltText('购票点.png').waitFor();
    await expect(resident.getByTestId('resident-result-photo').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).resolves.toBe(1);
    await shot(resident, 'h5-track-rate');
    await resident.getByLabel('满意', { exact: true }).check();
    await resident.getByLabel('意见（可选）').fill('服务很贴心');
    await resident.getByRole('button', { name: '提交评价' }).click();
    await resident.getByText('感谢您的评价').waitFor();
    for (let i = 0; i < 40 && !(await resident.getByTestId('resident-status').filter({ hasText: '已完成' }).count()); i++) {
      await resident.reload();
      await resident.getByTestId('resident-status').waitFor();
    }
    await resident.getByTestId('resident-status').filter({ hasText: '已完成' }).waitFor();
    await resident.getByText('您的评价：满意').first().waitFor(); // the timeline says it was rated
    await shot(resident, 'h5-track-closed');
  });

  it('scope.otherUnit: a clerk of another unit neither sees nor reaches the order', async () => {
    expect(code).not.toBe('');
    const other = await login('handler-guanyinqiao');
    await other.getByTestId('unit-table').waitFor();
    await other.getByTestId('unit-table').locator('.ant-table-tbody').waitFor();
    await expect(other.getByTestId('unit-table').locator('tr', { hasText: code }).count()).resolves.toBe(0);
    // Screens of other roles answer 403, and the API refuses the order itself with its own words.
    await other.goto(`${platform.url}/triage`);
    await other.getByText('您的角色不能使用这个页面').waitFor();
    const order = await platform.prisma.order.findFirstOrThrow({ where: { trackingCode: code } });
    const status = await other.evaluate(async (id) => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage;
      const token = JSON.parse(storage.getItem('diandan.session') ?? '{}').accessToken;
      return (await fetch(`/api/dispatch/v1/orders/${id}/accept`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' })).status;
    }, order.id);
    expect(status).toBe(403);
  });

  it('wall.liveOverdue: an order passing its deadline appears on the supervisor wall without a reload', async () => {
    const supervisor = await login('supervisor');
    await supervisor.getByRole('menuitem', { name: '督办墙' }).click();
    await supervisor.getByText('已连接').waitFor();
    const placed = (await (
      await fetch(`${platform.url}/api/intake/v1/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `web-overdue-${FAST}` },
        body: JSON.stringify({ content: '小区路灯坏了一个月，晚上很黑', categoryCode: FAST, channel: 'web' }),
      })
    ).json()) as { trackingCode: string };
    let navigations = 0;
    supervisor.on('framenavigated', () => navigations++);
    await supervisor.getByTestId('wall-overdue').locator('tr', { hasText: placed.trackingCode }).waitFor({ timeout: 60_000 });
    expect(navigations).toBe(0);
    await supervisor.getByText('超时').first().waitFor();
    await shot(supervisor, 'console-wall');
    await supervisor.getByTestId('wall-overdue').locator('tr', { hasText: placed.trackingCode }).click();
    await supervisor.getByText('在 Temporal Web UI 中查看流程').waitFor();
  });

  it('knowledge.drawerCheck: the drawer offers the matching entry and the likely duplicate; merge, un-merge, answer from the base, the 知识库 page', async () => {
    const staff = async (username: string) =>
      (await (await fetch(`${platform.url}/api/dispatch/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) })).json()) as { accessToken: string };
    const { accessToken } = await staff('dispatcher');
    const entry = await fetch(`${platform.url}/api/dispatch/v1/knowledge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ question: '社区老年食堂几点开饭', answer: '各社区老年食堂午餐 11:00—12:30，晚餐 17:00—18:00，60 岁以上凭身份证优惠。', keywords: ['老年食堂', '开饭'] }),
    });
    expect(entry.status).toBe(201);
    const tag = FAST.slice(-5);
    const place = async (content: string) =>
      (await (
        await fetch(`${platform.url}/api/intake/v1/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `web-kb-${tag}-${content.length}-${Math.random().toString(36).slice(2)}` },
          body: JSON.stringify({ content, categoryCode: 'elderly-canteen', channel: 'web', location: { address: '观音桥街道华新村社区' } }),
        })
      ).json()) as { trackingCode: string };
    const first = await place(`华新村社区${tag}老年食堂饭菜太咸，老人吃不惯，希望少放盐`);
    const second = await place(`华新村社区${tag}老年食堂的饭菜太咸了，老人们都吃不惯`);
    const question = await place(`请问华新村社区${tag}老年食堂几点开饭`);

    const dispatcher = await login('dispatcher');
    await (await rowOf(dispatcher, 'triage-table', second.trackingCode)).click();
    const drawer = dispatcher.locator('.ant-drawer');
    const duplicates = drawer.getByTestId('duplicates');
    await duplicates.getByText(first.trackingCode).waitFor();
    await duplicates.getByText(/诉求文字相似度/).first().waitFor();
    await shot(dispatcher, 'console-order-duplicates');
    await duplicates.locator('.ant-list-item', { hasText: first.trackingCode }).getByRole('button', { name: '合并到此单' }).click();
    await drawer.getByTestId('merged-into').getByText(first.trackingCode).waitFor();
    await drawer.locator('.ant-tag', { hasText: '已合并' }).first().waitFor();
    await shot(dispatcher, 'console-order-merged');
    await act(dispatcher, /取消合并/, { label: '取消合并的原因（可选）', text: '饭菜口味不是同一诉求' });
    // The drawer reloads once after the action; under load the read model may not have caught up by
    // then, so reopen the order from the triage queue (where an un-merged order returns) until it has.
    for (let i = 0; ; i++) {
      const back = await drawer.locator('.ant-tag', { hasText: '待派单' }).first().waitFor({ timeout: 5000 }).then(() => true, () => false);
      if (back) break;
      if (i >= 6) throw new Error(`order ${second.trackingCode} never showed 待派单 after 取消合并 (reopened ${i} times)`);
      await dispatcher.keyboard.press('Escape');
      await (await rowOf(dispatcher, 'triage-table', second.trackingCode)).click();
    }
    await drawer.getByText('取消合并').first().waitFor();
    await dispatcher.keyboard.press('Escape');

    await (await rowOf(dispatcher, 'triage-table', question.trackingCode)).click();
    const hits = drawer.getByTestId('knowledge-hits');
    await hits.getByText('社区老年食堂几点开饭').waitFor();
    await shot(dispatcher, 'console-order-knowledge');
    await hits.getByRole('button', { name: '用此答复' }).first().click();
    await drawer.getByText(/知识库答复 v1/).waitFor();
    await dispatcher.keyboard.press('Escape');

    await dispatcher.getByRole('menuitem', { name: '知识库' }).click();
    await dispatcher.getByText('已发布').first().click();
    await dispatcher.getByTestId('knowledge-table').getByText('社区老年食堂几点开饭').waitFor();
    await dispatcher.getByTestId('knowledge-kpi').waitFor();
    await shot(dispatcher, 'console-knowledge');
    await dispatcher.getByTestId('knowledge-table').getByText('社区老年食堂几点开饭').click();
    await dispatcher.getByText('版本记录').waitFor();
    await dispatcher.getByRole('button', { name: /停\s*用/ }).waitFor();
  });

  it('cycle.yearClickThrough: propose and support on the H5, move a date with a reason, merge, accept and decline, the public year page, score a unit', async () => {
    await cycleClickThrough({ platform, person, login, shot });
  }, 420_000);

  it('screens.tour: every remaining main screen renders in Chinese (screenshots for the docs)', async () => {
    const dispatcher = await login('dispatcher');
    await dispatcher.getByRole('menuitem', { name: '联席会议' }).click();
    await dispatcher.getByText(/当天新单/).waitFor();
    await shot(dispatcher, 'console-joint-meeting');
    const supervisor = await login('supervisor');
    await supervisor.getByRole('menuitem', { name: '三率看板' }).click();
    await supervisor.locator('canvas').first().waitFor(); // the closed order of the loop is in this month's rates
    await shot(supervisor, 'console-dashboards');
    const evaluator = await login('evaluator');
    await evaluator.getByRole('menuitem', { name: '评估导出' }).click();
    await evaluator.getByText('导出数据已匿名化').waitFor();
    await shot(evaluator, 'console-evaluator');
    const admin = await login('admin');
    await admin.getByRole('menuitem', { name: '系统管理' }).click();
    await admin.getByText('江北区').first().waitFor();
    await shot(admin, 'console-admin');
    await admin.getByRole('tab', { name: '服务类别' }).click();
    await admin.getByText('代购返乡火车票').waitFor();
    // The English switch: menu, titles and Ant Design's own texts change language.
    await admin.getByText('EN', { exact: true }).click();
    await admin.getByRole('menuitem', { name: 'Administration' }).waitFor();
    await admin.getByRole('button', { name: 'Log out' }).waitFor();
    await admin.getByText('中文', { exact: true }).click();
    await admin.getByRole('menuitem', { name: '系统管理' }).waitFor();
    const page = await person();
    await page.goto(`${platform.url}/`);
    await page.getByLabel('用户名').fill('dispatcher');
    await page.getByLabel('密码').fill('wrong-password-1');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByRole('alert').getByText('用户名或密码错误').waitFor(); // the API's refusal, in Chinese
    await shot(page, 'console-login');
  });
});
