// The year-end evaluation on the real read model: an evaluator bound to one cycle reaches that
// cycle only; criteria validated and normalised; score sheets revisable during the evaluation
// phase with an audit of every revision, frozen once the phase changes — also when the change
// races a write (the write waits on the Cycle row's lock and is then refused).
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import type { PrismaClient } from '@diandan/platform';
import { env, eventually, seedUnits, staffToken, startApp, testPrisma, type RunningApp } from '@diandan/testkit/feedback';
import { evaluatorListSchema, revisionListSchema, scoringFormSchema, sheetSchema } from '../src/evaluation/openapi';
import { caller, createCycle, evaluatorOf } from './evaluationFixtures';

let prisma: PrismaClient;
let connection: Connection;
let app: RunningApp;
let call: ReturnType<typeof caller>;
let admin: string;
let cycleA: string;
let cycleB: string;
let evaluatorA: string;
let evaluatorB: string;
const YEAR = 2014;

beforeAll(async () => {
  prisma = testPrisma();
  await seedUnits(prisma);
  connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
  app = await startApp(prisma, new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') }));
  call = caller(app.url);
  admin = await staffToken(prisma, { role: 'admin' });
  cycleA = await createCycle(prisma, YEAR, 'evaluation');
  cycleB = await createCycle(prisma, YEAR, 'evaluation');
  evaluatorA = await evaluatorOf(prisma, app.url, admin, cycleA);
  evaluatorB = await evaluatorOf(prisma, app.url, admin, cycleB);
});

afterAll(async () => {
  await app?.close();
  await connection?.close();
  await prisma?.$disconnect();
});

const cyclePath = (cycleId: string, rest = '') => `/v1/evaluation/cycles/${encodeURIComponent(cycleId)}${rest}`;

async function setCriteria(cycleId: string) {
  const { status, body } = await call('PUT', cyclePath(cycleId, '/criteria'), admin, {
    criteria: [
      { target: 'unit', name: '办理质量', weight: 3 },
      { target: 'unit', name: '群众满意', weight: 5 },
      { target: 'unit', name: '台账规范', weight: 2, maxScore: 10 },
      { target: 'project', name: '完成情况', weight: 1 },
    ],
  });
  expect(status).toBe(200);
  return body.criteria as Array<{ id: string; target: string; name: string; share: number; maxScore: number }>;
}

describe('scope', () => {
  it('evaluation.scopeCheck: an evaluator reads its own cycle; another cycle is 403, an unbound evaluator 403, other roles 403, no token 401', async () => {
    const own = await call('GET', cyclePath(cycleA), evaluatorA);
    expect(own.status).toBe(200);
    expect(() => scoringFormSchema.parse(own.body)).not.toThrow();
    const other = await call('GET', cyclePath(cycleB), evaluatorA);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('out_of_scope');
    for (const path of ['/dataset', '/dataset/orders', '/dataset/orders.csv', '/report.json', '/report.xlsx']) {
      expect([path, (await call('GET', cyclePath(cycleB, path), evaluatorA)).status]).toEqual([path, 403]);
    }
    // Scoring another cycle's sheet: refused before anything is looked up.
    expect((await call('PUT', cyclePath(cycleB, '/sheets/unit/fb-a-c1'), evaluatorA, { scores: [] })).status).toBe(403);
    const unbound = await call('GET', cyclePath(cycleA), await staffToken(prisma, { role: 'evaluator' }));
    expect([unbound.status, unbound.body.error.code]).toEqual([403, 'no_cycle']);
    expect((await call('GET', cyclePath(cycleA), await staffToken(prisma, { role: 'unit_handler', unitId: 'fb-a-c1' }))).status).toBe(403);
    expect((await call('GET', cyclePath(cycleA), null)).status).toBe(401);
    // Supervisors and administrators read every cycle; a cycle that does not exist is 404.
    expect((await call('GET', cyclePath(cycleB), await staffToken(prisma, { role: 'supervisor' }))).status).toBe(200);
    expect((await call('GET', cyclePath(`cycle-nowhere-${YEAR}`), admin)).status).toBe(404);
    // The evaluator's list of cycles is its own one.
    const listed = await call('GET', '/v1/evaluation/cycles', evaluatorA);
    expect(listed.body.cycles.map((c: { id: string }) => c.id)).toEqual([cycleA]);
  });

  it('evaluation.monthScopeCheck: the month exports reach the bound cycle’s year only', async () => {
    expect((await call('GET', `/v1/evaluator/orders.csv?from=${YEAR}-03&to=${YEAR}-05`, evaluatorA)).status).toBe(200);
    const outside = await call('GET', `/v1/evaluator/orders.csv?from=${YEAR - 1}-12&to=${YEAR}-01`, evaluatorA);
    expect([outside.status, outside.body.error.code]).toEqual([403, 'out_of_scope']);
    expect((await call('GET', `/v1/evaluator/kpis.csv?from=${YEAR + 1}-01`, evaluatorA)).status).toBe(403);
    expect((await call('POST', '/v1/evaluator/callbacks/sample', evaluatorA, { month: `${YEAR + 1}-02`, size: 1, seed: 's' })).status).toBe(403);
    expect((await call('POST', '/v1/evaluator/callbacks/sample', evaluatorA, { month: `${YEAR}-02`, size: 1, seed: 's' })).status).toBe(200);
  });

  it('evaluation.bindCheck: only an administrator binds, only evaluator accounts; binding moves the account', async () => {
    const supervisor = await staffToken(prisma, { role: 'supervisor' });
    const { sub } = JSON.parse(Buffer.from(supervisor.split('.')[1]!, 'base64url').toString()) as { sub: string };
    const notEvaluator = await call('PUT', cyclePath(cycleA, `/evaluators/${sub}`), admin);
    expect([notEvaluator.status, notEvaluator.body.error.code]).toEqual([409, 'not_an_evaluator']);
    expect((await call('PUT', cyclePath(cycleA, `/evaluators/${randomUUID()}`), admin)).status).toBe(404);
    expect((await call('PUT', cyclePath(cycleA, `/evaluators/${sub}`), supervisor)).status).toBe(403);
    const mover = await evaluatorOf(prisma, app.url, admin, cycleA);
    const moverId = JSON.parse(Buffer.from(mover.split('.')[1]!, 'base64url').toString()).sub as string;
    expect((await call('PUT', cyclePath(cycleB, `/evaluators/${moverId}`), admin)).status).toBe(200);
    expect((await call('GET', cyclePath(cycleA), mover)).status).toBe(403);
    expect((await call('GET', cyclePath(cycleB), mover)).status).toBe(200);
    const evaluators = await call('GET', cyclePath(cycleB, '/evaluators'), admin);
    expect(evaluators.body.evaluators.map((e: { userId: string }) => e.userId)).toContain(moverId);
    expect(evaluators.body.evaluators[0].assignedAt).toMatch(/\+08:00$/);
    expect(() => evaluatorListSchema.parse(evaluators.body)).not.toThrow();
  });
});

describe('criteria', () => {
  it('criteria.validationCheck: weights positive, names unique; shares normalised; only an administrator edits', async () => {
    const criteria = await setCriteria(cycleB);
    expect(criteria.filter((c) => c.target === 'unit').map((c) => c.share)).toEqual([0.3, 0.5, 0.2]);
    expect(criteria.find((c) => c.target === 'project')!.share).toBe(1);
    const zero = await call('PUT', cyclePath(cycleB, '/criteria'), admin, { criteria: [{ target: 'unit', name: 'x', weight: 0 }] });
    expect(zero.status).toBe(400);
    const twice = await call('PUT', cyclePath(cycleB, '/criteria'), admin, { criteria: [{ target: 'unit', name: '质量', weight: 1 }, { target: 'unit', name: '质量', weight: 2 }] });
    expect([twice.status, twice.body.error.code]).toEqual([400, 'invalid_criteria']);
    expect(twice.body.error.message).toMatch(/重复/);
    expect((await call('PUT', cyclePath(cycleB, '/criteria'), evaluatorB, { criteria: [] })).status).toBe(403);
  });
});

describe('score sheets', () => {
  let criteria: Awaited<ReturnType<typeof setCriteria>>;
  const unitScores = (a: number, b: number, c: number) => criteria.filter((x) => x.target === 'unit').map((x, i) => ({ criterionId: x.id, score: [a, b, c][i]! }));

  beforeAll(async () => {
    criteria = await setCriteria(cycleA);
  });

  it('sheets.revisionCheck: saved with who and when, revised with an audit of every revision; a stale form is 409', async () => {
    const path = cyclePath(cycleA, '/sheets/unit/fb-a-c1');
    const first = await call('PUT', path, evaluatorA, { scores: unitScores(80, 90, 5).slice(0, 2), comment: '台账待补', expectedRevision: 0 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ revision: 1, complete: false, total: null, evaluatorName: '测试' });
    expect(first.body.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
    const second = await call('PUT', path, evaluatorA, { scores: unitScores(80, 90, 5), comment: '联系人王阿姨电话13800001111已回访', expectedRevision: 1 });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ revision: 2, complete: true, total: 0.3 * 80 + 0.5 * 90 + 0.2 * 50 });
    expect(() => sheetSchema.parse(second.body)).not.toThrow();
    // Free text about people is scrubbed before it is stored.
    expect(second.body.comment).not.toMatch(/13800001111|王阿姨/);
    const stale = await call('PUT', path, evaluatorA, { scores: unitScores(1, 1, 1), expectedRevision: 1 });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'revision_conflict']);
    const audit = await call('GET', `${path}/revisions`, evaluatorA);
    expect(() => revisionListSchema.parse(audit.body)).not.toThrow();
    expect(audit.body.revisions.map((r: { revision: number }) => r.revision)).toEqual([1, 2]);
    const form = scoringFormSchema.parse((await call('GET', cyclePath(cycleA), evaluatorA)).body);
    expect(form.sheets.find((x) => x.targetId === 'fb-a-c1')).toMatchObject({ revision: 2, complete: true });
    expect(audit.body.revisions[0]).toMatchObject({ comment: '台账待补', evaluatorName: '测试' });
    expect(audit.body.revisions[0].scores).toHaveLength(2);
  });

  it('sheets.validationCheck: a score above the maximum, an unknown criterion, an unknown unit or project are refused; only evaluators score', async () => {
    const path = cyclePath(cycleA, '/sheets/unit/fb-a-c2');
    const above = await call('PUT', path, evaluatorA, { scores: unitScores(80, 90, 11) });
    expect([above.status, above.body.error.code]).toEqual([400, 'invalid_scores']);
    expect(above.body.error.message).toMatch(/台账规范.*0 到 10/);
    const projectCriterion = criteria.find((c) => c.target === 'project')!;
    expect((await call('PUT', path, evaluatorA, { scores: [{ criterionId: projectCriterion.id, score: 1 }] })).status).toBe(400);
    expect((await call('PUT', cyclePath(cycleA, '/sheets/unit/no-such-unit'), evaluatorA, { scores: [] })).status).toBe(404);
    expect((await call('PUT', cyclePath(cycleA, `/sheets/project/${randomUUID()}`), evaluatorA, { scores: [] })).status).toBe(404);
    expect((await call('PUT', cyclePath(cycleA, '/sheets/person/x'), evaluatorA, { scores: [] })).status).toBe(400);
    expect((await call('PUT', path, admin, { scores: [] })).status).toBe(403);
  });
});

describe('the freeze', () => {
  it('freeze.phaseCheck: once the phase leaves evaluation, a write is 409 naming the phase and nothing changes; criteria too', async () => {
    const cycle = await createCycle(prisma, YEAR, 'evaluation');
    const evaluator = await evaluatorOf(prisma, app.url, admin, cycle);
    const criteria = await setCriteria(cycle);
    const path = cyclePath(cycle, '/sheets/unit/fb-b-c1');
    const scores = criteria.filter((c) => c.target === 'unit').map((c) => ({ criterionId: c.id, score: 5 }));
    expect((await call('PUT', path, evaluator, { scores })).status).toBe(200);
    await prisma.cycle.update({ where: { id: cycle }, data: { phase: 'report', evaluationClosedAt: new Date() } });
    const refused = await call('PUT', path, evaluator, { scores: scores.map((s) => ({ ...s, score: 9 })) });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'evaluation_closed', details: { phase: 'report' } });
    expect(refused.body.error.message).toMatch(/report/);
    expect((await call('PUT', cyclePath(cycle, '/criteria'), admin, { criteria: [] })).status).toBe(409);
    const sheet = await prisma.evaluationSheet.findUniqueOrThrow({ where: { cycleId_target_targetId: { cycleId: cycle, target: 'unit', targetId: 'fb-b-c1' } } });
    expect(sheet.revision).toBe(1);
    expect(await prisma.evaluationSheetRevision.count({ where: { cycleId: cycle } })).toBe(1);
    // Before the evaluation opens, no scores either.
    const early = await createCycle(prisma, YEAR, 'implementation');
    const earlyEvaluator = await evaluatorOf(prisma, app.url, admin, early);
    await setCriteria(early);
    const tooEarly = await call('PUT', cyclePath(early, '/sheets/unit/fb-b-c1'), earlyEvaluator, { scores: [] });
    expect([tooEarly.status, tooEarly.body.error.details.phase]).toEqual([409, 'implementation']);
  });

  it('freeze.raceCheck: a write racing the phase change waits for it and is refused — it never lands after the change', async () => {
    const cycle = await createCycle(prisma, YEAR, 'evaluation');
    const evaluator = await evaluatorOf(prisma, app.url, admin, cycle);
    const criteria = await setCriteria(cycle);
    const scores = criteria.filter((c) => c.target === 'unit').map((c) => ({ criterionId: c.id, score: 7 }));
    // The phase change holds the Cycle row's lock, not yet committed (as the cycle's projector
    // does inside its transaction).
    const pg = new PgClient({ connectionString: env('DATABASE_URL') });
    await pg.connect();
    try {
      await pg.query('BEGIN');
      await pg.query(`UPDATE "Cycle" SET phase = 'report', "evaluationClosedAt" = now() WHERE id = $1`, [cycle]);
      const write = call('PUT', cyclePath(cycle, '/sheets/unit/fb-a-c2'), evaluator, { scores });
      // The explicit signal: the write's transaction is waiting on a lock of the Cycle row.
      // The explicit signal: a backend is blocked by this transaction — the write's FOR SHARE on
      // this cycle's row, the only thing that touches it (pg_stat_activity's query text can lag
      // behind under the driver's extended protocol, so the blocking itself is the signal).
      const blocked = () => pg.query(`SELECT state, wait_event, left(query, 200) AS query FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))`);
      await eventually('the score write waits on the Cycle row', async () => (await blocked()).rows.length > 0, {
        timeoutMs: 15_000,
        lastSeen: async () => JSON.stringify((await pg.query(`SELECT pid, state, wait_event_type, wait_event, left(query, 120) AS query, pg_blocking_pids(pid) AS blockers FROM pg_stat_activity WHERE datname IS NOT NULL`)).rows),
      });
      await pg.query('COMMIT');
      const answer = await write;
      expect([answer.status, answer.body.error?.code]).toEqual([409, 'evaluation_closed']);
    } finally {
      await pg.end();
    }
    expect(await prisma.evaluationSheet.count({ where: { cycleId: cycle } })).toBe(0);
  });

  it('freeze.burstCheck: writes before the change land, writes after are refused; the audit holds exactly the accepted ones', async () => {
    const cycle = await createCycle(prisma, YEAR, 'evaluation');
    const evaluator = await evaluatorOf(prisma, app.url, admin, cycle);
    const criteria = await setCriteria(cycle);
    const unitIds = ['fb-a-c1', 'fb-a-c2', 'fb-b-c1', 'fb-a-section', 'fb-dept', 'fb-street-a', 'fb-street-b'];
    const scores = criteria.filter((c) => c.target === 'unit').map((c) => ({ criterionId: c.id, score: 6 }));
    const writes = unitIds.flatMap((unitId) => [0, 1, 2].map(() => call('PUT', cyclePath(cycle, `/sheets/unit/${unitId}`), evaluator, { scores })));
    const change = prisma.cycle.update({ where: { id: cycle }, data: { phase: 'report', evaluationClosedAt: new Date() } });
    const answers = await Promise.all(writes);
    await change;
    expect(answers.every((a) => a.status === 200 || (a.status === 409 && a.body.error.code === 'evaluation_closed'))).toBe(true);
    const accepted = answers.filter((a) => a.status === 200).length;
    expect(await prisma.evaluationSheetRevision.count({ where: { cycleId: cycle } })).toBe(accepted);
    expect((await call('PUT', cyclePath(cycle, '/sheets/unit/fb-a-c1'), evaluator, { scores })).status).toBe(409);
  });
});
