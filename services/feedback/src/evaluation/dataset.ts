// The evaluator's data set for one cycle (read-only, anonymised): the cycle's projects, the year's
// orders (as the evaluator export: scrubbed, no tracking code, address or contact), the three
// rates per unit, and the callbacks (回访) recorded on the year's orders. Times are China time.
import { chinaDateTime, chinaIsoOrNull } from '@diandan/domain';
import type { PrismaClient } from '@diandan/platform';
import type { Column } from '../evaluator/exports';
import { monthStart, nextMonth } from '../kpis/facts';
import { scrub } from '../scrub';
import type { CycleView } from './cycles';

export const DATASET_PARTS = ['projects', 'orders', 'kpis', 'callbacks'] as const;
export type DatasetPart = (typeof DATASET_PARTS)[number];

export const yearRange = (year: number) => ({ from: `${year}-01`, to: `${year}-12` });
const yearWhere = (year: number) => ({ gte: monthStart(`${year}-01`), lt: monthStart(nextMonth(`${year}-12`)) });

export interface DatasetProject {
  projectId: string;
  title: string;
  origin: string;
  ownerUnit: string;
  status: string;
  percent: number;
  orderCount: number;
  overdue: boolean;
  milestones: number;
  milestonesReached: number;
  milestonesMissed: number;
  /** China time (+08:00) in JSON; `YYYY-MM-DD HH:mm:ss` China time in files. */
  createdAt: string | null;
  completedAt: string | null;
  result: string;
}

export const PROJECT_COLUMNS: Column<DatasetProject>[] = [
  { key: 'projectId', header: '项目编号', width: 38 },
  { key: 'title', header: '项目', width: 28 },
  { key: 'origin', header: '来源' },
  { key: 'ownerUnit', header: '承办单位', width: 20 },
  { key: 'status', header: '状态' },
  { key: 'percent', header: '进度 %' },
  { key: 'orderCount', header: '关联诉求' },
  { key: 'overdue', header: '逾期' },
  { key: 'milestones', header: '节点数' },
  { key: 'milestonesReached', header: '按期完成节点' },
  { key: 'milestonesMissed', header: '逾期节点' },
  { key: 'createdAt', header: '立项时间（北京时间）', width: 22 },
  { key: 'completedAt', header: '完成时间（北京时间）', width: 22 },
  { key: 'result', header: '成效（已脱敏）', width: 40 },
];

export async function datasetProjects(prisma: PrismaClient, cycle: CycleView, timeFormat: 'json' | 'file'): Promise<DatasetProject[]> {
  const [projects, units] = await Promise.all([
    prisma.project.findMany({ where: { cycleId: cycle.id }, include: { milestones: { select: { state: true } } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    prisma.unit.findMany({ select: { id: true, name: true } }),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const time = (d: Date | null) => (timeFormat === 'json' ? chinaIsoOrNull(d) : d ? chinaDateTime(d) : '');
  return projects.map((p) => ({
    projectId: p.id,
    title: p.title,
    origin: p.origin,
    ownerUnit: unitName.get(p.ownerUnitId) ?? p.ownerUnitId,
    status: p.status,
    percent: p.percent,
    orderCount: p.orderCount,
    overdue: p.overdue,
    milestones: p.milestones.length,
    milestonesReached: p.milestones.filter((m) => m.state === 'reached').length,
    milestonesMissed: p.milestones.filter((m) => m.state === 'missed').length,
    createdAt: time(p.createdAt),
    completedAt: time(p.completedAt),
    result: scrub(p.result ?? ''),
  }));
}

export interface DatasetCallback {
  id: string;
  orderId: string;
  sample: string;
  outcome: string;
  rating: string;
  resolved: string;
  note: string;
  evaluatorId: string;
  recordedAt: string;
}

export const CALLBACK_COLUMNS: Column<DatasetCallback>[] = [
  { key: 'id', header: '记录编号', width: 38 },
  { key: 'orderId', header: '订单编号', width: 38 },
  { key: 'sample', header: '样本', width: 24 },
  { key: 'outcome', header: '结果' },
  { key: 'rating', header: '回访评价' },
  { key: 'resolved', header: '是否解决' },
  { key: 'note', header: '备注（已脱敏）', width: 40 },
  { key: 'evaluatorId', header: '评估人', width: 38 },
  { key: 'recordedAt', header: '记录时间（北京时间）', width: 22 },
];

/** Callbacks recorded on orders placed in the cycle's year. */
export async function datasetCallbacks(prisma: PrismaClient, cycle: CycleView, timeFormat: 'json' | 'file'): Promise<DatasetCallback[]> {
  const range = yearWhere(cycle.year);
  const rows = await prisma.$queryRaw<Array<{ id: string; orderId: string; sample: string | null; outcome: string; rating: string | null; resolved: boolean | null; note: string; evaluatorId: string; recordedAt: Date }>>`
    SELECT c.id::text, c."orderId"::text, c.sample, c.outcome, c.rating, c.resolved, c.note, c."evaluatorId", c."recordedAt"
    FROM "CallbackRecord" c JOIN "Order" o ON o.id = c."orderId"
    WHERE o."placedAt" >= ${range.gte} AND o."placedAt" < ${range.lt}
    ORDER BY c."recordedAt", c.id LIMIT 100000`;
  return rows.map((r) => ({
    id: r.id,
    orderId: r.orderId,
    sample: r.sample ?? '',
    outcome: r.outcome,
    rating: r.rating ?? '',
    resolved: r.resolved === null ? '' : r.resolved ? '是' : '否',
    note: r.note,
    evaluatorId: r.evaluatorId,
    recordedAt: timeFormat === 'json' ? chinaIsoOrNull(r.recordedAt)! : chinaDateTime(r.recordedAt),
  }));
}
