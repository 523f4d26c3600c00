// The joint meeting's side of the annual cycle's proposals (提议): the ranking (most supported
// first, by category), merging duplicates (their supports move, a person who supported both counts
// once), and the decision with a public reason — sent to the cycle's workflow, which checks that
// the phase allows it; an accepted proposal becomes a project (the `project` workflow, origin
// `proposal`, id derived from the proposal: a retried request never makes two).
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { checkMerge, checkMilestonePlans, mayInCycle, projectWorkflowId, rankProposals, scrub, type CycleState, type ProposalStatus } from '@diandan/domain';
import { HttpError, validate } from '@diandan/platform';
import { decideProposalUpdate, PROJECT_WORKFLOW, type CycleView, type ProjectInput } from '@diandan/workflows';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth/staff';
import { allow, staffOf } from './authenticate';
import { cycleHttpError } from './cycles';
import type { ApiDeps } from './deps';

const text = (max: number) => z.string().trim().min(1).max(max);
export const proposalRankingSchema = z.object({
  status: z.enum(['open', 'accepted', 'declined', 'merged']).optional(),
  categoryCode: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export const mergeProposalSchema = z.object({ intoProposalId: z.uuid() });
export const decideProposalSchema = z
  .object({
    decision: z.enum(['accepted', 'declined']),
    /** Public: shown with the proposal on the board and the resident pages. */
    reason: text(2000),
    /** Required when accepted: the project of the year's service list it becomes. */
    project: z
      .object({
        title: text(200),
        description: text(4000).optional(),
        ownerUnitId: z.string().min(1).max(100),
        budget: z.number().nonnegative().max(1e10).optional(),
        milestones: z.array(z.object({ name: text(200), workingDays: z.number().int().min(1).max(500) })).min(1).max(20),
      })
      .optional(),
  })
  .refine((body) => body.decision === 'declined' || body.project !== undefined, { message: 'an accepted proposal needs its project (title, ownerUnitId, milestones)', path: ['project'] });

const READERS = ['admin', 'supervisor', 'dispatcher', 'operator', 'evaluator', 'district_officer'] as const;
const DECIDERS = ['admin', 'supervisor', 'dispatcher'] as const;

/** The project a proposal becomes: the same id for the same proposal. */
export function projectIdForProposal(proposalId: string): string {
  const hex = createHash('sha256').update(`proposal:${proposalId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function proposalRoutes(deps: ApiDeps): Router {
  const { prisma } = deps;
  const taskQueue = deps.taskQueue ?? 'service-orders';
  const router = Router();

  const proposalOf = async (proposalId: string) => {
    if (!z.uuid().safeParse(proposalId).success) throw new HttpError(404, 'not_found', `no proposal ${proposalId}`);
    const row = await prisma.proposal.findUnique({ where: { id: proposalId } });
    if (!row) throw new HttpError(404, 'not_found', `no proposal ${proposalId}`);
    return row;
  };

  router.get('/v1/cycles/:cycleId/proposals', allow(...READERS), async (req, res) => {
    const cycleId = String(req.params.cycleId);
    const query = validate(proposalRankingSchema, req.query, 'query');
    const cycle = await prisma.cycle.findUnique({ where: { id: cycleId }, select: { id: true, phase: true } });
    if (!cycle) throw new HttpError(404, 'not_found', `no cycle ${cycleId}`);
    const rows = await prisma.proposal.findMany({
      where: { cycleId, ...(query.status ? { status: query.status } : { status: { not: 'merged' } }), ...(query.categoryCode ? { categoryCode: query.categoryCode } : {}) },
      orderBy: [{ supportCount: 'desc' }, { createdAt: 'asc' }],
      take: query.limit,
    });
    const categories = new Map((await prisma.category.findMany({ select: { code: true, name: true } })).map((c) => [c.code, c.name]));
    res.json({
      cycleId,
      phase: cycle.phase,
      proposals: rankProposals(rows).map((p, i) => ({
        rank: i + 1,
        id: p.id,
        reference: p.reference,
        title: scrub(p.title),
        content: scrub(p.content),
        categoryCode: p.categoryCode,
        categoryName: p.categoryCode ? (categories.get(p.categoryCode) ?? null) : null,
        areaId: p.areaId,
        channel: p.channel,
        status: p.status,
        supportCount: p.supportCount,
        decisionReason: p.decisionReason,
        projectId: p.projectId,
        mergedIntoId: p.mergedIntoId,
        createdAt: p.createdAt,
      })),
    });
  });

  router.post('/v1/proposals/:proposalId/merge', allow('supervisor', 'dispatcher'), async (req, res) => {
    const body = validate(mergeProposalSchema, req.body);
    const source = await proposalOf(String(req.params.proposalId));
    const target = await proposalOf(body.intoProposalId);
    const cycle = await prisma.cycle.findUnique({ where: { id: source.cycleId }, select: { phase: true } });
    const allowed = mayInCycle((cycle?.phase ?? 'planned') as CycleState, 'mergeProposals');
    if (!allowed.ok) throw new HttpError(409, 'illegal_transition', allowed.error.reason);
    const result = await prisma.$transaction(async (tx) => {
      // Both rows locked in id order (no deadlock with another merge), and against supports arriving meanwhile.
      const ids = [source.id, target.id].sort();
      const locked = await tx.$queryRaw<{ id: string; status: string; cycleId: string }[]>`SELECT id, status, "cycleId" FROM "Proposal" WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
      const now = (id: string) => locked.find((r) => r.id === id)!;
      const check = checkMerge({ ...now(source.id), status: now(source.id).status as ProposalStatus }, { ...now(target.id), status: now(target.id).status as ProposalStatus });
      if (!check.ok) throw new HttpError(check.error.code === 'invalid_input' ? 400 : 409, check.error.code === 'invalid_input' ? 'invalid_request' : check.error.code, check.error.reason);
      // A person who supported both counts once: their support of the duplicate goes, the rest move.
      const already = await tx.proposalSupport.findMany({ where: { proposalId: target.id }, select: { identityKey: true } });
      const dropped = await tx.proposalSupport.deleteMany({ where: { proposalId: source.id, identityKey: { in: already.map((s) => s.identityKey) } } });
      const moved = await tx.proposalSupport.updateMany({ where: { proposalId: source.id }, data: { proposalId: target.id } });
      const supportCount = await tx.proposalSupport.count({ where: { proposalId: target.id } });
      await tx.proposal.update({ where: { id: target.id }, data: { supportCount } });
      await tx.proposal.update({ where: { id: source.id }, data: { status: 'merged', mergedIntoId: target.id, supportCount: 0 } });
      return { moved: moved.count, alreadyCounted: dropped.count, supportCount };
    });
    res.json({ proposalId: source.id, mergedInto: target.id, ...result });
  });

  router.post('/v1/proposals/:proposalId/decision', allow(...DECIDERS), async (req, res) => {
    const staff = staffOf(res);
    const body = validate(decideProposalSchema, req.body);
    const proposal = await proposalOf(String(req.params.proposalId));
    if (proposal.status === 'merged') throw new HttpError(409, 'illegal_transition', `proposal ${proposal.id} was merged into ${proposal.mergedIntoId}; decide on that one`);
    let input: ProjectInput | undefined;
    if (body.decision === 'accepted' && body.project) {
      if (!(await prisma.unit.findUnique({ where: { id: body.project.ownerUnitId }, select: { id: true } }))) throw new HttpError(404, 'not_found', `no unit ${body.project.ownerUnitId}`);
      const milestones = body.project.milestones.map((m, i) => ({ id: `m${i + 1}`, name: m.name, workingDays: m.workingDays }));
      const plan = checkMilestonePlans(milestones);
      if (!plan.ok) throw new HttpError(400, 'invalid_request', plan.error.reason);
      input = {
        projectId: projectIdForProposal(proposal.id),
        title: body.project.title,
        ...(body.project.description ? { description: body.project.description } : {}),
        origin: 'proposal',
        cycleId: proposal.cycleId,
        proposalId: proposal.id,
        ...(body.project.budget === undefined ? {} : { budget: body.project.budget }),
        ownerUnitId: body.project.ownerUnitId,
        milestones,
        orderIds: [],
        createdBy: actorOf(staff),
      };
    }
    let view: CycleView;
    try {
      view = await deps.temporal.workflow.getHandle(proposal.cycleId).executeUpdate(decideProposalUpdate, {
        args: [{ proposalId: proposal.id, decision: body.decision, reason: body.reason, actor: actorOf(staff), ...(input ? { projectId: input.projectId } : {}) }],
      });
    } catch (error) {
      throw cycleHttpError(error, proposal.cycleId);
    }
    if (input) {
      try {
        await deps.temporal.workflow.start(PROJECT_WORKFLOW, { taskQueue, workflowId: projectWorkflowId(input.projectId), args: [input] });
      } catch (error) {
        // A retried request: the project of this proposal exists already.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    }
    const decision = view.decisions.find((d) => d.proposalId === proposal.id);
    res.json({ proposalId: proposal.id, decision: decision?.decision, reason: decision?.reason, projectId: input?.projectId ?? null });
  });

  return router;
}
