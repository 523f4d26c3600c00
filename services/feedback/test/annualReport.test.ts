// The annual report's figures equal the read model's. The year's orders go the real way — lifecycle
// events on a Kafka topic of our own → the KPI consumer → the rollup; the cycle's projects through
// the project projector; criteria and scores through the API during the evaluation phase. Then the
// phase changes, the report is public, and its JSON, XLSX, page and PDF are compared with sums
// taken straight from the tables.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import ExcelJS from 'exceljs';
import type { Kafka } from 'kafkajs';
import { createKafka, createProducer, ensureTopics, publish, topicNames, type ConsumerRunner, type PrismaClient } from '@diandan/platform';
import { projectEventId, sheetTotal, type LifecycleEvent, type ProjectEvent } from '@diandan/domain';
import { projectProjectEvent } from '../../dispatch/src/projectProjector';
import { startKpiConsumer } from '../src/kpis/rollupConsumer';
import { dispatched, env, eventually, lifecycle, logger, seedUnits, staffToken, startApp, testPrisma, unique, type RunningApp } from '@diandan/testkit/feedback';
import { caller, createCycle, evaluatorOf } from './evaluationFixtures';

// A year no other test writes to: the whole rollup of it is this fixture.
const YEAR = 2013;
const placed = (month: number, day: number) => new Date(Date.UTC(YEAR, month - 1, day, 2));

function orders(): LifecycleEvent[][] {
  const resolvedAndRated = (unitId: string, at: Date, rating: string): LifecycleEvent[] =>
    lifecycle(randomUUID(), at, 'fb-wage', [
      dispatched(10, unitId, at),
      { type: 'order.accepted', after: 60, status: 'accepted', unitId },
      { type: 'order.resolved', after: 600, status: 'awaiting_rating', unitId, data: { result: '已办结' } },
      { type: 'order.rated', after: 700, status: 'closed', unitId, data: { rating } },
    ]);
  return [
    resolvedAndRated('fb-a-c1', placed(2, 3), 'satisfied'),
    resolvedAndRated('fb-a-c1', placed(5, 6), 'basically_satisfied'),
    resolvedAndRated('fb-b-c1', placed(7, 8), 'dissatisfied'),
    resolvedAndRated('fb-b-c1', placed(12, 30), 'satisfied'),
    lifecycle(randomUUID(), placed(9, 9), 'fb-light', [dispatched(10, 'fb-a-c2', placed(9, 9)), { type: 'order.accepted', after: 500, status: 'accepted', unitId: 'fb-a-c2' }]),
    lifecycle(randomUUID(), placed(10, 10), 'fb-light', [{ type: 'order.answered', after: 30, status: 'awaiting_rating', data: { answer: '已告知' } }]),
    lifecycle(randomUUID(), placed(11, 11), 'fb-wage', [{ type: 'order.withdrawn', after: 5, status: 'withdrawn' }]),
  ];
}

function projectEvents(cycleId: string, projectId: string, title: string, ownerUnitId: string, complete: boolean): ProjectEvent[] {
  const start = new Date(Date.UTC(YEAR, 3, 20, 1));
  const iso = (days: number) => new Date(start.getTime() + days * 86_400_000).toISOString();
  const envelope = (seq: number, status: 'active' | 'completed', percent: number) => ({
    eventId: projectEventId(projectId, seq), projectId, seq, at: iso(seq * 20), actor: { role: 'system' as const }, status, ownerUnitId, percent,
  });
  const events: ProjectEvent[] = [
    {
      ...envelope(1, 'active', 0),
      type: 'project.created',
      data: {
        title, origin: 'proposal', cycleId, proposalId: randomUUID(), ownerUnitId, orderIds: [],
        milestones: [
          { id: 'm1', name: '选址', workingDays: 10, dueAt: iso(14), warnAt: iso(11), state: 'open' },
          { id: 'm2', name: '开放', workingDays: 30, dueAt: iso(45), warnAt: iso(38), state: 'open' },
        ],
      },
    },
    { ...envelope(2, 'active', 50), type: 'project.milestone_reached', data: { milestoneId: 'm1', late: false } },
  ];
  if (complete) {
    events.push({ ...envelope(3, 'active', 100), type: 'project.milestone_reached', data: { milestoneId: 'm2', late: false } });
    events.push({ ...envelope(4, 'completed', 100), type: 'project.completed', data: { result: '服务点已开放，联系人张先生13800001111' } });
  } else {
    events.push({ ...envelope(3, 'active', 50), type: 'project.milestone_missed', data: { milestoneId: 'm2', dueAt: iso(45), escalatedToUnitId: 'fb-street-b', level: 'street', accountability: false } });
  }
  return events;
}

let prisma: PrismaClient;
let kafka: Kafka;
let consumer: ConsumerRunner;
let connection: Connection;
let app: RunningApp;
let call: ReturnType<typeof caller>;
let cycleId: string;
let admin: string;
let draftStatus: number;

beforeAll(async () => {
  prisma = testPrisma();
  await seedUnits(prisma);
  kafka = createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: unique('report') });
  const topics = topicNames(`${unique('report')}-`);
  await ensureTopics(kafka, [topics.lifecycle, topics.lifecycleDlq], 3);
  consumer = await startKpiConsumer({ kafka, prisma, logger, topic: topics.lifecycle, deadLetterTopic: topics.lifecycleDlq, groupId: unique('report-kpis') });
  const events = orders();
  const producer = createProducer(kafka);
  await producer.connect();
  await publish(producer, topics.lifecycle, events.flat().map((e) => ({ key: e.orderId, value: e })));
  await producer.disconnect();
  const expected = events.reduce((s, o) => s + o.length, 0);
  const applied = async () => (await prisma.kpiOrderFact.aggregate({ where: { orderId: { in: events.map((o) => o[0]!.orderId) } }, _sum: { lastSeq: true } }))._sum.lastSeq ?? 0;
  await eventually('every event folded into the rollup', async () => (await applied()) >= expected, { timeoutMs: 30_000, lastSeen: async () => `${await applied()} of ${expected}` });

  connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
  app = await startApp(prisma, new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') }));
  call = caller(app.url);
  admin = await staffToken(prisma, { role: 'admin' });
  cycleId = await createCycle(prisma, YEAR, 'evaluation');
  const projects = [
    projectEvents(cycleId, randomUUID(), '四点半课堂', 'fb-a-c1', true),
    projectEvents(cycleId, randomUUID(), '代购火车票服务点', 'fb-b-c1', false),
  ];
  for (const event of projects.flat()) await projectProjectEvent(prisma, event);

  const criteria = (await call('PUT', `/v1/evaluation/cycles/${cycleId}/criteria`, admin, {
    criteria: [
      { target: 'unit', name: '办理质量', weight: 40 },
      { target: 'unit', name: '群众满意', weight: 60 },
      { target: 'project', name: '完成情况', weight: 2, maxScore: 10 },
      { target: 'project', name: '群众受益', weight: 1, maxScore: 10 },
    ],
  })).body.criteria as Array<{ id: string; target: string }>;
  const evaluator = await evaluatorOf(prisma, app.url, admin, cycleId);
  const of = (target: string, values: number[]) => criteria.filter((c) => c.target === target).map((c, i) => ({ criterionId: c.id, score: values[i]! }));
  const put = (target: string, id: string, values: number[], comment = '') => call('PUT', `/v1/evaluation/cycles/${cycleId}/sheets/${target}/${id}`, evaluator, { scores: of(target, values), comment });
  expect((await put('unit', 'fb-a-c1', [90, 85], '台账完整')).status).toBe(200);
  expect((await put('unit', 'fb-b-c1', [70, 60])).status).toBe(200);
  expect((await put('unit', 'fb-b-c1', [75, 65], '复核后上调')).status).toBe(200);
  expect((await put('project', projects[0]![0]!.projectId, [9, 8], '按期完成')).status).toBe(200);
  expect((await put('project', projects[1]![0]!.projectId, [4, 6])).status).toBe(200);
  // Not public while the evaluation runs.
  draftStatus = (await call('GET', `/v1/annual-reports/${cycleId}`, null)).status;
  await prisma.cycle.update({ where: { id: cycleId }, data: { phase: 'report', evaluationClosedAt: new Date() } });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await connection?.close();
  await consumer?.stop();
  await prisma?.$disconnect();
});

interface Counters { placed: number; received: number; responseReceived: number; respondedOnTime: number; resolved: number; satisfied: number; basicallySatisfied: number; dissatisfied: number }
interface Row { key: string; name: string; counters: Counters & { rated: number }; rates: { response: number | null; resolution: number | null; satisfaction: number | null } }

/** The year's counters per unit, summed straight from the rollup table. */
async function rollupByUnit(): Promise<Map<string, Counters>> {
  const rows = await prisma.$queryRaw<Array<Counters & { unitId: string }>>`
    SELECT "unitId", sum(placed)::int AS placed, sum(received)::int AS received, sum("responseReceived")::int AS "responseReceived",
      sum("respondedOnTime")::int AS "respondedOnTime", sum(resolved)::int AS resolved, sum(satisfied)::int AS satisfied,
      sum("basicallySatisfied")::int AS "basicallySatisfied", sum(dissatisfied)::int AS dissatisfied
    FROM "KpiRollup" WHERE month BETWEEN ${`${YEAR}-01`} AND ${`${YEAR}-12`} GROUP BY "unitId"`;
  return new Map(rows.map(({ unitId, ...c }) => [unitId, c]));
}

const strip = (c: Counters & { rated?: number }): Counters => ({
  placed: c.placed, received: c.received, responseReceived: c.responseReceived, respondedOnTime: c.respondedOnTime,
  resolved: c.resolved, satisfied: c.satisfied, basicallySatisfied: c.basicallySatisfied, dissatisfied: c.dissatisfied,
});

describe('the annual report', () => {
  it('report.draftCheck: no public report while the evaluation phase is open', () => {
    expect(draftStatus).toBe(404);
  });

  it('report.figuresCheck: the JSON’s rates, projects and scores equal the read model’s', async () => {
    const { status, body: report } = await call('GET', `/v1/annual-reports/${cycleId}`, null);
    expect(status).toBe(200);
    expect(report.final).toBe(true);
    expect(report.generatedAt).toMatch(/\+08:00$/);
    // Rates: per unit and in total, the rollup's sums.
    const byUnit = await rollupByUnit();
    expect(new Map((report.units as Row[]).map((r) => [r.key, strip(r.counters)]))).toEqual(byUnit);
    const total = [...byUnit.values()].reduce((t, c) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v + c[k as keyof Counters]])) as unknown as Counters);
    expect(strip(report.rates.counters)).toEqual(total);
    expect(total).toMatchObject({ placed: 7, received: 6, resolved: 5, satisfied: 2, basicallySatisfied: 1, dissatisfied: 1 });
    expect(report.rates.rates.resolution).toBeCloseTo(total.resolved / total.received);
    expect(report.rates.rates.satisfaction).toBeCloseTo((total.satisfied + total.basicallySatisfied) / (total.satisfied + total.basicallySatisfied + total.dissatisfied));
    // Projects: the Project rows of the cycle and their milestones.
    const projects = await prisma.project.findMany({ where: { cycleId }, include: { milestones: true } });
    expect(report.projects).toHaveLength(projects.length);
    for (const p of projects) {
      const shown = report.projects.find((x: { id: string }) => x.id === p.id);
      expect(shown).toMatchObject({
        title: p.title, status: p.status, percent: p.percent, orderCount: p.orderCount, milestones: p.milestones.length,
        milestonesReached: p.milestones.filter((m) => m.state === 'reached').length, milestonesMissed: p.milestones.filter((m) => m.state === 'missed').length,
      });
    }
    expect(JSON.stringify(report)).not.toMatch(/13800001111|张先生/);
    // Scores: the sheets, their totals by the domain's rule on the stored criteria.
    const sheets = await prisma.evaluationSheet.findMany({ where: { cycleId } });
    const criteria = (await prisma.evaluationCriterion.findMany({ where: { cycleId } })).map((c) => ({ ...c, target: c.target as 'unit' | 'project' }));
    for (const s of sheets) {
      const shown = [...report.unitScores, ...report.projectScores].find((x: { targetId: string }) => x.targetId === s.targetId);
      const expected = sheetTotal(s.target as 'unit', criteria, s.scores as never).total;
      expect(shown).toMatchObject({ revision: s.revision, total: expected, comment: s.comment });
    }
    expect(report.unitScores.map((s: { targetId: string; total: number }) => [s.targetId, s.total])).toEqual([['fb-a-c1', 87], ['fb-b-c1', 69]]);
  });

  it('report.xlsxCheck: the workbook holds the same figures', async () => {
    const response = await fetch(`${app.url}/board/annual-report/${cycleId}/report.xlsx`);
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const overview = workbook.getWorksheet('概览')!;
    const value = (label: string) => overview.getColumn(1).values.findIndex((v) => v === label);
    const byUnit = await rollupByUnit();
    const placed = [...byUnit.values()].reduce((s, c) => s + c.placed, 0);
    expect(overview.getCell(value('受理量'), 2).value).toBe(placed);
    expect(overview.getCell(value('生成时间（北京时间）'), 2).value).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const units = workbook.getWorksheet('单位三率')!;
    const header = (units.getRow(1).values as unknown[]).slice(1);
    const nameCol = header.indexOf('名称') + 1;
    const placedCol = header.indexOf('受理量') + 1;
    const names = new Map((await prisma.unit.findMany()).map((u) => [u.name, u.id]));
    for (let r = 2; r < units.rowCount; r++) {
      const unitId = names.get(String(units.getCell(r, nameCol).value)) ?? '';
      expect(units.getCell(r, placedCol).value).toBe(byUnit.get(unitId)?.placed);
    }
    expect(units.getCell(units.rowCount, nameCol).value).toBe('合计');
    expect(workbook.getWorksheet('单位评分')!.getCell(2, 1).value).toBe('评单测试建新北路社区');
  });

  it('report.pageCheck: the public page shows the figures, with no script and the board’s CSP; an unpublished cycle is a 404 page', async () => {
    const response = await fetch(`${app.url}/board/annual-report/${cycleId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const page = await response.text();
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('四点半课堂');
    expect(page).toMatch(/北京时间/);
    expect(page).not.toMatch(/13800001111|张先生/);
    const missing = await fetch(`${app.url}/board/annual-report/cycle-none-${YEAR}`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/<html/);
  });

  it('report.pdfCheck: the PDF opens, embeds a CJK font, and (with poppler) its text holds the figures', async () => {
    const response = await fetch(`${app.url}/board/annual-report/${cycleId}/report.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/NotoSansCJK|FontFile/);
    // To look at it: REPORT_PDF_SAMPLE=/tmp/report.pdf, then e.g. pdftoppm -png -r 80 /tmp/report.pdf /tmp/report.
    if (process.env.REPORT_PDF_SAMPLE) writeFileSync(process.env.REPORT_PDF_SAMPLE, pdf);
    // pdftotext reads the text back when poppler-utils is installed (not every machine has it).
    if (existsSync('/usr/bin/pdftotext')) {
      const dir = mkdtempSync(join(tmpdir(), 'report-'));
      writeFileSync(join(dir, 'r.pdf'), pdf);
      const text = execFileSync('/usr/bin/pdftotext', ['-layout', join(dir, 'r.pdf'), '-']).toString();
      expect(text).toContain('四点半课堂');
      expect(text).toContain('87.00');
      expect(readdirSync(dir)).toContain('r.pdf');
    }
  });
});
