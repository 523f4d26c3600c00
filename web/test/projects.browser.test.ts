// 两个打包 in Chromium against the real platform (web/test/platform.ts): residents place the same
// need through the H5 API, the supervisor runs the monthly bundling by clicking 立即打包, turns the
// bundle into a project (立项: title, owning unit, budget, milestones), and the community's clerk
// opens the project, reports progress, reaches the milestone and completes it — every linked order
// is then resolved; a visitor finds it on the public board's 项目公示. Screens are saved under
// web/test-artifacts/ (projects-*.png, board-project*.png).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../infra/seed/users';
import { ARTIFACTS, launchBrowser } from './browser';
import { startPlatform, type Platform } from './platform';

jest.setTimeout(300_000);

let platform: Platform;
let browser: Browser;
const contexts: BrowserContext[] = [];
// Animations finished before the picture: a drawer caught mid-slide showed the page through it.
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true, animations: 'disabled' });

/** A fresh browser of one person (no login: a visitor of the public board). */
async function person(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

async function login(username: string): Promise<Page> {
  const page = await person();
  await page.goto(`${platform.url}/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('whoami').waitFor();
  return page;
}

beforeAll(async () => {
  platform = await startPlatform();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(contexts.map((c) => c.close()));
  await browser?.close();
  await platform?.stop();
});

describe('monthly bundling and projects, clicked through in Chromium', () => {
  it('projects.bundleToProject: bundle the month, make a project, report progress, complete it', async () => {
    // Residents place the same need (the H5 form's own API), with words no other suite writes.
    const marker = `web${Date.now().toString(36)}`;
    const placed: { orderId: string; trackingCode: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await fetch(`${platform.url}/api/intake/v1/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ channel: 'web', categoryCode: 'elderly-canteen', content: `希望建新北路社区老年食堂增加送餐上门服务 ${marker}`, location: { address: '建新北路社区5栋' } }),
      });
      expect(answer.status).toBe(202);
      placed.push((await answer.json()) as { orderId: string; trackingCode: string });
    }
    for (const order of placed) {
      for (let i = 0; i < 100 && !(await platform.prisma.order.findFirst({ where: { id: order.orderId, trackingCode: order.trackingCode } })); i++) await new Promise((r) => setTimeout(r, 100));
    }

    const supervisor = await login('supervisor');
    await supervisor.getByRole('menuitem', { name: '项目' }).click();
    await supervisor.getByRole('tab', { name: '月度打包' }).waitFor();
    await supervisor.getByRole('button', { name: /立即打包/ }).click();
    await supervisor.getByText(/已打包：\d+ 件诉求/).waitFor();
    // Our orders' bundle, by its id: in a full run other suites' orders of the same category and
    // community make bundles of their own, and the first such row was once another suite's.
    const ours = await platform.prisma.bundleOrder.findFirst({ where: { orderId: placed[0]!.orderId, bundle: { status: 'proposed' } }, orderBy: { bundle: { createdAt: 'desc' } } });
    expect(ours).not.toBeNull();
    const bundle = supervisor.getByTestId('bundles').locator(`tr[data-row-key="${ours!.bundleId}"]`);
    await bundle.waitFor();
    await expect(bundle.textContent()).resolves.toContain('建新北路社区');
    expect(await platform.prisma.bundleOrder.count({ where: { bundleId: ours!.bundleId, orderId: { in: placed.map((o) => o.orderId) } } })).toBe(placed.length);
    await shot(supervisor, 'projects-bundles');
    await bundle.getByRole('button', { name: /立\s*项/ }).click();
    const modal = supervisor.locator('.ant-modal');
    await modal.getByLabel('项目名称').fill('建新北路社区老年助餐送餐上门');
    await modal.getByLabel('承办单位').click();
    await supervisor.keyboard.type('建新北路社区');
    // Pick the demo community itself: other suites seed units whose names contain it (评单测试建新北路社区).
    await supervisor.locator('.ant-select-item-option').filter({ hasText: /^建新北路社区（社区）$/ }).click();
    await modal.getByLabel('预算（元，可不填）').fill('20000');
    await shot(supervisor, 'projects-make');
    await modal.getByRole('button', { name: /^立\s*项$/ }).click();
    await supervisor.getByText('已立项：关联诉求将随项目办理').waitFor();

    // The project appears once its orders are linked (the projector follows projects.lifecycle):
    // seconds alone, but under a full run's load 20 s once passed with no row at all, so up to 2 minutes.
    const project = await platform.prisma.project.findFirst({ where: { title: '建新北路社区老年助餐送餐上门' }, orderBy: { createdAt: 'desc' } }).then(async (found) => {
      for (let i = 0; i < 1200; i++) {
        const row = await platform.prisma.project.findFirst({ where: { title: '建新北路社区老年助餐送餐上门', orderCount: { gte: placed.length } }, orderBy: { createdAt: 'desc' } });
        if (row) return row;
        await new Promise((r) => setTimeout(r, 100));
      }
      return found;
    });
    expect({ projected: project !== null && project !== undefined, orderCount: project?.orderCount ?? 0 }).toEqual({ projected: true, orderCount: expect.any(Number) });
    expect(project!.orderCount).toBeGreaterThanOrEqual(placed.length);

    // The owning community's clerk works the project.
    const worker = await login('handler-jianxin');
    await worker.getByRole('menuitem', { name: '项目' }).click();
    const row = worker.getByTestId('projects').locator('tr', { hasText: '建新北路社区老年助餐送餐上门' }).first();
    for (let i = 0; i < 30 && (await row.count()) === 0; i++) await worker.getByRole('button', { name: /刷\s*新/ }).click();
    await row.click();
    const drawer = worker.locator('.ant-drawer');
    await drawer.getByTestId('milestones').getByText('方案确定').waitFor();
    await drawer.getByLabel('进展').fill('已与送餐志愿者队伍对接');
    await drawer.getByLabel('完成比例').fill('40');
    await drawer.getByRole('button', { name: /报告进展/ }).click();
    await worker.getByText('进展已报告').waitFor();
    for (const name of ['方案确定', '服务落地']) {
      await drawer.getByTestId('milestones').locator('tr', { hasText: name }).getByRole('button', { name: /完\s*成/ }).click();
      await drawer.getByTestId('milestones').locator('tr', { hasText: name }).getByText('已完成').waitFor();
    }
    await drawer.getByLabel('办理结果').fill('老年食堂已开通送餐上门，每日中午配送');
    await shot(worker, 'projects-detail');
    await drawer.getByRole('button', { name: /项目办结/ }).click();
    await worker.getByText('项目已办结，关联诉求已办结').waitFor();

    // Every linked order is resolved through its own workflow and waits for its resident's rating.
    const ids = placed.map((o) => o.orderId);
    // Up to 2 minutes: alone this takes a second or two, but early in a full run (every suite at once
    // on 2 cores) the project's updates to four order workflows took longer than 30 s once.
    for (let i = 0; i < 1200 && (await platform.prisma.order.count({ where: { id: { in: ids }, status: 'awaiting_rating' } })) < ids.length; i++) await new Promise((r) => setTimeout(r, 100));
    const statuses = await platform.prisma.order.findMany({ where: { id: { in: ids } }, select: { status: true } });
    expect(statuses.map((o) => o.status)).toEqual(ids.map(() => 'awaiting_rating'));
    // The orders' rows can be written before the projector records project.orders_resolved on the
    // project's timeline, so reopen the drawer until the timeline has caught up.
    for (let i = 0; ; i++) {
      await drawer.getByRole('button', { name: /^Close$|关闭/ }).click().catch(() => undefined);
      await row.click();
      const seen = await drawer.getByText('关联诉求已办结').waitFor({ timeout: 3000 }).then(() => true, () => false);
      if (seen) break;
      if (i >= 10) throw new Error('the project drawer never showed 关联诉求已办结 (project.orders_resolved) after 10 reopenings');
    }
    await shot(worker, 'projects-completed');

    // 项目公示: the public board shows it, completed, with its milestones; one click opens its story.
    const visitor = await person();
    await visitor.goto(`${platform.url}/board`);
    await visitor.getByRole('link', { name: '项目公示' }).click();
    const card = visitor.locator('article.card', { hasText: '建新北路社区老年助餐送餐上门' }).first();
    await card.waitFor();
    await card.getByText('已完成', { exact: true }).first().waitFor();
    await shot(visitor, 'board-projects');
    await card.getByRole('link', { name: '建新北路社区老年助餐送餐上门' }).click();
    await visitor.getByText('老年食堂已开通送餐上门，每日中午配送').first().waitFor();
    await visitor.getByText('已与送餐志愿者队伍对接').waitFor();
    await shot(visitor, 'board-project');
  });
});
