// The evaluator's API on the real read model: staff tokens as services/dispatch issues them,
// exports that open (CSV read back, XLSX parsed with exceljs) and match the database, a
// reproducible callback sample, and recorded callback outcomes.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import ExcelJS from 'exceljs';
import type { PrismaClient } from '@diandan/platform';
import { insertOrder, parseCsv, env, JWT_SECRET, seedUnits, STAFF_KEYS, staffToken, startApp, testPrisma, type RunningApp } from '@diandan/testkit/feedback';
import { createCycle, evaluatorOf } from './evaluationFixtures';

let prisma: PrismaClient;
let connection: Connection;
let app: RunningApp;
// A month no other test places orders in: the export of it is this fixture.
const MONTH = '2017-08';
const category = `fb-eval-${randomUUID().slice(0, 8)}`;
const orderIds: string[] = [];
let evaluator: string;

beforeAll(async () => {
  prisma = testPrisma();
  await seedUnits(prisma);
  await prisma.category.create({ data: { code: category, name: '就业帮扶' } });
  for (let i = 0; i < 12; i++) {
    const placedAt = new Date(Date.UTC(2017, 7, 1 + i, 2));
    orderIds.push(
      await insertOrder(prisma, category, {
        unitId: i % 2 ? 'fb-a-c1' : 'fb-b-c1',
        status: i < 10 ? 'closed' : 'in_progress',
        rating: i < 8 ? (['satisfied', 'basically_satisfied', 'dissatisfied'] as const)[i % 3] : null,
        placedAt,
        resolvedAt: i < 10 ? new Date(placedAt.getTime() + 86_400_000) : null,
        content: `第${i}单：我叫刘建国，电话1390000${String(1000 + i)}，想参加技能培训`,
      }),
    );
  }
  connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
  app = await startApp(prisma, new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') }));
  // An evaluator account reaches the year of its cycle (docs/evaluation.md).
  evaluator = await evaluatorOf(prisma, app.url, await staffToken(prisma, { role: 'admin' }), await createCycle(prisma, 2017, 'evaluation'));
});

afterAll(async () => {
  await app?.close();
  await connection?.close();
  await prisma?.$disconnect();
});

const get = (path: string, token: string | null = evaluator): Promise<Response> =>
  fetch(`${app.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const post = (path: string, body: unknown, token = evaluator): Promise<Response> =>
  fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('evaluator auth', () => {
  it('evaluatorAuth.tokenCheck: no token, a forged one, an expired one or an ended session is 401; a unit handler is 403', async () => {
    const csv = `/v1/evaluator/orders.csv?from=${MONTH}`;
    expect((await get(csv, null)).status).toBe(401);
    const foreign = { current: { kid: STAFF_KEYS.current.kid, secret: 'x'.repeat(40) }, previous: [] };
    expect((await get(csv, await staffToken(prisma, { role: 'evaluator' }, { keys: foreign }))).status).toBe(401);
    expect((await get(csv, await staffToken(prisma, { role: 'evaluator' }, { expiresIn: -10 }))).status).toBe(401);
    expect((await get(csv, await staffToken(prisma, { role: 'unit_handler', unitId: 'fb-a-c1' }))).status).toBe(403);
    expect((await get(csv, await staffToken(prisma, { role: 'supervisor' }))).status).toBe(200);
    // A deactivated evaluator's token stops working (ActiveStaff caches for seconds: a new user here).
    const leaver = await staffToken(prisma, { role: 'evaluator' });
    const { sub } = JSON.parse(Buffer.from(leaver.split('.')[1]!, 'base64url').toString()) as { sub: string };
    await prisma.user.update({ where: { id: sub }, data: { active: false } });
    expect((await get(csv, leaver)).status).toBe(401);
    expect(JWT_SECRET.length).toBeGreaterThanOrEqual(32);
  });
});

describe('evaluator exports', () => {
  const dbOrders = () => prisma.order.findMany({ where: { categoryCode: category }, orderBy: { id: 'asc' } });

  it('exports.csvCheck: the CSV opens, matches the database and holds no personal data', async () => {
    const response = await get(`/v1/evaluator/orders.csv?from=${MONTH}`);
    expect(response.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await response.text();
    const [header, ...rows] = parseCsv(text);
    expect(header![0]).toBe('订单编号');
    const db = await dbOrders();
    expect(rows.map((r) => r[0])).toEqual(db.map((o) => o.id));
    const status = header!.indexOf('状态');
    const rating = header!.indexOf('评价');
    expect(rows.map((r) => r[status])).toEqual(db.map((o) => o.status));
    expect(rows.filter((r) => r[rating] === '满意')).toHaveLength(db.filter((o) => o.rating === 'satisfied').length);
    expect(text).not.toMatch(/1390000\d{4}|刘建国|幸福路|T-/);
  });

  it('exports.chinaTimeCheck: every time in the CSV is China time, and the headers say so', async () => {
    const [header, ...rows] = parseCsv(await (await get(`/v1/evaluator/orders.csv?from=${MONTH}`)).text());
    const placedAt = header!.indexOf('受理时间（北京时间）');
    const resolvedAt = header!.indexOf('办结时间（北京时间）');
    expect(placedAt).toBeGreaterThan(0);
    const db = new Map((await dbOrders()).map((o) => [o.id, o]));
    for (const row of rows) {
      const order = db.get(row[0]!)!;
      // Placed at 02:00 UTC = 10:00 in China, the same day.
      expect(row[placedAt]).toBe(`2017-08-${String(order.placedAt.getUTCDate()).padStart(2, '0')} 10:00:00`);
      if (order.resolvedAt) expect(row[resolvedAt]).toBe(`2017-08-${String(order.resolvedAt.getUTCDate()).padStart(2, '0')} 10:00:00`);
      else expect(row[resolvedAt]).toBe('');
    }
    expect(rows.flat().join()).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:|Z$/);
  });

  it('exports.xlsxCheck: the XLSX opens in exceljs and matches the database', async () => {
    const response = await get(`/v1/evaluator/orders.xlsx?from=${MONTH}&to=${MONTH}`);
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet('订单')!;
    const values = (n: number) =>
      (sheet.getRow(n).values as unknown[]).slice(1).map((v) => (v === undefined || v === null ? '' : String(v)));
    expect(values(1)[0]).toBe('订单编号');
    const db = await dbOrders();
    expect(sheet.rowCount).toBe(db.length + 1);
    for (const [i, order] of db.entries()) {
      const row = values(i + 2);
      expect(row[0]).toBe(order.id);
      expect(row[7]).toBe(order.status);
      expect(row[17]).not.toMatch(/1390000|刘建国/);
    }
  });

  it('exports.kpiXlsxCheck: the rates export opens with one row per unit and the total', async () => {
    // No KPI facts for this month: the export still opens, with the total row.
    const response = await get(`/v1/evaluator/kpis.xlsx?by=unit&from=${MONTH}`);
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet('三率')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['编码', '名称', '受理量']);
    expect(sheet.getRow(sheet.rowCount).getCell(2).value).toBe('合计');
  });
});

describe('callbacks 回访', () => {
  interface Sample {
    sample: string;
    populationSize: number;
    orders: Array<{ orderId: string; content: string }>;
  }
  const sample = async (seed: string, size = 4, population = 'handled'): Promise<Sample> => {
    const response = await post('/v1/evaluator/callbacks/sample', { month: MONTH, size, seed, population });
    expect(response.status).toBe(200);
    return (await response.json()) as Sample;
  };

  it('callbacks.sampleCheck: the same seed draws the same orders; another seed, another draw', async () => {
    const first = await sample('2017-audit');
    const again = await sample('2017-audit');
    expect(first.populationSize).toBe(10);
    expect(first.orders).toHaveLength(4);
    expect(again.orders.map((o) => o.orderId)).toEqual(first.orders.map((o) => o.orderId));
    const others = await Promise.all(['a', 'b', 'c'].map((seed) => sample(seed)));
    expect(others.some((o) => o.orders.map((x) => x.orderId).join() !== first.orders.map((x) => x.orderId).join())).toBe(true);
    expect(JSON.stringify(first)).not.toMatch(/1390000\d{4}|刘建国/);
  });

  it('callbacks.unratedCheck: the unrated population is the closed orders without a rating', async () => {
    const unrated = await sample('x', 50, 'unrated');
    expect(unrated.populationSize).toBe(2);
    expect(unrated.orders.map((o) => o.orderId).sort()).toEqual([orderIds[8], orderIds[9]].sort());
  });

  it('callbacks.recordCheck: an outcome is recorded with the evaluator and the sample, its note scrubbed', async () => {
    const drawn = await sample('record');
    const orderId = drawn.orders[0]!.orderId;
    const created = await post('/v1/evaluator/callbacks', {
      orderId,
      sample: drawn.sample,
      outcome: 'reached',
      rating: 'satisfied',
      resolved: true,
      note: '居民张先生表示满意，电话13800001111',
    });
    expect(created.status).toBe(201);
    const listed = await get(`/v1/evaluator/callbacks?sample=${encodeURIComponent(drawn.sample)}`);
    const { records } = (await listed.json()) as {
      records: Array<{ orderId: string; note: string; outcome: string; evaluatorId: string }>;
    };
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ orderId, outcome: 'reached', note: '居民某先生表示满意，电话***' });
    const rejected = await post('/v1/evaluator/callbacks', { orderId, outcome: 'unreachable', rating: 'satisfied' });
    expect(rejected.status).toBe(400);
    const unknown = await post('/v1/evaluator/callbacks', { orderId: randomUUID(), outcome: 'refused' });
    expect(unknown.status).toBe(404);
  });
});
