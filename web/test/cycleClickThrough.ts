// The annual cycle clicked through in Chromium, run by console.browser.test.ts on its platform and
// browser (one platform and one Chromium fewer on a 2-core machine; web/test/platform.ts: the
// annualCycle and project workflows, Kafka, PostgreSQL, the three services, the one-origin web
// server): a resident proposes and supports on the H5 pages (one-time code by e-mail, then by SMS), an
// administrator moves the start of selection with a reason in the 年度周期 screen (a refused move
// first), the joint meeting merges a duplicate, accepts one proposal into a project and declines
// another with a public reason, a visitor reads the reason on the board's 年度公示, and at year end
// an evaluator bound to the cycle scores a unit in 年终评估. Screens are saved under web/test-artifacts/ (h5-proposal*.png, console-cycle*.png,
// board-cycle.png, console-evaluation*.png).
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../infra/seed/users';
import type { Platform } from './platform';

// An organisation and a year no other suite uses (one database per jest run).
const ORG = 'womens-federation';
const YEAR = 2091;
const CYCLE = `cycle-${ORG}-${YEAR}`;
const DAY = 86_400_000;

/** What the suite gives the scenario: its platform and its people (console.browser.test.ts). */
export interface Suite {
  platform: Platform;
  person: (width?: number, height?: number) => Promise<Page>;
  login: (username: string) => Promise<Page>;
  shot: (page: Page, name: string) => Promise<unknown>;
}

let platform: Platform;
let person: Suite['person'];
let login: Suite['login'];
let suiteShot: Suite['shot'];

/** The whole page from its top (a sticky header would otherwise be drawn where the page was scrolled to). */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await suiteShot(page, name);
}

const tokens = new Map<string, string>();
async function api(username: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  if (!tokens.has(username)) {
    const answer = await fetch(`${platform.url}/api/dispatch/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
    tokens.set(username, ((await answer.json()) as { accessToken: string }).accessToken);
  }
  const response = await fetch(`${platform.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${tokens.get(username)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Waits until the read model shows the cycle in `phase` (the workflow's event, through Kafka). */
async function phaseIs(phase: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await api('admin', 'GET', `/api/dispatch/v1/cycles/${CYCLE}`)).body.phase === phase) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${CYCLE} did not reach ${phase}`);
}

/** An administrator brings a phase to a few seconds from now (8 s: under load 2 s had passed before the workflow checked it, a 400), and waits for it. */
async function bringForward(boundary: string): Promise<void> {
  const moved = await api('admin', 'POST', `/api/dispatch/v1/cycles/${CYCLE}/dates`, { boundary, at: new Date(Date.now() + 8000).toISOString(), reason: '测试：提前进入下一阶段' });
  expect(moved.status).toBe(200);
  await phaseIs(boundary);
}

/** Picks the cycle in the screen's selector by its exact text (other suites run cycles of their own). */
async function chooseCycle(page: Page, phaseName: string): Promise<void> {
  await page.getByLabel('年度周期').click();
  await page.locator('.ant-select-item-option').filter({ hasText: new RegExp(`^${YEAR} 年 · 区妇联 · ${phaseName}$`) }).click();
}

export async function cycleClickThrough(suite: Suite): Promise<void> {
  ({ platform, person, login, shot: suiteShot } = suite);
  {
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const dates = { solicitation: at(-3600_000), selection: at(DAY), publication: at(2 * DAY), implementation: at(3 * DAY), midyear_review: at(4 * DAY), evaluation: at(5 * DAY), report: at(6 * DAY), closed: at(7 * DAY) };
    expect((await api('admin', 'POST', '/api/dispatch/v1/cycles', { organisationId: ORG, year: YEAR, dates })).status).toBe(201);
    await phaseIs('solicitation');
    // Another resident's proposal, through the API the H5 form uses.
    const other = await fetch(`${platform.url}/api/intake/v1/proposals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `web-cycle-${Date.now()}-lights` },
      body: JSON.stringify({ organisationId: ORG, title: '篮球场夜间照明', content: '社区篮球场晚上太黑，希望加装照明灯。', categoryCode: 'after-school', areaId: 'guanyinqiao', channel: 'web' }),
    });
    expect(other.status).toBe(201);
    const duplicate = await fetch(`${platform.url}/api/intake/v1/proposals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `web-cycle-${Date.now()}-duplicate` },
      body: JSON.stringify({ organisationId: ORG, title: '希望办女性健康讲座', content: '建议在建新北路社区办女性健康讲座。', categoryCode: 'women-children', areaId: 'jianxin-north', channel: 'web' }),
    });
    expect(duplicate.status).toBe(201);

    // 提议 and 附议 — the resident on a phone-sized screen.
    const resident = await person(375, 740);
    await resident.goto(`${platform.url}/h5/proposals?org=${ORG}`);
    await resident.getByTestId('cycle-phase').filter({ hasText: '公开征集' }).waitFor();
    await resident.getByRole('heading', { name: '篮球场夜间照明' }).waitFor();
    await shot(resident, 'h5-proposals');
    await resident.getByRole('button', { name: '我要提议' }).click();
    await resident.getByRole('button', { name: '提交提议' }).click();
    await resident.getByText('必填', { exact: true }).first().waitFor(); // checked before sending, as the API would
    await resident.getByLabel('提议标题（必填）').fill('社区开设女性健康讲座');
    await resident.getByLabel('类别（可选）').selectOption({ label: '妇女儿童权益' });
    await resident.getByLabel('涉及的街道或社区（可选）').selectOption({ label: '建新北路社区' });
    await resident.getByLabel('具体内容（必填）').fill('希望区妇联每季度在社区开展一次女性健康讲座和免费筛查，联系人王女士 13812345678。');
    await shot(resident, 'h5-proposal-new');
    await resident.getByRole('button', { name: '提交提议' }).click();
    const reference = (await resident.getByTestId('proposal-reference').textContent()) ?? '';
    expect(reference).toMatch(/^P-[0-9A-F]{4}-[0-9A-F]{4}$/);
    await resident.getByRole('button', { name: '查看全部提议' }).click();
    const mine = resident.getByTestId('proposal').filter({ hasText: reference });
    await expect(mine.textContent()).resolves.not.toContain('13812345678'); // scrubbed before it is public
    await mine.getByRole('button', { name: '附议' }).click();
    await mine.getByLabel(/^邮箱/).fill('resident-w@example.com');
    await mine.getByRole('button', { name: '获取验证码' }).click();
    await mine.getByLabel('验证码', { exact: true }).waitFor();
    const code = platform.codes.get('resident-w@example.com');
    expect(code).toMatch(/^\d{6}$/);
    await mine.getByLabel('验证码', { exact: true }).fill(code!);
    await mine.getByRole('button', { name: '确认附议' }).click();
    await mine.getByText('附议成功，目前共 1 人附议。').waitFor();
    await shot(resident, 'h5-proposal-supported');
    // Where intake has an SMS sender the form offers it beside e-mail: 附议 with a code by SMS.
    const lights = resident.getByTestId('proposal').filter({ hasText: '篮球场夜间照明' });
    await lights.getByRole('button', { name: '附议' }).click();
    await lights.getByLabel('通过手机短信').check();
    await lights.getByLabel(/^手机号码/).fill('139 1234 5678');
    await lights.getByRole('button', { name: '获取验证码' }).click();
    await lights.getByLabel('验证码', { exact: true }).waitFor();
    const smsCode = platform.codes.get('13912345678');
    expect(smsCode).toMatch(/^\d{6}$/);
    await lights.getByLabel('验证码', { exact: true }).fill(smsCode!);
    await lights.getByRole('button', { name: '确认附议' }).click();
    await lights.getByText('附议成功，目前共 1 人附议。').waitFor();

    // 调整日期 — the administrator brings selection forward, with a reason (a refused move first).
    const admin = await login('admin');
    await admin.getByRole('menuitem', { name: '年度周期' }).click();
    await chooseCycle(admin, '公开征集');
    await admin.getByTestId('cycle-phase').filter({ hasText: '公开征集' }).waitFor();
    await admin.getByTestId('cycle-steps').getByText('审议遴选').waitFor();
    await shot(admin, 'console-cycle');
    await admin.getByRole('button', { name: '调整日期' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByRole('button', { name: /确定调整/ }).click();
    await dialog.getByText('请填写调整原因').waitFor();
    // Typed and confirmed with Enter, then the picker's panel is waited away: clicking its 确定 raced
    // the panel's opening animation (CI: the typed time was not taken; here: the open panel covered
    // 确定调整 for 30 s). The picker is asked again until it shows what was typed.
    const pick = async (ms: number) => {
      const text = new Date(Date.now() + ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
      const input = dialog.getByLabel('新的开始时间（北京时间）');
      const panel = admin.locator('.ant-picker-dropdown:visible');
      for (let attempt = 1; ; attempt++) {
        await input.click();
        await input.fill(text);
        await input.press('Enter');
        for (let i = 0; i < 20 && (await panel.count()); i++) await admin.waitForTimeout(100);
        if (!(await panel.count()) && (await input.inputValue()) === text) return;
        if (attempt === 3) throw new Error(`the date picker did not take ${text} (it shows ${await input.inputValue()})`);
        await dialog.getByText('调整阶段开始日期').click(); // a click outside closes the panel before the next try
      }
    };
    // After the start of publication: out of the phases' order, refused by the workflow, in its words.
    await pick(3 * DAY);
    await dialog.getByLabel('调整原因（公开）').fill('征集提前结束，联席会议提前召开');
    await dialog.getByRole('button', { name: /确定调整/ }).click();
    const refusal = dialog.locator('.ant-typography-danger[role=alert]'); // the workflow's answer, not a form hint
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('「审议遴选」须早于「公布服务清单」的开始时间');
    await shot(admin, 'console-cycle-move-refused');
    await pick(12_000);
    await dialog.getByRole('button', { name: /确定调整/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    for (let i = 0; i < 60 && !(await admin.getByTestId('cycle-phase').filter({ hasText: '审议遴选' }).count()); i++) {
      await admin.waitForTimeout(1000);
      await admin.getByRole('button', { name: /刷\s*新/ }).first().click();
    }
    await admin.getByTestId('cycle-phase').filter({ hasText: '审议遴选' }).waitFor();
    await admin.getByRole('tab', { name: '周期记录' }).click();
    await admin.getByTestId('cycle-timeline').getByText(/原因：征集提前结束，联席会议提前召开/).waitFor();
    await shot(admin, 'console-cycle-moved');

    // 联席会议 — accept one proposal into a project, decline the other with a public reason.
    const meeting = await login('dispatcher');
    await meeting.getByRole('menuitem', { name: '年度周期' }).click();
    await chooseCycle(meeting, '审议遴选');
    const ranking = meeting.getByTestId('proposal-ranking');
    const row = (title: string) => ranking.locator('tr', { hasText: title });
    await row('社区开设女性健康讲座').waitFor();
    // 合并: the duplicate into the resident's proposal (its supports would move with it).
    await row('希望办女性健康讲座').getByRole('button', { name: /^合\s*并$/ }).click();
    await meeting.getByRole('dialog').getByLabel('合并到').click();
    await meeting.locator('.ant-select-item-option').filter({ hasText: /社区开设女性健康讲座（1 人附议）$/ }).click();
    await meeting.getByRole('dialog').getByRole('button', { name: /^合\s*并$/ }).click();
    await meeting.getByRole('dialog').waitFor({ state: 'hidden' });
    await row('希望办女性健康讲座').waitFor({ state: 'detached' });
    await row('社区开设女性健康讲座').getByRole('button', { name: /^采\s*纳$/ }).click();
    const decide = meeting.getByRole('dialog');
    await decide.getByLabel('理由（公开）').fill('妇女健康需求集中，社区活动室可用，纳入本年度服务清单');
    await decide.getByLabel('承办单位').click();
    await meeting.keyboard.type('建新北路社区');
    await meeting.locator('.ant-select-item-option').filter({ hasText: /^建新北路社区（社区）$/ }).click();
    await shot(meeting, 'console-cycle-accept');
    await decide.getByRole('button', { name: /采纳并立项/ }).click();
    await decide.waitFor({ state: 'hidden' });
    await row('社区开设女性健康讲座').getByText('已采纳').waitFor();
    await row('篮球场夜间照明').getByRole('button', { name: /不采纳/ }).click();
    await meeting.getByRole('dialog').getByLabel('理由（公开）').fill('篮球场照明已列入区城管局本年度计划，不重复立项');
    await meeting.getByRole('dialog').getByRole('button', { name: /确定不采纳/ }).click();
    await row('篮球场夜间照明').getByText('未采纳').waitFor();
    await shot(meeting, 'console-cycle-selection');
    // 周期记录 names the proposal of each decision (the event carries only its id).
    await meeting.getByRole('tab', { name: '周期记录' }).click();
    const declined = meeting.getByTestId('cycle-timeline').getByText(/「篮球场夜间照明」 未采纳；理由：篮球场照明已列入/);
    for (let i = 0; i < 30 && !(await declined.count()); i++) {
      await meeting.waitForTimeout(1000);
      await meeting.getByRole('button', { name: /刷\s*新/ }).first().click();
    }
    await declined.waitFor();
    await meeting.getByTestId('cycle-timeline').getByText(/「社区开设女性健康讲座」 已采纳/).waitFor();
    await shot(meeting, 'console-cycle-decisions');

    // 年度公示 — anyone reads the decline's reason and the year's service list.
    const visitor = await person();
    for (let i = 0; i < 30; i++) {
      await visitor.goto(`${platform.url}/board/cycles/${CYCLE}`);
      if ((await visitor.getByText('篮球场照明已列入区城管局本年度计划，不重复立项').count()) && (await visitor.locator('[role=progressbar]').count())) break;
      await visitor.waitForTimeout(1000);
    }
    await visitor.getByText('未采纳理由：').waitFor();
    await visitor.getByText('篮球场照明已列入区城管局本年度计划，不重复立项').waitFor();
    await visitor.getByText('年度服务清单（1）').waitFor();
    await expect(visitor.content()).resolves.not.toContain('13812345678');
    await shot(visitor, 'board-cycle');

    // 年终评估 — the year moves on to the evaluation; the bound evaluator scores a unit.
    for (const boundary of ['publication', 'implementation', 'midyear_review', 'evaluation']) await bringForward(boundary);
    const criteria = [
      { target: 'unit', name: '服务响应', description: '受理、派单、办结是否及时', weight: 40 },
      { target: 'unit', name: '群众满意度', description: '评单结果与回访', weight: 60 },
      { target: 'project', name: '完成进度', weight: 1 },
    ];
    expect((await api('admin', 'PUT', `/api/feedback/v1/evaluation/cycles/${CYCLE}/criteria`, { criteria })).status).toBe(200);
    // An evaluator account of this test's own (the demo `evaluator` is bound by another suite meanwhile:
    // an account has one cycle), added and bound by the administrator as the API offers.
    const evaluatorName = `web-eval-${Date.now().toString(36)}`;
    const added = await api('admin', 'POST', '/api/dispatch/v1/users', { username: evaluatorName, password: DEMO_PASSWORD, role: 'evaluator', displayName: '第三方评估 周敏' });
    expect(added.status).toBe(201);
    expect((await api('admin', 'PUT', `/api/feedback/v1/evaluation/cycles/${CYCLE}/evaluators/${String(added.body.id)}`, {})).status).toBe(200);
    const evaluator = await login(evaluatorName);
    await evaluator.getByRole('menuitem', { name: '年终评估' }).click();
    await evaluator.getByText('评估进行中：评分可修改').waitFor();
    await evaluator.getByLabel('搜索单位').fill('建新北路社区');
    await evaluator.getByRole('cell', { name: '建新北路社区', exact: true }).click();
    await evaluator.getByLabel(/^服务响应/).fill('85');
    await evaluator.getByLabel(/^群众满意度/).fill('92');
    await evaluator.getByLabel('评语').fill('响应及时，四点半课堂反响好');
    await evaluator.getByRole('button', { name: /保存评分/ }).click();
    await evaluator.getByText(/第 1 版 · 第三方评估 周敏/).waitFor();
    await evaluator.getByText(/综合得分 89\.2/).first().waitFor(); // 0.4 × 85 + 0.6 × 92
    await shot(evaluator, 'console-evaluation-scored');
  }
}
