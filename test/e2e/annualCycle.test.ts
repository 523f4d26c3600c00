// The annual cycle end to end, on the real servers and through the services only: an administrator
// starts a year (annualCycle workflow on the dev server, projected from cycles.lifecycle); residents
// place proposals through intake and support them (an e-mail proven by a one-time code, a hotline
// call an operator entered), once per person, within the limits; a dispatcher merges a duplicate
// (supports move, nobody counted twice); the administrator brings selection forward and the phase
// changes by itself; the joint meeting declines one proposal with a public reason and accepts
// another, which becomes a project of the year's list. A second year, already in its evaluation
// phase, has scores revised and then frozen when the administrator brings the report forward.
import { randomUUID } from 'node:crypto';
import { boardCycleSchema, boardCyclesSchema } from '../../services/feedback/src/openapi';
import { currentCycleSchema, placedProposalSchema, proposalPageSchema, publicProposalSchema, supportCodeSentSchema, supportResultSchema } from '../../services/intake/src/channels/proposalOpenApi';
import { startPlatform, type Platform } from './platform';

const OPERATOR_TOKEN = 'e2e-cycle-operator-token-0123456789';
const codes = new Map<string, string>();
let p: Platform;

beforeAll(async () => {
  p = await startPlatform('cycle', {
    operatorTokens: [OPERATOR_TOKEN],
    codeSender: { kinds: ['email'], send: async (identity, code) => void codes.set(identity.value, code) },
    // Small enough to reach in a test: three supports a day per person.
    supportLimits: { perIdentityPerDay: 3, perAddressPerHour: 1000, proposalsPerDay: 100, codesPerHour: 5, codeAttempts: 3 },
  });
}, 120_000);

afterAll(async () => {
  await p?.close();
});

const DAY = 86_400_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('annual cycle: proposals → supports → selection → project', () => {
  it('annualCycle.e2e: placed, supported once per person, merged, declined with a public reason, accepted into a project', async () => {
    const admin = await p.login('admin');
    const dispatcher = await p.login('dispatcher');
    const handler = await p.login('handler-jianxin');
    const year = 2090;
    const dates = { solicitation: at(-3600_000), selection: at(DAY), publication: at(2 * DAY), implementation: at(3 * DAY), midyear_review: at(4 * DAY), evaluation: at(5 * DAY), report: at(6 * DAY), closed: at(7 * DAY) };

    // Clear 4xx before anything starts: not an admin, not an organisation, dates out of order.
    expect((await p.call(`${p.dispatch}/v1/cycles`, 'POST', { organisationId: 'youth-league', year, dates }, dispatcher)).status).toBe(403);
    expect((await p.call(`${p.dispatch}/v1/cycles`, 'POST', { organisationId: 'jianxin-north', year, dates }, admin)).status).toBe(400);
    expect((await p.call(`${p.dispatch}/v1/cycles`, 'POST', { organisationId: 'youth-league', year, dates: { ...dates, selection: dates.report } }, admin)).status).toBe(400);
    const started = await p.call(`${p.dispatch}/v1/cycles`, 'POST', { organisationId: 'youth-league', year, dates }, admin);
    expect(started).toMatchObject({ status: 201, body: { cycleId: `cycle-youth-league-${year}`, repeated: false } });
    const cycleId = started.body.cycleId as string;
    expect(await p.call(`${p.dispatch}/v1/cycles`, 'POST', { organisationId: 'youth-league', year }, admin)).toMatchObject({ status: 200, body: { cycleId, repeated: true } });
    await p.eventually(async () => ((await p.call(`${p.dispatch}/v1/cycles/${cycleId}`, 'GET', undefined, dispatcher)).body?.phase === 'solicitation' ? true : undefined), 'the cycle in solicitation in the read model');

    // 提议 through intake (the H5 form's JSON); a retry with the same key is the same proposal.
    const propose = async (title: string, content: string, key = randomUUID()) =>
      p.call(`${p.intake}/v1/proposals`, 'POST', { organisationId: 'youth-league', title, content, categoryCode: 'after-school', areaId: 'jianxin-north', channel: 'web' }, { 'Idempotency-Key': key });
    const key = randomUUID();
    const first = await propose('社区开设四点半课堂', '双职工家庭孩子放学无人看护，希望社区开设四点半课堂。联系人 13812345678', key);
    expect(first).toMatchObject({ status: 201, body: { repeated: false, status: 'open', cycleId } });
    expect(first.body.content).not.toContain('13812345678');
    // Intake's OpenAPI describes these answers exactly (strict: a field added or renamed fails).
    placedProposalSchema.parse(first.body);
    const current = await p.call(`${p.intake}/v1/cycles/current?organisationId=youth-league`, 'GET');
    expect(currentCycleSchema.parse(current.body)).toMatchObject({ id: cycleId, phase: 'solicitation', takesProposals: true, takesSupports: true });
    expect(current.body.areas.map((a: { id: string }) => a.id)).toContain('jianxin-north');
    expect((await p.call(`${p.intake}/v1/cycles/current?organisationId=nobody-here`, 'GET')).status).toBe(404);
    expect(await propose('社区开设四点半课堂', '…', key)).toMatchObject({ status: 200, body: { reference: first.body.reference, repeated: true } });
    const duplicate = (await propose('希望有四点半课堂', '放学后孩子没人管，建议开设课后托管')).body;
    const other = (await propose('篮球场夜间照明', '篮球场晚上太黑，希望加装照明')).body;
    const fourth = (await propose('老年人智能手机培训', '希望团区委志愿者教老人用智能手机')).body;
    expect((await p.call(`${p.intake}/v1/proposals`, 'POST', { organisationId: 'youth-league', title: '', content: 'x' })).status).toBe(400);

    // 附议: an e-mail proven by a one-time code; once per person per proposal, retries idempotent.
    const codeFor = async (email: string) => {
      const sent = await p.call(`${p.intake}/v1/proposals/support-codes`, 'POST', { kind: 'email', value: email });
      expect(sent.status).toBe(202);
      supportCodeSentSchema.parse(sent.body);
      return codes.get(email.toLowerCase())!;
    };
    const support = (reference: string, email: string, code: string) => p.call(`${p.intake}/v1/proposals/${reference}/supports`, 'POST', { identity: { kind: 'email', value: email }, code });
    const a = await codeFor('a@example.com');
    const supported = await support(first.body.reference, 'a@example.com', a);
    expect(supported).toMatchObject({ status: 201, body: { supportCount: 1, repeated: false } });
    supportResultSchema.parse(supported.body);
    expect(await support(first.body.reference, 'A@Example.com', a)).toMatchObject({ status: 200, body: { supportCount: 1, repeated: true } });
    expect((await support(first.body.reference, 'a@example.com', a === '000000' ? '000001' : '000000')).status).toBe(403);
    expect((await support(first.body.reference, 'not-an-email', a)).status).toBe(400);
    expect(await support(duplicate.reference, 'a@example.com', a)).toMatchObject({ status: 201, body: { supportCount: 1 } });
    const b = await codeFor('b@example.com');
    expect(await support(duplicate.reference, 'b@example.com', b)).toMatchObject({ status: 201, body: { supportCount: 2 } });
    // The hotline: an operator enters the caller's support; the caller's number is the identity.
    const hotline = (reference: string, callerNumber: string) =>
      p.call(`${p.intake}/v1/hotline/proposals/${reference}/supports`, 'POST', { callId: randomUUID(), callerNumber }, { Authorization: `Bearer ${OPERATOR_TOKEN}` });
    expect((await p.call(`${p.intake}/v1/hotline/proposals/${first.body.reference}/supports`, 'POST', { callId: 'x', callerNumber: '13900000001' })).status).toBe(401);
    expect(await hotline(first.body.reference, '13900000001')).toMatchObject({ status: 201, body: { supportCount: 2 } });
    expect(await hotline(first.body.reference, '139-0000-0001')).toMatchObject({ status: 200, body: { supportCount: 2, repeated: true } });
    expect(await hotline(duplicate.reference, '13900000001')).toMatchObject({ status: 201, body: { supportCount: 3 } });

    // Abuse limit: a fourth support in a day by the same person is refused, by name.
    const c = await codeFor('c@example.com');
    for (const reference of [first.body.reference, other.reference, duplicate.reference]) expect((await support(reference, 'c@example.com', c)).status).toBe(201);
    expect(await support(fourth.reference, 'c@example.com', c)).toMatchObject({ status: 429, body: { error: { code: 'too_many_supports' } } });

    // 合并: the duplicate into the first. a, the caller and c supported both: counted once; b moves.
    const merged = await p.call(`${p.dispatch}/v1/proposals/${duplicate.id}/merge`, 'POST', { intoProposalId: first.body.id }, dispatcher);
    expect(merged).toMatchObject({ status: 200, body: { moved: 1, alreadyCounted: 3, supportCount: 4 } });
    expect((await p.call(`${p.dispatch}/v1/proposals/${duplicate.id}/merge`, 'POST', { intoProposalId: first.body.id }, dispatcher)).status).toBe(409);
    expect((await p.call(`${p.dispatch}/v1/proposals/${first.body.id}/merge`, 'POST', { intoProposalId: first.body.id }, dispatcher)).status).toBe(400);
    expect((await p.call(`${p.dispatch}/v1/proposals/${other.id}/merge`, 'POST', { intoProposalId: first.body.id }, handler)).status).toBe(403);
    // A support of the merged proposal lands on its survivor.
    const d = await codeFor('d@example.com');
    expect(await support(duplicate.reference, 'd@example.com', d)).toMatchObject({ status: 201, body: { proposal: first.body.reference, supportCount: 5 } });

    const ranking = await p.call(`${p.dispatch}/v1/cycles/${cycleId}/proposals`, 'GET', undefined, dispatcher);
    expect(ranking.status).toBe(200);
    expect(ranking.body.proposals.map((x: { reference: string; supportCount: number }) => [x.reference, x.supportCount])).toEqual([
      [first.body.reference, 5],
      [other.reference, 1],
      [fourth.reference, 0],
    ]);

    // Deciding before selection is refused by the cycle's workflow, with the phase that allows it.
    const decline = { decision: 'declined', reason: '篮球场照明已列入区城管局年度计划，不重复立项' };
    expect(await p.call(`${p.dispatch}/v1/proposals/${other.id}/decision`, 'POST', decline, dispatcher)).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('selection') } } });

    // The administrator brings selection forward: the workflow's timer moves and the phase changes by itself.
    expect((await p.call(`${p.dispatch}/v1/cycles/${cycleId}/dates`, 'POST', { boundary: 'selection', at: at(2000) }, admin)).status).toBe(400);
    expect((await p.call(`${p.dispatch}/v1/cycles/${cycleId}/dates`, 'POST', { boundary: 'solicitation', at: at(2000), reason: '提前' }, admin)).status).toBe(409);
    const moved = await p.call(`${p.dispatch}/v1/cycles/${cycleId}/dates`, 'POST', { boundary: 'selection', at: at(3000), reason: '征集提前结束，联席会议提前召开' }, admin);
    expect(moved).toMatchObject({ status: 200, body: { state: 'solicitation', next: { boundary: 'selection' } } });
    const inSelection = await p.eventually(async () => {
      const answer = await p.call(`${p.dispatch}/v1/cycles/${cycleId}`, 'GET', undefined, dispatcher);
      return answer.body?.phase === 'selection' ? answer.body : undefined;
    }, 'the cycle in selection', 30_000);
    expect(inSelection.timeline.map((e: { type: string }) => e.type)).toEqual(['cycle.opened', 'cycle.date_moved', 'cycle.phase_changed']);
    expect(inSelection.timeline[1].data).toMatchObject({ boundary: 'selection', reason: '征集提前结束，联席会议提前召开' });
    expect((await support(fourth.reference, 'd@example.com', d)).status).toBe(409);

    // 联席会议: decline with a public reason; accept into a project with an owning unit and milestones.
    expect((await p.call(`${p.dispatch}/v1/proposals/${other.id}/decision`, 'POST', { decision: 'declined', reason: ' ' }, dispatcher)).status).toBe(400);
    expect((await p.call(`${p.dispatch}/v1/proposals/${other.id}/decision`, 'POST', decline, handler)).status).toBe(403);
    expect((await p.call(`${p.dispatch}/v1/proposals/${other.id}/decision`, 'POST', decline, dispatcher)).status).toBe(200);
    const accept = { decision: 'accepted', reason: '附议最多，纳入本年度服务清单', project: { title: '建新北路社区四点半课堂', ownerUnitId: 'jianxin-north', budget: 20000, milestones: [{ name: '场地与志愿者到位', workingDays: 20 }, { name: '课堂开课', workingDays: 40 }] } };
    expect((await p.call(`${p.dispatch}/v1/proposals/${first.body.id}/decision`, 'POST', { ...accept, project: undefined }, dispatcher)).status).toBe(400);
    expect((await p.call(`${p.dispatch}/v1/proposals/${duplicate.id}/decision`, 'POST', accept, dispatcher)).status).toBe(409);
    const accepted = await p.call(`${p.dispatch}/v1/proposals/${first.body.id}/decision`, 'POST', accept, dispatcher);
    expect(accepted).toMatchObject({ status: 200, body: { decision: 'accepted' } });
    const projectId = accepted.body.projectId as string;
    expect(await p.call(`${p.dispatch}/v1/proposals/${first.body.id}/decision`, 'POST', accept, dispatcher)).toMatchObject({ status: 200, body: { projectId } });
    expect((await p.call(`${p.dispatch}/v1/proposals/${first.body.id}/decision`, 'POST', decline, dispatcher)).status).toBe(409);

    // Public: the declined proposal shows its reason; the accepted one its project.
    const publicDeclined = await p.eventually(async () => {
      const answer = await p.call(`${p.intake}/v1/proposals/${other.reference}`, 'GET');
      return answer.body?.status === 'declined' ? answer.body : undefined;
    }, 'the declined proposal in public');
    expect(publicDeclined).toMatchObject({ decisionReason: decline.reason });
    publicProposalSchema.parse(publicDeclined);
    const publicList = await p.eventually(async () => {
      const answer = await p.call(`${p.intake}/v1/proposals?cycleId=${cycleId}`, 'GET');
      return answer.body?.proposals?.some((x: { status: string }) => x.status === 'accepted') ? answer.body : undefined;
    }, 'the accepted proposal in public');
    expect(publicList.proposals.find((x: { reference: string }) => x.reference === first.body.reference)).toMatchObject({ status: 'accepted', projectId, supportCount: 5 });
    expect(JSON.stringify(publicList)).not.toContain('13812345678');
    proposalPageSchema.parse(publicList);

    const project = await p.eventually(async () => {
      const answer = await p.call(`${p.dispatch}/v1/projects/${projectId}`, 'GET', undefined, handler);
      return answer.status === 200 ? answer.body : undefined;
    }, 'the project in the read model');
    expect(project).toMatchObject({ title: accept.project.title, origin: 'proposal', cycleId, proposalId: first.body.id, ownerUnitId: 'jianxin-north', status: 'active' });
    expect(project.milestones.map((m: { name: string }) => m.name)).toEqual(['场地与志愿者到位', '课堂开课']);

    // 年度公示 on the board: the phases with dates, the moved date's reason, the service list with
    // the project, the declined proposal with its public reason; scrubbed; strict schema.
    const yearPage = await p.eventually(async () => {
      const answer = await p.call(`${p.feedback}/v1/board/cycles/${cycleId}`, 'GET');
      return answer.status === 200 && answer.body.serviceList?.[0]?.project ? answer.body : undefined;
    }, 'the year on the board with its project');
    boardCycleSchema.parse(yearPage);
    expect(yearPage).toMatchObject({ id: cycleId, phase: 'selection', counts: { open: 1, accepted: 1, declined: 1, merged: 1 } });
    expect(yearPage.phases.find((ph: { phase: string }) => ph.phase === 'selection').state).toBe('current');
    expect(yearPage.dateMoves).toEqual([expect.objectContaining({ phase: 'selection', reason: '征集提前结束，联席会议提前召开' })]);
    expect(yearPage.serviceList[0]).toMatchObject({ proposal: { reference: first.body.reference, supportCount: 5 }, project: { id: projectId, title: accept.project.title, origin: 'proposal' } });
    expect(yearPage.declined).toEqual([expect.objectContaining({ reference: other.reference, reason: decline.reason })]);
    expect(JSON.stringify(yearPage)).not.toContain('13812345678');
    boardCyclesSchema.parse((await p.call(`${p.feedback}/v1/board/cycles`, 'GET')).body);
    const page = await fetch(`${p.feedback}/board/cycles/${cycleId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const text = await page.text();
    expect(text).toContain(decline.reason);
    expect(text).toContain(accept.project.title);
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('<script');
    expect((await fetch(`${p.feedback}/board/cycles/cycle-nobody-2090`)).status).toBe(404);
    expect((await p.call(`${p.feedback}/v1/board/cycles/not a cycle`, 'GET')).status).toBe(404);
  });

  it('evaluation.freezeThroughWorkflow: scores are revised during the evaluation phase and frozen when the workflow moves to the report', async () => {
    const admin = await p.login('admin');
    const evaluator = await p.login('evaluator');
    const evaluatorId = (JSON.parse(Buffer.from(evaluator.authorization!.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
    const year = 2091;
    // A year already in its evaluation phase: the workflow starts there (the earlier dates passed).
    const dates = { solicitation: at(-6 * DAY), selection: at(-5 * DAY), publication: at(-4 * DAY), implementation: at(-3 * DAY), midyear_review: at(-2 * DAY), evaluation: at(-3600_000), report: at(DAY), closed: at(2 * DAY) };
    const started = await p.call(`${p.dispatch}/v1/cycles`, 'POST', { organisationId: 'youth-league', year, dates }, admin);
    expect(started.status).toBe(201);
    const cycleId = started.body.cycleId as string;
    const form = `${p.feedback}/v1/evaluation/cycles/${cycleId}`;
    await p.eventually(async () => ((await p.call(form, 'GET', undefined, admin)).body?.cycle?.phase === 'evaluation' ? true : undefined), 'the cycle in evaluation in the read model');
    expect((await p.call(`${form}/evaluators/${evaluatorId}`, 'PUT', undefined, admin)).status).toBe(200);
    const criteria = await p.call(`${form}/criteria`, 'PUT', { criteria: [{ target: 'unit', name: '办理质量', weight: 3 }, { target: 'unit', name: '群众满意', weight: 7 }] }, admin);
    expect(criteria.status).toBe(200);
    const scores = (score: number) => ({ scores: (criteria.body.criteria as Array<{ id: string }>).map((c) => ({ criterionId: c.id, score })), comment: `第${score}分` });
    const sheet = `${form}/sheets/unit/jianxin-north`;
    expect((await p.call(sheet, 'PUT', scores(5), evaluator)).status).toBe(200);
    expect((await p.call(sheet, 'PUT', scores(6), evaluator)).status).toBe(200);

    // The administrator ends the evaluation early; the workflow's timer fires, the projector moves the phase.
    const moved = await p.call(`${p.dispatch}/v1/cycles/${cycleId}/dates`, 'POST', { boundary: 'report', at: at(3000), reason: '评估机构提前完成打分' }, admin);
    expect(moved.status).toBe(200);
    await p.eventually(async () => ((await p.call(form, 'GET', undefined, evaluator)).body?.cycle?.phase === 'report' ? true : undefined), 'the cycle in report in the read model', 30_000);
    const refused = await p.call(sheet, 'PUT', scores(9), evaluator);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'evaluation_closed', details: { phase: 'report' } } } });
    const revisions = await p.call(`${sheet}/revisions`, 'GET', undefined, evaluator);
    expect(revisions.body.revisions).toHaveLength(2);
    const frozen = (await p.call(form, 'GET', undefined, evaluator)).body.sheets.find((x: { targetId: string }) => x.targetId === 'jianxin-north');
    expect(frozen).toMatchObject({ revision: 2, comment: '第6分' });
  });
});
