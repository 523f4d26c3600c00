// 年度公示: an organisation's whole year on the board (docs/annual-cycle.md) — the phases with the
// dates they begin (moved dates with their public reasons), the year's service list (accepted
// proposals and the projects they became, with progress), the declined proposals with the joint
// meeting's public reasons, and the proposals still open in solicitation. Read from the read
// models the cycle and project projectors keep (Cycle, CycleEvent, Proposal, Project). Public:
// every resident's or staff member's text passes the scrubber; supports are counts only.
import { z } from 'zod';
import { CYCLE_BOUNDARIES, CYCLE_PHASE_NAMES_ZH, CYCLE_PHASES, CYCLE_STATES, type CycleBoundary, type CycleState } from '@diandan/domain';
import type { PrismaClient } from '@diandan/platform';
import { scrub, scrubOptional } from '../scrub';
import { boardProjectsByIds, type BoardProject } from './projectsQuery';

export const boardCycleIdSchema = z.string().regex(/^cycle-[a-z0-9-]{1,100}-\d{4}$/, 'cycle-<organisation>-<year>');

export interface BoardCycleSummary {
  id: string;
  year: number;
  organisation: { id: string; name: string };
  phase: CycleState;
  phaseName: string;
}

export interface BoardCyclePhase {
  phase: (typeof CYCLE_PHASES)[number];
  name: string;
  startsAt: string;
  endsAt: string;
  state: 'done' | 'current' | 'ahead';
}

export interface BoardProposal {
  reference: string;
  title: string;
  content: string;
  category: { code: string; name: string } | null;
  area: { id: string; name: string } | null;
  supportCount: number;
  status: 'open' | 'accepted' | 'declined';
  reason: string | null;
  decidedAt: string | null;
  createdAt: string;
}

export interface BoardCycle extends BoardCycleSummary {
  phases: BoardCyclePhase[];
  closesAt: string;
  /** Dates an administrator moved, with the public reason, oldest first. */
  dateMoves: Array<{ at: string; phase: CycleBoundary; name: string; from: string; to: string; reason: string }>;
  counts: { open: number; accepted: number; declined: number; merged: number; supports: number };
  /** The year's service list: each accepted proposal with the project it became (null until its projector has it). */
  serviceList: Array<{ proposal: BoardProposal; project: BoardProject | null }>;
  declined: BoardProposal[];
  /** Open proposals while solicitation or selection runs, most supported first. */
  open: BoardProposal[];
  /** The annual report is public once the evaluation has closed. */
  report: { published: boolean; url: string | null };
}

const ORDER = (state: string) => CYCLE_STATES.indexOf(state as CycleState);
const LIST_LIMIT = 200;

type CycleRow = NonNullable<Awaited<ReturnType<PrismaClient['cycle']['findUnique']>>>;

function datesOf(row: CycleRow): Record<CycleBoundary, Date> {
  return {
    solicitation: row.solicitationStartsAt,
    selection: row.selectionStartsAt,
    publication: row.publicationStartsAt,
    implementation: row.implementationStartsAt,
    midyear_review: row.midyearReviewStartsAt,
    evaluation: row.evaluationStartsAt,
    report: row.reportStartsAt,
    closed: row.closesAt,
  };
}

async function unitNames(prisma: PrismaClient, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  const units = wanted.length ? await prisma.unit.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } }) : [];
  return new Map(units.map((u) => [u.id, u.name]));
}

const summaryOf = (row: { id: string; year: number; organisationId: string; phase: string }, names: Map<string, string>): BoardCycleSummary => ({
  id: row.id,
  year: row.year,
  organisation: { id: row.organisationId, name: names.get(row.organisationId) ?? row.organisationId },
  phase: row.phase as CycleState,
  phaseName: CYCLE_PHASE_NAMES_ZH[row.phase as CycleState] ?? row.phase,
});

/** Every cycle that has begun, newest year first. */
export async function boardCycles(prisma: PrismaClient): Promise<BoardCycleSummary[]> {
  const rows = await prisma.cycle.findMany({ where: { phase: { not: 'planned' } }, orderBy: [{ year: 'desc' }, { organisationId: 'asc' }], take: 100 });
  const names = await unitNames(prisma, rows.map((r) => r.organisationId));
  return rows.map((r) => summaryOf(r, names));
}

/** The whole year of one cycle; null when there is none (or it has not begun: nothing is public before solicitation). */
export async function boardCycle(prisma: PrismaClient, cycleId: string): Promise<BoardCycle | null> {
  if (!boardCycleIdSchema.safeParse(cycleId).success) return null;
  const row = await prisma.cycle.findUnique({ where: { id: cycleId } });
  if (!row || row.phase === 'planned') return null;
  const [proposals, grouped, supports, moves, categories] = await Promise.all([
    prisma.proposal.findMany({ where: { cycleId, status: { in: ['open', 'accepted', 'declined'] } }, orderBy: [{ supportCount: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }], take: 3 * LIST_LIMIT }),
    prisma.proposal.groupBy({ by: ['status'], where: { cycleId }, _count: { _all: true } }),
    prisma.proposal.aggregate({ where: { cycleId, status: { not: 'merged' } }, _sum: { supportCount: true } }),
    prisma.cycleEvent.findMany({ where: { cycleId, type: 'cycle.date_moved' }, orderBy: { seq: 'asc' }, select: { at: true, data: true } }),
    prisma.category.findMany({ select: { code: true, name: true } }),
  ]);
  const names = await unitNames(prisma, [row.organisationId, ...proposals.map((p) => p.areaId)]);
  const categoryName = new Map(categories.map((c) => [c.code, c.name]));
  const dates = datesOf(row);
  const phaseAt = ORDER(row.phase);
  const phases: BoardCyclePhase[] = CYCLE_PHASES.map((phase, i) => ({
    phase,
    name: CYCLE_PHASE_NAMES_ZH[phase],
    startsAt: dates[phase].toISOString(),
    endsAt: dates[CYCLE_BOUNDARIES[i + 1]!].toISOString(),
    state: ORDER(phase) < phaseAt ? 'done' : ORDER(phase) === phaseAt ? 'current' : 'ahead',
  }));
  const publicProposal = (p: (typeof proposals)[number]): BoardProposal => ({
    reference: p.reference,
    title: scrub(p.title),
    content: scrub(p.content),
    category: p.categoryCode ? { code: p.categoryCode, name: categoryName.get(p.categoryCode) ?? p.categoryCode } : null,
    area: p.areaId ? { id: p.areaId, name: names.get(p.areaId) ?? p.areaId } : null,
    supportCount: p.supportCount,
    status: p.status as BoardProposal['status'],
    reason: scrubOptional(p.decisionReason ?? undefined),
    decidedAt: p.decidedAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
  });
  const accepted = proposals.filter((p) => p.status === 'accepted').slice(0, LIST_LIMIT);
  const projects = await boardProjectsByIds(prisma, accepted.map((p) => p.projectId).filter((id): id is string => id !== null));
  const count = (status: string) => grouped.find((g) => g.status === status)?._count._all ?? 0;
  const published = ORDER(row.phase) > ORDER('evaluation');
  return {
    ...summaryOf(row, names),
    phases,
    closesAt: dates.closed.toISOString(),
    dateMoves: moves.map((m) => {
      const data = (m.data ?? {}) as { boundary?: CycleBoundary; from?: string; to?: string; reason?: string };
      const phase = data.boundary ?? 'closed';
      return { at: m.at.toISOString(), phase, name: CYCLE_PHASE_NAMES_ZH[phase] ?? phase, from: String(data.from ?? ''), to: String(data.to ?? ''), reason: scrub(String(data.reason ?? '')) };
    }),
    counts: { open: count('open'), accepted: count('accepted'), declined: count('declined'), merged: count('merged'), supports: supports._sum.supportCount ?? 0 },
    serviceList: accepted.map((p) => ({ proposal: publicProposal(p), project: (p.projectId && projects.get(p.projectId)) || null })),
    declined: proposals.filter((p) => p.status === 'declined').slice(0, LIST_LIMIT).map(publicProposal),
    open: proposals.filter((p) => p.status === 'open').slice(0, LIST_LIMIT).map(publicProposal),
    report: { published, url: published ? `/board/annual-report/${row.id}` : null },
  };
}
