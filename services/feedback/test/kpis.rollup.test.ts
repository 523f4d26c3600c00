// The three rates on a hand-checked fixture, through the real path: lifecycle events on a Kafka
// topic of our own → the KPI consumer → PostgreSQL rollup → GET /v1/kpis. Redelivered events
// change nothing, and rebuilding the rollup from the facts gives the same cells.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { createKafka, createProducer, ensureTopics, publish, topicNames, type ConsumerRunner, type PrismaClient } from '@diandan/platform';
import type { LifecycleEvent } from '@diandan/domain';
import { startKpiConsumer, rebuildRollup } from '../src/kpis/rollupConsumer';
import { kpiReport, type KpiRow } from '../src/kpis/report';
import { dispatched, lifecycle, env, eventually, logger, seedUnits, startApp, testPrisma, unique, type RunningApp } from '@diandan/testkit/feedback';

// Months no other test writes to: the whole rollup of these months is this fixture.
const MARCH = '2019-03';
const placed = (day: number) => new Date(`2019-03-${String(day).padStart(2, '0')}T02:00:00Z`);

/**
 * The fixture, with what each order contributes (hand-checked; docs/kpis.md has the formulas and
 * which unit each stage is credited to):
 *   O1 wage  c1  accepted on time, resolved, satisfied           received, on time, resolved, 满意
 *   O2 wage  c1  accepted after the deadline, resolved, 基本满意   received, late, resolved, 基本满意
 *   O3 light —   answered on the spot, satisfied                 received, on time, resolved, 满意
 *   O4 light c2 → section (deadline escalation) → dept (reopened after 不满意), resolved, satisfied
 *                the response is c2's (late), the result section's (rejected: not resolved),
 *                the satisfaction dept's (满意, the last rating); placed counts where it ended (dept)
 *   O5 wage  b1  accepted on time, still in progress             received, on time
 *   O6 wage  —   withdrawn before dispatch                       placed only
 *   O7 light b1  placed 00:30 on 1 April China time, resolved, closed unrated → April
 */
function fixture(): LifecycleEvent[][] {
  const p1 = placed(2),
    p2 = placed(3),
    p3 = placed(4),
    p4 = placed(5),
    p5 = placed(6),
    p6 = placed(7);
  const p7 = new Date('2019-03-31T16:30:00Z');
  return [
    lifecycle(randomUUID(), p1, 'fb-wage', [
      dispatched(10, 'fb-a-c1', p1),
      { type: 'order.accepted', after: 70, status: 'accepted', unitId: 'fb-a-c1' },
      { type: 'order.opinion_given', after: 90, status: 'in_progress', unitId: 'fb-a-c1', data: { opinion: '已受理' } },
      { type: 'order.resolved', after: 600, status: 'awaiting_rating', unitId: 'fb-a-c1', data: { result: '已补发' } },
      { type: 'order.rated', after: 700, status: 'closed', unitId: 'fb-a-c1', data: { rating: 'satisfied' } },
      { type: 'order.closed', after: 700, status: 'closed', unitId: 'fb-a-c1', data: { outcome: 'rated' } },
    ]),
    lifecycle(randomUUID(), p2, 'fb-wage', [
      dispatched(10, 'fb-a-c1', p2),
      { type: 'order.accepted', after: 310, status: 'accepted', unitId: 'fb-a-c1' },
      { type: 'order.resolved', after: 900, status: 'awaiting_rating', unitId: 'fb-a-c1', data: { result: '已协调' } },
      { type: 'order.rated', after: 1000, status: 'closed', unitId: 'fb-a-c1', data: { rating: 'basically_satisfied' } },
    ]),
    lifecycle(randomUUID(), p3, 'fb-light', [
      { type: 'order.answered', after: 30, status: 'awaiting_rating', data: { answer: '已告知报修电话' } },
      { type: 'order.rated', after: 60, status: 'closed', data: { rating: 'satisfied' } },
    ]),
    lifecycle(randomUUID(), p4, 'fb-light', [
      dispatched(10, 'fb-a-c2', p4),
      {
        type: 'order.escalated',
        after: 250,
        status: 'dispatched',
        unitId: 'fb-a-section',
        data: {
          trigger: 'deadline',
          stage: 'accept',
          deadline: { stage: 'accept', dueAt: new Date(p4.getTime() + 490 * 60_000).toISOString() },
        },
      },
      { type: 'order.accepted', after: 260, status: 'accepted', unitId: 'fb-a-section' },
      { type: 'order.resolved', after: 2000, status: 'awaiting_rating', unitId: 'fb-a-section', data: { result: '已修好' } },
      { type: 'order.rated', after: 2100, status: 'dispatched', unitId: 'fb-dept', data: { rating: 'dissatisfied' } },
      {
        type: 'order.reopened',
        after: 2100,
        status: 'dispatched',
        unitId: 'fb-dept',
        data: { fromUnitId: 'fb-a-section', deadline: { stage: 'accept', dueAt: new Date(p4.getTime() + 2340 * 60_000).toISOString() } },
      },
      { type: 'order.accepted', after: 2110, status: 'accepted', unitId: 'fb-dept' },
      { type: 'order.resolved', after: 3000, status: 'awaiting_rating', unitId: 'fb-dept', data: { result: '已更换灯杆' } },
      { type: 'order.rated', after: 3100, status: 'closed', unitId: 'fb-dept', data: { rating: 'satisfied' } },
    ]),
    lifecycle(randomUUID(), p5, 'fb-wage', [
      dispatched(10, 'fb-b-c1', p5),
      { type: 'order.accepted', after: 20, status: 'accepted', unitId: 'fb-b-c1' },
    ]),
    lifecycle(randomUUID(), p6, 'fb-wage', [{ type: 'order.withdrawn', after: 5, status: 'withdrawn' }]),
    lifecycle(randomUUID(), p7, 'fb-light', [
      dispatched(10, 'fb-b-c1', p7),
      { type: 'order.accepted', after: 20, status: 'accepted', unitId: 'fb-b-c1' },
      { type: 'order.resolved', after: 30, status: 'awaiting_rating', unitId: 'fb-b-c1', data: { result: '已处理' } },
      { type: 'order.closed', after: 10_000, status: 'closed', unitId: 'fb-b-c1', data: { outcome: 'unrated' } },
    ]),
  ];
}

let prisma: PrismaClient;
let kafka: Kafka;
let consumer: ConsumerRunner;
let topics: ReturnType<typeof topicNames>;
let orders: LifecycleEvent[][];
let connection: Connection;
let app: RunningApp;

const lastSeqs = async () => {
  const facts = await prisma.kpiOrderFact.findMany({
    where: { orderId: { in: orders.map((o) => o[0]!.orderId) } },
    select: { lastSeq: true },
  });
  return facts.reduce((s, f) => s + f.lastSeq, 0);
};
const expectedSeqs = () => orders.reduce((s, o) => s + o.length, 0);

async function waitForAllApplied(): Promise<void> {
  await eventually('every event applied', async () => (await lastSeqs()) >= expectedSeqs(), {
    timeoutMs: 30_000,
    lastSeen: async () => `${await lastSeqs()} of ${expectedSeqs()} events applied`,
  });
}

beforeAll(async () => {
  prisma = testPrisma();
  await seedUnits(prisma);
  kafka = createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: unique('kpis') });
  topics = topicNames(`${unique('kpis')}-`);
  await ensureTopics(kafka, [topics.lifecycle, topics.lifecycleDlq], 3);
  consumer = await startKpiConsumer({
    kafka,
    prisma,
    logger,
    topic: topics.lifecycle,
    deadLetterTopic: topics.lifecycleDlq,
    groupId: unique('kpis-group'),
  });
  orders = fixture();
  const producer = createProducer(kafka);
  await producer.connect();
  // Every order's events, and then O1's and O4's again: a redelivery after a crash.
  const all = [...orders.flat(), ...orders[0]!, ...orders[3]!];
  await publish(
    producer,
    topics.lifecycle,
    all.map((e) => ({ key: e.orderId, value: e })),
  );
  await producer.disconnect();
  await waitForAllApplied();
  connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
  app = await startApp(prisma, new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') }));
}, 90_000);

afterAll(async () => {
  await app?.close();
  await connection?.close();
  await consumer?.stop();
  await prisma?.$disconnect();
});

const row = (rows: KpiRow[], key: string) => rows.find((r) => r.key === key)!;

describe('the three rates (hand-checked fixture)', () => {
  it('kpis.unitCheck: per unit, March — each stage credited to the unit that held it', async () => {
    const report = await kpiReport(prisma, { by: 'unit', from: MARCH, to: MARCH });
    expect(row(report.rows, 'fb-a-c1').counters).toEqual({
      placed: 2,
      received: 2,
      responseReceived: 2,
      respondedOnTime: 1,
      resolved: 2,
      satisfied: 1,
      basicallySatisfied: 1,
      dissatisfied: 0,
      rated: 2,
    });
    expect(row(report.rows, 'fb-a-c1').rates).toMatchObject({ response: 0.5, resolution: 1, satisfaction: 1 });
    // O4: c2 let the accept clock run out, section's result was rejected, dept's result satisfied.
    expect(row(report.rows, 'fb-a-c2').counters).toMatchObject({ placed: 0, responseReceived: 1, respondedOnTime: 0, received: 0 });
    expect(row(report.rows, 'fb-a-section').counters).toMatchObject({ placed: 0, responseReceived: 0, received: 1, resolved: 0, rated: 0 });
    expect(row(report.rows, 'fb-dept').counters).toMatchObject({ placed: 1, responseReceived: 0, received: 0, satisfied: 1 });
    expect(row(report.rows, 'fb-dept').rates).toMatchObject({ response: null, resolution: null, satisfaction: 1 });
    expect(row(report.rows, 'fb-b-c1').rates).toMatchObject({ response: 1, resolution: 0, satisfaction: null });
    expect(row(report.rows, '').counters).toMatchObject({ placed: 2, received: 1, respondedOnTime: 1, resolved: 1, satisfied: 1 });
  });

  it('kpis.totalCheck: March in total: response 3/5, resolution 3/5, satisfaction 4/4 (基本满意 weight 1) or 3.8/4 (0.8)', async () => {
    const report = await kpiReport(prisma, { by: 'month', from: MARCH, to: '2019-04' });
    expect(row(report.rows, MARCH).counters).toMatchObject({
      placed: 6,
      received: 5,
      responseReceived: 5,
      respondedOnTime: 3,
      resolved: 3,
      satisfied: 3,
      basicallySatisfied: 1,
      dissatisfied: 0,
    });
    expect(row(report.rows, MARCH).rates).toMatchObject({ response: 0.6, resolution: 0.6, satisfaction: 1 });
    expect(row(report.rows, '2019-04').counters).toMatchObject({ placed: 1, received: 1, respondedOnTime: 1, resolved: 1, satisfied: 0 });
    const weighted = await kpiReport(
      prisma,
      { by: 'month', from: MARCH, to: MARCH },
      { basicallySatisfiedWeight: 0.8, compositeWeights: { response: 0.1, resolution: 0.45, satisfaction: 0.45 } },
    );
    expect(weighted.total.rates.satisfaction).toBeCloseTo(0.95, 10);
  });

  it('kpis.categoryCheck: per category, March', async () => {
    const report = await kpiReport(prisma, { by: 'category', from: MARCH, to: MARCH });
    expect(row(report.rows, 'fb-wage').counters).toMatchObject({ placed: 4, received: 3, respondedOnTime: 2, resolved: 2 });
    expect(row(report.rows, 'fb-wage').name).toBe('欠薪求助');
    expect(row(report.rows, 'fb-light').rates).toMatchObject({ response: 0.5, resolution: 0.5, satisfaction: 1 });
  });

  it('kpis.streetCheck: per street (the unit’s street ancestor), March', async () => {
    const report = await kpiReport(prisma, { by: 'street', from: MARCH, to: MARCH });
    // O4's response (c2) and result (section) count for street A, where they were let pass.
    expect(row(report.rows, 'fb-street-a').counters).toMatchObject({ placed: 2, received: 3, responseReceived: 3, respondedOnTime: 1, resolved: 2 });
    expect(row(report.rows, 'fb-street-b').counters).toMatchObject({ placed: 1, received: 1, respondedOnTime: 1, resolved: 0 });
    expect(row(report.rows, '').counters).toMatchObject({ placed: 3, received: 1, respondedOnTime: 1, resolved: 1 });
    const streetA = await kpiReport(prisma, { by: 'unit', from: MARCH, to: MARCH, streetId: 'fb-street-a' });
    expect(streetA.rows.map((r) => r.key).sort()).toEqual(['fb-a-c1', 'fb-a-c2', 'fb-a-section']);
  });

  it('kpis.rankingCheck: units ranked by composite (10/45/45), the unassigned row unranked', async () => {
    const report = await kpiReport(prisma, { by: 'unit', from: MARCH, to: MARCH });
    expect(report.rows.map((r) => [r.key, r.rank])).toEqual([
      ['fb-a-c1', 1], // 0.1×0.5 + 0.45 + 0.45 = 0.95
      ['fb-b-c1', 2], // (0.1×1 + 0.45×0) / 0.55 ≈ 0.18 (nothing rated: satisfaction left out)
      ['fb-a-c2', 3], // response 0 only: 0
      ['fb-a-section', 3], // resolution 0 only: 0 (ties share a rank)
      ['', null],
      ['fb-dept', null], // a satisfied rating but no response or result credited: not ranked
    ]);
  });

  it('kpis.rebuildCheck: rebuilding the rollup from the facts gives the same cells', async () => {
    const cells = () =>
      prisma.kpiRollup.findMany({
        where: { month: { in: [MARCH, '2019-04'] } },
        orderBy: [{ month: 'asc' }, { unitId: 'asc' }, { categoryCode: 'asc' }],
      });
    const incremental = await cells();
    await rebuildRollup(prisma);
    expect(await cells()).toEqual(incremental);
  });

  it('kpis.httpCheck: GET /v1/kpis answers the same, and refuses a bad range', async () => {
    const response = await fetch(`${app.url}/v1/kpis?by=street&from=${MARCH}&rankBy=response`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { rows: KpiRow[]; total: KpiRow };
    expect(body.total.counters.received).toBe(5);
    expect(row(body.rows, 'fb-street-b').rank).toBe(1);
    const bad = await fetch(`${app.url}/v1/kpis?from=2019-05&to=2019-03`);
    expect(bad.status).toBe(400);
  });
});
