// 年度报告: the cycle's results (projects and their outcomes, the year's orders), the evaluators'
// scores and the residents' satisfaction (the three rates, from the same rollup and code as
// GET /v1/kpis), gathered once and then written as JSON, an HTML page, XLSX and PDF. Every figure
// in every format comes from this one object, so they cannot disagree with each other.
import { chinaIso, chinaIsoOrNull, type CriterionScore } from '@diandan/domain';
import type { PrismaClient } from '@diandan/platform';
import { kpiReport, type KpiRow, type RateSettings } from '../../kpis/report';
import { scrub } from '../../scrub';
import { criteriaOf, type CriterionView } from '../criteria';
import { EVALUATION_PHASE, isPublished, type CycleView } from '../cycles';
import { sheetView } from '../sheets';

export interface ReportProject {
  id: string;
  title: string;
  ownerUnitId: string;
  ownerUnitName: string;
  status: string;
  percent: number;
  orderCount: number;
  milestones: number;
  milestonesReached: number;
  milestonesMissed: number;
  /** China time (+08:00). */
  completedAt: string | null;
  result: string | null;
}

export interface ReportSheet {
  targetId: string;
  targetName: string;
  scores: CriterionScore[];
  total: number | null;
  complete: boolean;
  comment: string;
  revision: number;
  evaluatorName: string;
  /** China time (+08:00). */
  updatedAt: string;
}

export interface AnnualReport {
  cycle: { id: string; organisation: string; year: number; phase: string };
  /** false while scores may still change (the evaluation phase is open or has not begun): a draft. */
  final: boolean;
  /** China time (+08:00). */
  generatedAt: string;
  months: { from: string; to: string };
  /** The year's orders and the three rates over all of them (the rollup's totals). */
  rates: KpiRow;
  /** The three rates per unit, ranked (as GET /v1/kpis?by=unit for the year). */
  units: KpiRow[];
  /** Orders and rates per category. */
  categories: KpiRow[];
  projects: ReportProject[];
  criteria: CriterionView[];
  unitScores: ReportSheet[];
  projectScores: ReportSheet[];
}

export async function annualReport(prisma: PrismaClient, cycle: CycleView, settings: RateSettings, now = new Date()): Promise<AnnualReport> {
  const months = { from: `${cycle.year}-01`, to: `${cycle.year}-12` };
  const [byUnit, byCategory, projects, criteria, sheets, units] = await Promise.all([
    kpiReport(prisma, { by: 'unit', ...months }, settings),
    kpiReport(prisma, { by: 'category', ...months }, settings),
    prisma.project.findMany({ where: { cycleId: cycle.id }, include: { milestones: { select: { state: true } } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    criteriaOf(prisma, cycle.id),
    prisma.evaluationSheet.findMany({ where: { cycleId: cycle.id } }),
    prisma.unit.findMany({ select: { id: true, name: true } }),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const projectTitle = new Map(projects.map((p) => [p.id, p.title]));
  const sheetsOf = (target: 'unit' | 'project') =>
    sheets
      .filter((s) => s.target === target)
      .map((s) => {
        const v = sheetView(s, criteria);
        return {
          targetId: s.targetId,
          targetName: (target === 'unit' ? unitName.get(s.targetId) : projectTitle.get(s.targetId)) ?? s.targetId,
          scores: v.scores,
          total: v.total,
          complete: v.complete,
          comment: v.comment,
          revision: v.revision,
          evaluatorName: v.evaluatorName,
          updatedAt: v.updatedAt,
        };
      })
      // Best total first; sheets without a total (incomplete) after, by name.
      .sort((a, b) => (b.total ?? -1) - (a.total ?? -1) || a.targetName.localeCompare(b.targetName, 'zh'));

  return {
    cycle: { id: cycle.id, organisation: cycle.organisation, year: cycle.year, phase: cycle.phase },
    final: isPublished(cycle.phase),
    generatedAt: chinaIso(now),
    months,
    rates: byUnit.total,
    units: byUnit.rows,
    categories: byCategory.rows,
    projects: projects.map((p) => ({
      id: p.id,
      title: p.title,
      ownerUnitId: p.ownerUnitId,
      ownerUnitName: unitName.get(p.ownerUnitId) ?? p.ownerUnitId,
      status: p.status,
      percent: p.percent,
      orderCount: p.orderCount,
      milestones: p.milestones.length,
      milestonesReached: p.milestones.filter((m) => m.state === 'reached').length,
      milestonesMissed: p.milestones.filter((m) => m.state === 'missed').length,
      completedAt: chinaIsoOrNull(p.completedAt),
      result: p.result === null ? null : scrub(p.result),
    })),
    criteria,
    unitScores: sheetsOf('unit'),
    projectScores: sheetsOf('project'),
  };
}

export const PROJECT_STATUS_NAMES: Record<string, string> = { active: '实施中', completed: '已完成' };
export const percent = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
export const scoreText = (s: number | null): string => (s === null ? '未完成' : s.toFixed(2));
export { EVALUATION_PHASE };
