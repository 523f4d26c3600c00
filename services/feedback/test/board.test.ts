// The public board 回首望 on the real read model: JSON with filters and pages, and the page —
// scrubbed, escaped, no personal data.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { publicReferenceOf, type PrismaClient } from '@diandan/platform';
import { boardPageSchema } from '../src/openapi';
import { insertOrder, env, seedUnits, startApp, testPrisma, type RunningApp } from '@diandan/testkit/feedback';

let prisma: PrismaClient;
let connection: Connection;
let app: RunningApp;
const category = `fb-board-${randomUUID().slice(0, 8)}`;
const ids: Record<string, string> = {};

beforeAll(async () => {
  prisma = testPrisma();
  await seedUnits(prisma);
  await prisma.category.create({ data: { code: category, name: '路灯<维修>' } });
  const t = (iso: string) => new Date(iso);
  ids.a1 = await insertOrder(prisma, category, {
    unitId: 'fb-a-c1',
    status: 'closed',
    rating: 'satisfied',
    placedAt: t('2018-05-02T02:00:00Z'),
    resolvedAt: t('2018-05-03T02:00:00Z'),
    content: '张先生反映3栋2单元门口路灯不亮，电话13812345678<script>alert(1)</script>',
    opinion: '已派电工，联系人：李华',
    result: '已更换灯泡',
    comment: '很快，谢谢王师傅',
  });
  ids.a2 = await insertOrder(prisma, category, {
    unitId: 'fb-a-c2',
    status: 'awaiting_rating',
    placedAt: t('2018-05-04T02:00:00Z'),
    resolvedAt: t('2018-05-06T02:00:00Z'),
    content: '我叫王小明，身份证500103198503127716，路灯闪烁',
    result: '线路已检修',
  });
  ids.b1 = await insertOrder(prisma, category, {
    unitId: 'fb-b-c1',
    status: 'closed',
    rating: 'dissatisfied',
    placedAt: t('2018-05-20T02:00:00Z'),
    resolvedAt: t('2018-06-02T02:00:00Z'),
    content: '华新街路灯坏了',
    result: '已报修',
  });
  ids.open = await insertOrder(prisma, category, {
    unitId: 'fb-b-c1',
    status: 'in_progress',
    placedAt: t('2018-05-21T02:00:00Z'),
    resolvedAt: null,
    content: '尚在办理',
  });
  connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
  app = await startApp(prisma, new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') }));
});

afterAll(async () => {
  await app?.close();
  await connection?.close();
  await prisma?.$disconnect();
});

interface Page {
  items: Array<{
    ref: string;
    content: string;
    opinion: string | null;
    result: string | null;
    comment: string | null;
    rating: string | null;
    unit: { name: string } | null;
  }>;
  page: number;
  hasNext: boolean;
}
const board = async (query: string): Promise<Page> => {
  const response = await fetch(`${app.url}/v1/board?category=${category}&${query}`);
  expect(response.status).toBe(200);
  // Strict: the OpenAPI document's schema is the answer's shape, field for field.
  return boardPageSchema.parse(await response.json()) as Page;
};

describe('GET /v1/board', () => {
  it('board.handledOnlyCheck: handled orders only, newest result first', async () => {
    const page = await board('');
    expect(page.items.map((i) => i.ref)).toEqual([publicReferenceOf(ids.b1!), publicReferenceOf(ids.a2!), publicReferenceOf(ids.a1!)]);
    expect(page.hasNext).toBe(false);
  });

  it('board.scrubCheck: content, opinion and comment are scrubbed; no phone or ID number leaves', async () => {
    const page = await board('');
    const text = JSON.stringify(page);
    for (const personal of ['13812345678', '500103198503127716', '张先生', '王小明', '李华', '3栋2单元', 'trackingCode', '幸福路'])
      expect(text).not.toContain(personal);
    const a1 = page.items.find((i) => i.ref === publicReferenceOf(ids.a1!))!;
    expect(a1).toMatchObject({
      opinion: '已派电工，联系人：某某',
      result: '已更换灯泡',
      comment: '很快，谢谢某师傅',
      rating: 'satisfied',
      unit: { name: '评单测试建新北路社区' },
    });
  });

  it('board.publicRefCheck: orders are named by a reference that is not their id', async () => {
    const page = await board('');
    const text = JSON.stringify(page);
    for (const id of Object.values(ids)) expect(text).not.toContain(id);
    expect(page.items.every((i) => /^[0-9a-f]{20}$/.test(i.ref))).toBe(true);
  });

  it('board.sensitiveCheck: an order of a sensitive category never appears, not even with its category asked for', async () => {
    const sensitive = `fb-dv-${randomUUID().slice(0, 8)}`;
    await prisma.category.create({ data: { code: sensitive, name: '家暴求助', sensitive: true } });
    await insertOrder(prisma, sensitive, {
      unitId: 'fb-a-c1',
      status: 'closed',
      rating: 'satisfied',
      placedAt: new Date('2018-05-02T02:00:00Z'),
      resolvedAt: new Date('2018-05-03T02:00:00Z'),
      content: '家暴求助：丈夫多次殴打',
      result: '已转介妇联庇护',
    });
    const response = await fetch(`${app.url}/v1/board?category=${sensitive}`);
    expect(((await response.json()) as Page).items).toEqual([]);
    const all = await (await fetch(`${app.url}/v1/board?pageSize=50`)).text();
    // Other suites share this run's database and may place non-sensitive orders that mention 家暴:
    // look for this order's own category and words.
    expect(all).not.toContain(sensitive);
    expect(all).not.toContain('丈夫多次殴打');
    expect(await (await fetch(`${app.url}/board?category=${sensitive}`)).text()).not.toContain('殴打');
  });

  it('board.filterCheck: street (with its communities), unit and month of the result', async () => {
    expect((await board('street=fb-street-a')).items.map((i) => i.ref)).toEqual([publicReferenceOf(ids.a2!), publicReferenceOf(ids.a1!)]);
    expect((await board('unit=fb-b-c1')).items.map((i) => i.ref)).toEqual([publicReferenceOf(ids.b1!)]);
    expect((await board('month=2018-06')).items.map((i) => i.ref)).toEqual([publicReferenceOf(ids.b1!)]);
  });

  it('board.pagesCheck: pages of two', async () => {
    const first = await board('pageSize=2');
    const second = await board('pageSize=2&page=2');
    expect(first.items).toHaveLength(2);
    expect(first.hasNext).toBe(true);
    expect(second.items.map((i) => i.ref)).toEqual([publicReferenceOf(ids.a1!)]);
    expect(second.hasNext).toBe(false);
  });

  it('board.inputCheck: a malformed month is a 400', async () => {
    const response = await fetch(`${app.url}/v1/board?month=2018-13`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/json/);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });

  it('board.htmlErrorCheck: asked for HTML, bad input answers a page in Chinese, escaped', async () => {
    const response = await fetch(`${app.url}/v1/board?month=2018-13&pageSize=<script>`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const page = await response.text();
    expect(page).toContain('筛选条件有误');
    expect(page).toContain('办结月份');
    expect(page).toContain('每页条数');
    expect(page).not.toContain('<script>');
  });
});

describe('GET /board (page)', () => {
  it('boardPage.inputCheck: bad filters answer a 400 page in Chinese with a way back, not JSON', async () => {
    const response = await fetch(`${app.url}/board?month=13-2018&page=0`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('办结月份</b>：应为「年-月」格式');
    expect(page).toContain('页码</b>：应为 1 至 500 之间的整数');
    expect(page).toContain('href="/board"');
    expect(page).not.toContain('invalid_request');
  });

  it('boardPage.escapeCheck: the page shows the orders scrubbed and escaped, with the three rates', async () => {
    const response = await fetch(`${app.url}/board?category=${category}&street=fb-street-a`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toContain('回首望');
    expect(page).toContain('响应率');
    expect(page).toContain('线路已检修');
    expect(page).toContain('&lt;script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).toContain('路灯&lt;维修&gt;');
    expect(page).not.toContain('13812345678');
    expect(page).not.toContain('华新街路灯坏了'); // street B is filtered out
  });
});
