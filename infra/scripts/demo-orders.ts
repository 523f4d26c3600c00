// Demo orders for `npm run up`: a dozen residents' needs of 江北区 walked through the running
// platform's own front doors (intake, the staff API, rating), so the console, the board 回首望 and
// the three rates have something to show. Idempotent: fixed Idempotency-Keys give the same orders
// again, and a step that was already taken answers 409 and is skipped.
import { DEMO_PASSWORD } from '../seed/users';

const INTAKE = `http://127.0.0.1:${process.env.INTAKE_PORT ?? 3001}`;
const DISPATCH = `http://127.0.0.1:${process.env.DISPATCH_PORT ?? 3002}`;
const FEEDBACK = `http://127.0.0.1:${process.env.FEEDBACK_PORT ?? 3003}`;

type Step =
  | ['dispatch', string]
  | ['accept' | 'opinion' | 'resolve' | 'return', string, string?]
  | ['answer', string]
  | ['rate', 'satisfied' | 'basically_satisfied' | 'dissatisfied', string?];

interface Story {
  key: string;
  content: string;
  categoryCode: string;
  address?: string;
  steps: Step[];
}

const HANDLERS: Record<string, string> = {
  'jianxin-north': 'handler-jianxin',
  guanyinqiao: 'handler-guanyinqiao',
  'trade-union': 'handler-union',
};

const STORIES: Story[] = [
  {
    key: 'demo-train-tickets',
    categoryCode: 'train-tickets',
    address: '江北嘴俊豪工地',
    content: '我们工地三十多名工人想春节前买返乡火车票，抢不到票，能否帮忙集中代购？',
    steps: [
      ['dispatch', 'trade-union'],
      ['accept', 'trade-union'],
      ['opinion', 'trade-union', '区总工会将在工地设立购票服务点'],
      ['resolve', 'trade-union', '已在工地设立购票服务点，32张返乡车票全部购得'],
      ['rate', 'satisfied', '服务很贴心，谢谢工会'],
    ],
  },
  {
    key: 'demo-after-school',
    categoryCode: 'after-school',
    address: '建新北路社区',
    content: '双职工家庭孩子下午四点半放学没人接，希望社区开设四点半课堂',
    steps: [
      ['dispatch', 'jianxin-north'],
      ['accept', 'jianxin-north'],
      ['opinion', 'jianxin-north', '社区联合团区委招募大学生志愿者'],
      ['resolve', 'jianxin-north', '四点半课堂已在社区活动室开班，每周一至周五'],
      ['rate', 'basically_satisfied', '很好，希望周末也能开'],
    ],
  },
  {
    key: 'demo-wage-arrears',
    categoryCode: 'wage-arrears',
    address: '观音桥街道某装修工地',
    content: '装修公司拖欠我们五个人三个月工资，老板电话不接',
    steps: [
      ['dispatch', 'guanyinqiao'],
      ['accept', 'guanyinqiao'],
      ['opinion', 'guanyinqiao', '街道劳动保障所已约谈企业'],
      ['resolve', 'guanyinqiao', '企业承诺月底前结清'],
      ['rate', 'dissatisfied', '到现在还没拿到钱'],
    ],
  },
  {
    key: 'demo-legal-advice',
    categoryCode: 'legal-advice',
    content: '公司要求签自愿放弃社保的协议，这合法吗？',
    steps: [
      ['answer', '用人单位必须依法缴纳社保，此类协议无效；可拨打12333或到区劳动监察大队投诉'],
      ['rate', 'satisfied'],
    ],
  },
  {
    key: 'demo-elderly-canteen',
    categoryCode: 'elderly-canteen',
    address: '建新北路社区',
    content: '社区老人多，希望办一个老年食堂，解决吃饭难',
    steps: [
      ['dispatch', 'jianxin-north'],
      ['accept', 'jianxin-north'],
      ['opinion', 'jianxin-north', '已选址社区服务中心一楼，正在协调餐饮企业'],
    ],
  },
  {
    key: 'demo-health-checkup',
    categoryCode: 'health-checkup',
    address: '观音桥商圈',
    content: '环卫工人常年户外作业，希望组织一次免费体检',
    steps: [['dispatch', 'guanyinqiao']],
  },
  {
    key: 'demo-anti-fraud',
    categoryCode: 'anti-fraud',
    address: '曙光工业园',
    content: '园区好几个工友被刷单诈骗，希望来厂里讲讲怎么防骗',
    steps: [],
  },
  {
    key: 'demo-online-membership',
    categoryCode: 'online-membership',
    content: '我是外卖骑手，想加入工会，怎么在网上入会？',
    steps: [
      ['dispatch', 'trade-union'],
      ['accept', 'trade-union'],
      ['opinion', 'trade-union', '通过“渝工娘家人”小程序即可申请'],
      ['resolve', 'trade-union', '已指导完成网上入会，会员卡已寄出'],
      ['rate', 'satisfied', '很方便'],
    ],
  },
  {
    key: 'demo-job-training',
    categoryCode: 'job-training',
    address: '五里店',
    content: '想学电工证，有没有免费的技能培训？',
    steps: [
      ['dispatch', 'jianxin-north'],
      ['return', 'jianxin-north', '技能培训由区人社局统筹，不属社区职责'],
    ],
  },
  {
    key: 'demo-pension',
    categoryCode: 'pension',
    content: '在外地交了十年养老保险，回重庆后怎么转移接续？',
    steps: [
      ['answer', '可通过国家社会保险公共服务平台或“渝快办”申请转移，无需两地跑'],
      ['rate', 'basically_satisfied'],
    ],
  },
];

async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const tokens = new Map<string, Record<string, string>>();
async function as(username: string): Promise<Record<string, string>> {
  const cached = tokens.get(username);
  if (cached) return cached;
  const { status, body } = await call(`${DISPATCH}/v1/auth/login`, 'POST', { username, password: DEMO_PASSWORD });
  if (status !== 200) throw new Error(`login ${username}: ${status}`);
  const header = { authorization: `Bearer ${String(body.accessToken)}` };
  tokens.set(username, header);
  return header;
}

/** The staff API checks a handler's unit against the read model: wait until it shows the order there. */
async function readModel(orderId: string, ready: (row: Record<string, unknown>) => boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { status, body } = await call(`${DISPATCH}/v1/orders/${orderId}`, 'GET', undefined, await as('dispatcher'));
    if (status === 200 && ready(body)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`order ${orderId} did not reach the read model in time`);
}

/**
 * Demo residents reachable on every channel, so that `npm run up` shows every notice a resident
 * gets: e-mail at MailDev, SMS and WeChat at the stand-ins (docs/feedback.md). Demo addresses only.
 */
function demoContact(key: string): Record<string, string> {
  const n = [...key].reduce((sum, c) => sum + c.charCodeAt(0), 0);
  const id = String(n % 10_000).padStart(4, '0');
  return [
    { email: `resident-${key}@demo.diandan.localhost` },
    { phone: `1380000${id}` },
    { wechatOpenId: `o-demo-${key}`, notifyBy: 'wechat' },
  ][n % 3]!;
}

async function walk(story: Story): Promise<string> {
  const placed = await call(
    `${INTAKE}/v1/orders`,
    'POST',
    {
      content: story.content,
      categoryCode: story.categoryCode,
      channel: 'web',
      contact: demoContact(story.key),
      ...(story.address ? { location: { address: story.address } } : {}),
    },
    { 'idempotency-key': `diandan-demo-v1-${story.key}` },
  );
  if (placed.status !== 202) throw new Error(`placing ${story.key}: ${placed.status} ${JSON.stringify(placed.body)}`);
  const { orderId, trackingCode, secret } = placed.body as { orderId: string; trackingCode: string; secret: string };
  await readModel(orderId, () => true);
  // Walked by an earlier run already (it has more than its placed event): leave it as it is.
  const { body: row } = await call(`${DISPATCH}/v1/orders/${orderId}`, 'GET', undefined, await as('dispatcher'));
  if (Number(row.lastSeq) > 1) return trackingCode;
  for (const step of story.steps) {
    let answer: { status: number; body: Record<string, unknown> };
    if (step[0] === 'rate') {
      answer = await call(`${FEEDBACK}/v1/orders/track/${trackingCode}/rating`, 'POST', {
        secret,
        rating: step[1],
        ...(step[2] ? { comment: step[2] } : {}),
      });
    } else if (step[0] === 'dispatch') {
      answer = await call(`${DISPATCH}/v1/orders/${orderId}/dispatch`, 'POST', { unitId: step[1] }, await as('dispatcher'));
      if (answer.status === 200) await readModel(orderId, (row) => row.unitId === step[1]);
    } else if (step[0] === 'answer') {
      answer = await call(`${DISPATCH}/v1/orders/${orderId}/answer`, 'POST', { answer: step[1] }, await as('operator'));
    } else {
      const [action, unitId, text] = step;
      const body =
        action === 'opinion' ? { opinion: text } : action === 'resolve' ? { result: text } : action === 'return' ? { reason: text } : {};
      answer = await call(`${DISPATCH}/v1/orders/${orderId}/${action}`, 'POST', body, await as(HANDLERS[unitId]!));
    }
    // 409, or out of scope: this step was taken by an earlier run, or the order has moved on since.
    if (
      answer.status !== 200 &&
      answer.status !== 409 &&
      !(answer.status === 403 && answer.body.error && (answer.body.error as { code?: string }).code === 'out_of_scope')
    )
      throw new Error(`${story.key} ${step[0]}: ${answer.status} ${JSON.stringify(answer.body)}`);
    if (answer.status === 200) await new Promise((r) => setTimeout(r, 150));
  }
  return trackingCode;
}

async function main(): Promise<void> {
  const codes: string[] = [];
  for (const story of STORIES) codes.push(await walk(story));
  console.log(
    `  ✓ demo orders: ${STORIES.length} (e.g. track ${codes[0]}); board http://127.0.0.1:${process.env.FEEDBACK_PORT ?? 3003}/board`,
  );
}

main().catch((err: unknown) => {
  console.error('demo orders failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
