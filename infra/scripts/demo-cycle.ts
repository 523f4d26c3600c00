// The demo's annual cycle (年度周期, docs/annual-cycle.md) for `npm run up`: this year's cycle of the
// federation with residents' proposals and supports, walked through the platform's own front doors
// to the year-end evaluation, with the demo `evaluator` bound to it, criteria to score by, and the
// joint meeting's decisions (one accepted into a project, one declined with its public reason).
//
// Two steps, because services/dispatch starts this year's cycle of every organisation with the
// default dates as it starts (on 30 November the default cycle is already in its evaluation, and
// proposals are taken only in solicitation):
//   `tsx infra/scripts/demo-cycle.ts start` — before the services: starts the federation's cycle
//       with demo dates (solicitation open now, the rest ahead), unless it runs already;
//   `tsx infra/scripts/demo-cycle.ts`       — after: proposals through intake, supports by an
//       e-mail code (read from MailDev) and by hotline, then an administrator moves each next date
//       to a few seconds ahead with a reason (the workflow's timers follow), the joint meeting
//       decides in selection, and the cycle stops in evaluation.
// Idempotent: fixed Idempotency-Keys, support retries count nothing, a date already reached is not
// moved again, a decision taken is not taken again, binding again is the same binding. A cycle
// that dispatch started with its defaults before this demo existed is left as it is (the
// evaluator is still bound to it); `npm run stop && rm -rf .diandan` gives a fresh demo.
import { randomUUID } from 'node:crypto';
import {
  CYCLE_BOUNDARIES, CYCLE_STATES, createWorkingCalendar, cycleIdFor, defaultCycleDates, type CycleBoundary, type CycleDates, type CycleState,
} from '@diandan/domain';
import { AesGcmPayloadCodec, connectTemporal, loadConfig, processEnv } from '@diandan/platform';
import { DEMO_PASSWORD } from '../seed/users';

const INTAKE = `http://127.0.0.1:${process.env.INTAKE_PORT ?? 3001}`;
const DISPATCH = `http://127.0.0.1:${process.env.DISPATCH_PORT ?? 3002}`;
const FEEDBACK = `http://127.0.0.1:${process.env.FEEDBACK_PORT ?? 3003}`;
const MAILDEV = `http://127.0.0.1:${process.env.MAIL_SINK_WEB_PORT ?? 3026}`;
const OPERATOR_TOKEN = (process.env.INTAKE_OPERATOR_TOKENS ?? '').split(',')[0]?.trim() ?? '';

const ORGANISATION = 'district-federation';
const calendar = createWorkingCalendar();
const YEAR = Number(calendar.localDate(new Date()).slice(0, 4));
const CYCLE_ID = cycleIdFor(ORGANISATION, YEAR);
const DAY = 86_400_000;

interface DemoProposal {
  key: string;
  title: string;
  content: string;
  categoryCode: string;
  areaId: string;
  /** Hotline callers' numbers (demo numbers) and demo e-mail addresses that support it. */
  callers: string[];
  emails: string[];
  decision?: { decision: 'accepted'; reason: string; project: { title: string; ownerUnitId: string; budget: number; milestones: { name: string; workingDays: number }[] } } | { decision: 'declined'; reason: string };
}

const PROPOSALS: DemoProposal[] = [
  {
    key: 'after-school',
    title: '建新北路社区开设四点半课堂',
    content: '双职工家庭多，孩子下午四点半放学后无人看护，建议社区联合团区委开设四点半课堂，招募大学生志愿者辅导作业。',
    categoryCode: 'after-school',
    areaId: 'jianxin-north',
    callers: ['13800001001', '13800001002', '13800001003'],
    emails: ['parent-a@demo.diandan.localhost', 'parent-b@demo.diandan.localhost'],
    decision: {
      decision: 'accepted',
      reason: '附议最多，社区活动室与志愿者均可落实，纳入本年度服务清单',
      project: { title: '建新北路社区四点半课堂', ownerUnitId: 'jianxin-north', budget: 20000, milestones: [{ name: '场地与志愿者到位', workingDays: 20 }, { name: '课堂开课', workingDays: 40 }] },
    },
  },
  {
    key: 'elderly-canteen',
    title: '观音桥街道增设老年助餐点',
    content: '街道老人多，现有老年食堂离得远，希望在华新村社区增设一个助餐点，解决高龄老人吃饭难。',
    categoryCode: 'elderly-canteen',
    areaId: 'guanyinqiao',
    callers: ['13800001004', '13800001005'],
    emails: ['parent-a@demo.diandan.localhost'],
    decision: {
      decision: 'accepted',
      reason: '高龄老人助餐需求集中，街道已有可用场地，纳入本年度服务清单',
      project: { title: '华新村社区老年助餐点', ownerUnitId: 'guanyinqiao', budget: 50000, milestones: [{ name: '选址与餐企确定', workingDays: 15 }, { name: '助餐点开餐', workingDays: 45 }] },
    },
  },
  {
    key: 'court-lights',
    title: '篮球场夜间照明',
    content: '社区篮球场晚上太黑，下班后没法打球，希望加装照明灯。',
    categoryCode: 'after-school',
    areaId: 'jianxin-north',
    callers: ['13800001006'],
    emails: [],
    decision: { decision: 'declined', reason: '篮球场照明已列入区城管局本年度计划，不重复立项；已转交城管局并告知提议人' },
  },
  {
    key: 'anti-fraud',
    title: '工业园区反诈宣讲进车间',
    content: '园区工友多次被刷单诈骗，希望每季度到车间开展一次反诈宣讲。',
    categoryCode: 'anti-fraud',
    areaId: 'guanyinqiao',
    callers: [],
    emails: ['worker-c@demo.diandan.localhost'],
  },
];

/** The dates the demo starts its cycle with: solicitation open now, each later phase ahead (the defaults where they still are). */
export function demoDates(now: Date): CycleDates {
  const defaults = defaultCycleDates(YEAR, calendar);
  const dates = {} as Record<CycleBoundary, string>;
  let previous = Math.min(Date.parse(defaults.solicitation), now.getTime() - 3600_000);
  dates.solicitation = new Date(previous).toISOString();
  for (const boundary of CYCLE_BOUNDARIES.slice(1)) {
    previous = Math.max(Date.parse(defaults[boundary]), now.getTime() + DAY, previous + DAY);
    dates[boundary] = new Date(previous).toISOString();
  }
  return dates;
}

async function start(): Promise<void> {
  const config = loadConfig(processEnv.worker);
  const { connection, client } = await connectTemporal({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, codec: AesGcmPayloadCodec.fromConfig(config.TEMPORAL_CODEC_KEYS) });
  try {
    await client.workflow.start('annualCycle', {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: CYCLE_ID,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [{ organisationId: ORGANISATION, year: YEAR, dates: demoDates(new Date()), startedBy: { role: 'system', id: 'demo-seed' } }],
    });
    console.log(`  ✓ demo cycle ${CYCLE_ID} started in solicitation`);
  } catch (error) {
    if ((error as { name?: string }).name !== 'WorkflowExecutionAlreadyStartedError') throw error;
    console.log(`  ✓ demo cycle ${CYCLE_ID} runs already`);
  } finally {
    await connection.close();
  }
}

type Answer = { status: number; body: Record<string, unknown> };
async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
const expectOk = (what: string, answer: Answer, ...ok: number[]): Answer => {
  if (!ok.includes(answer.status)) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
};

const tokens = new Map<string, Record<string, string>>();
async function as(username: string): Promise<Record<string, string>> {
  const cached = tokens.get(username);
  if (cached) return cached;
  const { body } = expectOk(`login ${username}`, await call(`${DISPATCH}/v1/auth/login`, 'POST', { username, password: DEMO_PASSWORD }), 200);
  const header = { authorization: `Bearer ${String(body.accessToken)}` };
  tokens.set(username, header);
  return header;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 150): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not happen in time`);
}

const phaseIndex = (phase: string) => CYCLE_STATES.indexOf(phase as CycleState);
const cycleRow = async () => (await call(`${DISPATCH}/v1/cycles/${CYCLE_ID}`, 'GET', undefined, await as('admin'))).body as { phase?: string };

/** The newest support code MailDev holds for an address (intake sends codes through its SMTP). */
async function codeFrom(email: string): Promise<string> {
  expectOk(`code for ${email}`, await call(`${INTAKE}/v1/proposals/support-codes`, 'POST', { kind: 'email', value: email }), 202);
  return until(`the code mail to ${email}`, async () => {
    const mails = (await (await fetch(`${MAILDEV}/api/email`)).json()) as { subject: string; to: { address: string }[]; time: string }[];
    const mine = mails.filter((m) => m.to.some((t) => t.address === email) && /^附议验证码 \d{6}$/.test(m.subject)).sort((a, b) => a.time.localeCompare(b.time));
    return mine.at(-1)?.subject.slice(-6);
  });
}

async function solicit(): Promise<void> {
  const codes = new Map<string, string>();
  for (const p of PROPOSALS) {
    const placed = expectOk(
      `proposal ${p.key}`,
      await call(`${INTAKE}/v1/proposals`, 'POST', { organisationId: ORGANISATION, title: p.title, content: p.content, categoryCode: p.categoryCode, areaId: p.areaId, channel: 'web' }, { 'idempotency-key': `diandan-demo-cycle-${YEAR}-${p.key}` }),
      200, 201,
    ).body as { reference: string };
    for (const callerNumber of p.callers) {
      expectOk(`hotline support of ${p.key}`, await call(`${INTAKE}/v1/hotline/proposals/${placed.reference}/supports`, 'POST', { callId: `demo-${randomUUID()}`, callerNumber }, { authorization: `Bearer ${OPERATOR_TOKEN}` }), 200, 201);
    }
    for (const email of p.emails) {
      if (!codes.has(email)) codes.set(email, await codeFrom(email));
      expectOk(`e-mail support of ${p.key}`, await call(`${INTAKE}/v1/proposals/${placed.reference}/supports`, 'POST', { identity: { kind: 'email', value: email }, code: codes.get(email) }), 200, 201);
    }
  }
}

/** Brings the start of `boundary` to a few seconds from now, with a reason, and waits for the phase. */
async function bringForward(boundary: CycleBoundary, reason: string): Promise<void> {
  const row = await cycleRow();
  if (phaseIndex(row.phase ?? 'planned') >= phaseIndex(boundary)) return;
  expectOk(`moving ${boundary}`, await call(`${DISPATCH}/v1/cycles/${CYCLE_ID}/dates`, 'POST', { boundary, at: new Date(Date.now() + 3000).toISOString(), reason }, await as('admin')), 200);
  await until(`${CYCLE_ID} in ${boundary}`, async () => ((await cycleRow()).phase === boundary ? true : undefined));
}

async function decide(): Promise<void> {
  const ranking = expectOk('ranking', await call(`${DISPATCH}/v1/cycles/${CYCLE_ID}/proposals?status=open`, 'GET', undefined, await as('dispatcher')), 200).body as { proposals: { id: string; title: string }[] };
  for (const p of PROPOSALS) {
    const row = ranking.proposals.find((r) => r.title === p.title);
    if (!row || !p.decision) continue;
    expectOk(`decision on ${p.key}`, await call(`${DISPATCH}/v1/proposals/${row.id}/decision`, 'POST', p.decision, await as('dispatcher')), 200);
  }
}

const CRITERIA = [
  { target: 'unit', name: '服务响应', description: '受理、派单、办结是否及时', weight: 30 },
  { target: 'unit', name: '群众满意度', description: '评单结果与回访', weight: 40 },
  { target: 'unit', name: '项目落实', description: '年度服务清单项目的完成情况', weight: 30 },
  { target: 'project', name: '完成进度', description: '节点是否按期完成', weight: 50 },
  { target: 'project', name: '服务成效', description: '受益群众与评价', weight: 50 },
];

async function evaluation(): Promise<string> {
  const admin = await as('admin');
  const form = expectOk('scoring form', await call(`${FEEDBACK}/v1/evaluation/cycles/${CYCLE_ID}`, 'GET', undefined, admin), 200).body as { criteria?: unknown[]; cycle?: { phase?: string } };
  if ((form.criteria ?? []).length === 0 && ['planned', 'solicitation', 'selection', 'publication', 'implementation', 'midyear_review', 'evaluation'].includes(form.cycle?.phase ?? '')) {
    expectOk('criteria', await call(`${FEEDBACK}/v1/evaluation/cycles/${CYCLE_ID}/criteria`, 'PUT', { criteria: CRITERIA }, admin), 200);
  }
  const users = expectOk('users', await call(`${DISPATCH}/v1/users`, 'GET', undefined, admin), 200).body as unknown as { users?: { id: string; username: string }[] } | { id: string; username: string }[];
  const list = Array.isArray(users) ? users : (users.users ?? []);
  const evaluator = list.find((u) => u.username === 'evaluator');
  if (!evaluator) throw new Error('the demo evaluator account is missing (infra/scripts/seed-demo.ts)');
  expectOk('binding the evaluator', await call(`${FEEDBACK}/v1/evaluation/cycles/${CYCLE_ID}/evaluators/${evaluator.id}`, 'PUT', {}, admin), 200);
  return (await cycleRow()).phase ?? '?';
}

const NEXT_ID = cycleIdFor(ORGANISATION, YEAR + 1);
// One: with this year's four it is the five a day one address may place (DEFAULT_SUPPORT_LIMITS).
const NEXT_PROPOSALS = [
  { key: 'night-school', title: '新就业形态劳动者夜校', content: '外卖骑手、网约车司机白天没空，希望工会开设晚上的技能和法律夜校。', categoryCode: 'job-training', areaId: 'guanyinqiao' },
];

/**
 * Next year's solicitation, open already (a December call for next year's list), so the resident
 * pages have proposals to support: intake takes proposals into the organisation's newest cycle.
 */
async function nextYear(): Promise<void> {
  const dates = { ...defaultCycleDates(YEAR + 1, calendar), solicitation: new Date(Date.now() - 3600_000).toISOString() };
  expectOk('next year\'s cycle', await call(`${DISPATCH}/v1/cycles`, 'POST', { organisationId: ORGANISATION, year: YEAR + 1, dates }, await as('admin')), 200, 201);
  const phase = await until(`${NEXT_ID} in the read model`, async () => ((await call(`${DISPATCH}/v1/cycles/${NEXT_ID}`, 'GET', undefined, await as('admin'))).body as { phase?: string }).phase);
  if (phase !== 'solicitation') return;
  for (const p of NEXT_PROPOSALS) {
    const placed = expectOk(
      `proposal ${p.key}`,
      await call(`${INTAKE}/v1/proposals`, 'POST', { organisationId: ORGANISATION, title: p.title, content: p.content, categoryCode: p.categoryCode, areaId: p.areaId, channel: 'web' }, { 'idempotency-key': `diandan-demo-cycle-${YEAR + 1}-${p.key}` }),
      200, 201,
    ).body as { reference: string };
    expectOk(`hotline support of ${p.key}`, await call(`${INTAKE}/v1/hotline/proposals/${placed.reference}/supports`, 'POST', { callId: `demo-${randomUUID()}`, callerNumber: '13800002001' }, { authorization: `Bearer ${OPERATOR_TOKEN}` }), 200, 201);
  }
}

async function walk(): Promise<void> {
  await until(`${CYCLE_ID} in the read model`, async () => ((await cycleRow()).phase ? true : undefined));
  let phase = (await cycleRow()).phase!;
  if (phase === 'solicitation') await solicit();
  const ours = (await call(`${DISPATCH}/v1/cycles/${CYCLE_ID}/proposals`, 'GET', undefined, await as('dispatcher'))).body as { proposals?: { title: string }[] };
  const demo = (ours.proposals ?? []).some((p) => PROPOSALS.some((d) => d.title === p.title));
  if (demo) {
    await bringForward('selection', '演示数据：公开征集提前结束，联席会议提前审议');
    if ((await cycleRow()).phase === 'selection') await decide();
    await bringForward('publication', '演示数据：服务清单提前公布');
    await bringForward('implementation', '演示数据：公示期满，组织实施');
    await bringForward('midyear_review', '演示数据：年中评估');
    await bringForward('evaluation', '演示数据：进入年底第三方评估');
  } else {
    console.log(`  · ${CYCLE_ID} was started with its default dates before the demo had proposals; left as it is`);
  }
  phase = await evaluation();
  await nextYear();
  console.log(`  ✓ demo cycle ${CYCLE_ID}: ${PROPOSALS.length} proposals, phase ${phase}, evaluator bound; next year's solicitation ${NEXT_ID} open; year page http://127.0.0.1:${process.env.FEEDBACK_PORT ?? 3003}/board/cycles/${CYCLE_ID}`);
}

const step = process.argv[2] === 'start' ? start : walk;
step().catch((err: unknown) => {
  console.error('demo cycle failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
