// The board's projects (项目公示): what the federation took on as projects — monthly bundles
// (两个打包) and the year's service list — with their progress, milestones and the residents'
// ratings of the orders they carried. Public: every text passes the scrubber; a project never
// names the residents or the orders behind it (counts only).
import { z } from 'zod';
import type { PrismaClient } from '@diandan/platform';
import { scrub, scrubOptional } from '../scrub';

export const PROJECT_ORIGIN_LABELS: Record<string, string> = { bundle: '月度打包', proposal: '年度服务清单' };

export const boardProjectsQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(200).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(12),
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['active', 'completed']).optional()),
  origin: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['bundle', 'proposal']).optional()),
  unit: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(100).optional()),
});
export type BoardProjectsQuery = z.infer<typeof boardProjectsQuerySchema>;

export interface BoardMilestone {
  name: string;
  dueAt: string;
  state: 'open' | 'warned' | 'missed' | 'reached';
  reachedAt: string | null;
}

export interface BoardProject {
  id: string;
  title: string;
  description: string | null;
  origin: 'bundle' | 'proposal';
  unit: { id: string; name: string };
  status: 'active' | 'completed';
  percent: number;
  /** A milestone was missed and is not reached yet. */
  overdue: boolean;
  budget: string | null;
  createdAt: string;
  completedAt: string | null;
  result: string | null;
  milestones: BoardMilestone[];
  /** The orders the project carries, and how their residents rated them. */
  orders: { linked: number; resolved: number; rated: number; satisfied: number; basicallySatisfied: number; dissatisfied: number };
}

export interface BoardProjectDetail extends BoardProject {
  /** Progress notes, milestones reached and the completion, oldest first. */
  timeline: Array<{ at: string; type: string; text: string | null; percent: number | null }>;
}

export interface BoardProjectsPage {
  items: BoardProject[];
  page: number;
  pageSize: number;
  hasNext: boolean;
  counts: { active: number; completed: number };
}

const include = {
  milestones: { orderBy: { dueAt: 'asc' as const } },
} as const;

type ProjectRow = Awaited<ReturnType<PrismaClient['project']['findMany']>>[number] & {
  milestones: Array<{ id: string; name: string; dueAt: Date; state: string; reachedAt: Date | null }>;
};

async function orderFigures(prisma: PrismaClient, projectIds: string[]): Promise<Map<string, BoardProject['orders']>> {
  const figures = new Map<string, BoardProject['orders']>();
  if (projectIds.length === 0) return figures;
  const rows = await prisma.$queryRaw<Array<{ projectId: string; linked: bigint; resolved: bigint; rated: bigint; satisfied: bigint; basically: bigint; dissatisfied: bigint }>>`
    SELECT po."projectId",
           count(*) FILTER (WHERE po.linked) AS linked,
           count(*) FILTER (WHERE po.linked AND po.resolved) AS resolved,
           count(o.rating) FILTER (WHERE po.linked) AS rated,
           count(*) FILTER (WHERE po.linked AND o.rating = 'satisfied') AS satisfied,
           count(*) FILTER (WHERE po.linked AND o.rating = 'basically_satisfied') AS basically,
           count(*) FILTER (WHERE po.linked AND o.rating = 'dissatisfied') AS dissatisfied
    FROM "ProjectOrder" po LEFT JOIN "Order" o ON o.id = po."orderId"
    WHERE po."projectId" = ANY(${projectIds}::uuid[])
    GROUP BY po."projectId"`;
  for (const r of rows) {
    figures.set(r.projectId, {
      linked: Number(r.linked),
      resolved: Number(r.resolved),
      rated: Number(r.rated),
      satisfied: Number(r.satisfied),
      basicallySatisfied: Number(r.basically),
      dissatisfied: Number(r.dissatisfied),
    });
  }
  return figures;
}

const NO_ORDERS: BoardProject['orders'] = { linked: 0, resolved: 0, rated: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 };

function toBoardProject(row: ProjectRow, unitNames: Map<string, string>, figures: Map<string, BoardProject['orders']>): BoardProject {
  return {
    id: row.id,
    title: scrub(row.title),
    description: scrubOptional(row.description ?? undefined),
    origin: row.origin === 'proposal' ? 'proposal' : 'bundle',
    unit: { id: row.ownerUnitId, name: unitNames.get(row.ownerUnitId) ?? row.ownerUnitId },
    status: row.status === 'completed' ? 'completed' : 'active',
    percent: row.percent,
    overdue: row.overdue,
    budget: row.budget === null ? null : row.budget.toString(),
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    result: scrubOptional(row.result ?? undefined),
    milestones: row.milestones.map((m) => ({ name: scrub(m.name), dueAt: m.dueAt.toISOString(), state: m.state as BoardMilestone['state'], reachedAt: m.reachedAt?.toISOString() ?? null })),
    orders: figures.get(row.id) ?? NO_ORDERS,
  };
}

async function unitNamesOf(prisma: PrismaClient, ids: string[]): Promise<Map<string, string>> {
  const units = await prisma.unit.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true } });
  return new Map(units.map((u) => [u.id, u.name]));
}

/** Active projects first (newest first), then completed ones (latest completion first). */
export async function boardProjects(prisma: PrismaClient, query: BoardProjectsQuery): Promise<BoardProjectsPage> {
  const where = {
    ...(query.status ? { status: query.status } : {}),
    ...(query.origin ? { origin: query.origin } : {}),
    ...(query.unit ? { ownerUnitId: query.unit } : {}),
  };
  const [rows, grouped] = await Promise.all([
    prisma.project.findMany({
      where,
      include,
      orderBy: [{ status: 'asc' }, { completedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }, { id: 'asc' }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize + 1,
    }),
    prisma.project.groupBy({ by: ['status'], where: { ...(query.origin ? { origin: query.origin } : {}), ...(query.unit ? { ownerUnitId: query.unit } : {}) }, _count: { _all: true } }),
  ]);
  const shown = rows.slice(0, query.pageSize) as ProjectRow[];
  const [names, figures] = await Promise.all([unitNamesOf(prisma, shown.map((r) => r.ownerUnitId)), orderFigures(prisma, shown.map((r) => r.id))]);
  const count = (status: string) => grouped.find((g) => g.status === status)?._count._all ?? 0;
  return {
    items: shown.map((r) => toBoardProject(r, names, figures)),
    page: query.page,
    pageSize: query.pageSize,
    hasNext: rows.length > query.pageSize,
    counts: { active: count('active'), completed: count('completed') },
  };
}

const SHOWN_EVENTS = ['project.created', 'project.progress_reported', 'project.milestone_reached', 'project.milestone_missed', 'project.completed'] as const;

/** One project with its public timeline; null when there is none (or the id is not one). */
export async function boardProject(prisma: PrismaClient, id: string): Promise<BoardProjectDetail | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const row = (await prisma.project.findUnique({ where: { id }, include })) as ProjectRow | null;
  if (!row) return null;
  const [names, figures, events] = await Promise.all([
    unitNamesOf(prisma, [row.ownerUnitId]),
    orderFigures(prisma, [row.id]),
    prisma.projectEvent.findMany({ where: { projectId: id, type: { in: [...SHOWN_EVENTS] } }, orderBy: { seq: 'asc' }, select: { at: true, type: true, data: true } }),
  ]);
  const milestoneNames = new Map(row.milestones.map((m) => [m.id, m.name]));
  const timeline = events.map((e) => {
    const data = (e.data ?? {}) as Record<string, unknown>;
    const words = typeof data.note === 'string' ? data.note : typeof data.result === 'string' ? data.result : undefined;
    const milestone = typeof data.milestoneId === 'string' ? milestoneNames.get(data.milestoneId) : undefined;
    const text = e.type === 'project.milestone_reached' || e.type === 'project.milestone_missed' ? [milestone, words].filter(Boolean).join('：') : words;
    return { at: e.at.toISOString(), type: e.type, text: scrubOptional(text || undefined), percent: typeof data.percent === 'number' ? data.percent : null };
  });
  return { ...toBoardProject(row, names, figures), timeline };
}

/** Projects by id, as the board shows them (the year page's service list). */
export async function boardProjectsByIds(prisma: PrismaClient, ids: string[]): Promise<Map<string, BoardProject>> {
  if (ids.length === 0) return new Map();
  const rows = (await prisma.project.findMany({ where: { id: { in: ids } }, include })) as ProjectRow[];
  const [names, figures] = await Promise.all([unitNamesOf(prisma, rows.map((r) => r.ownerUnitId)), orderFigures(prisma, rows.map((r) => r.id))]);
  return new Map(rows.map((r) => [r.id, toBoardProject(r, names, figures)]));
}
