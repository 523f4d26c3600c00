// The annual report as an Excel workbook (exceljs, as the evaluator exports): one sheet per part,
// numbers as numbers (rates as fractions with a percent format), times as China-time text.
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { CHINA_TIME_LABEL, chinaDateTime } from '@diandan/domain';
import type { KpiRow } from '../../kpis/report';
import { PROJECT_STATUS_NAMES, type AnnualReport, type ReportSheet } from './annualReport';

const chinaText = (iso: string | null): string => (iso ? chinaDateTime(new Date(iso)) : '');

function addTable(workbook: ExcelJS.Workbook, name: string, headers: Array<[string, number]>, rows: unknown[][], percentColumns: number[] = []): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = headers.map(([header, width]) => ({ header, width }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
  for (const c of percentColumns) sheet.getColumn(c).numFmt = '0.0%';
  return sheet;
}

const RATE_HEADERS: Array<[string, number]> = [
  ['排名', 6], ['名称', 22], ['受理量', 9], ['派单及即办量', 12], ['应响应量', 9], ['按时响应', 9], ['已解决', 9], ['满意', 7], ['基本满意', 9], ['不满意', 8], ['响应率', 9], ['解决率', 9], ['满意率', 9], ['综合得分', 9],
];
const rateCells = (r: KpiRow): unknown[] => [
  r.rank, r.name, r.counters.placed, r.counters.received, r.counters.responseReceived, r.counters.respondedOnTime, r.counters.resolved,
  r.counters.satisfied, r.counters.basicallySatisfied, r.counters.dissatisfied, r.rates.response, r.rates.resolution, r.rates.satisfaction, r.rates.composite,
];

function scoreTable(workbook: ExcelJS.Workbook, name: string, report: AnnualReport, target: 'unit' | 'project', sheets: ReportSheet[]): void {
  const criteria = report.criteria.filter((c) => c.target === target);
  addTable(
    workbook,
    name,
    [[target === 'unit' ? '单位' : '项目', 24], ...criteria.map((c): [string, number] => [`${c.name}（权重 ${(c.share * 100).toFixed(1)}%，满分 ${c.maxScore}）`, 16]), ['综合得分（百分制）', 12], ['评语', 40], ['评分人', 12], ['版本', 6], [`最后修改（${CHINA_TIME_LABEL}）`, 20]],
    sheets.map((s) => {
      const byId = new Map(s.scores.map((x) => [x.criterionId, x.score]));
      return [s.targetName, ...criteria.map((c) => byId.get(c.id) ?? null), s.total, s.comment, s.evaluatorName, s.revision, chinaText(s.updatedAt)];
    }),
  );
}

export async function writeReportXlsx(out: Writable, report: AnnualReport): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'diandan';
  const { cycle, rates } = report;
  const overview = addTable(workbook, '概览', [['项目', 24], ['数值', 40]], [
    ['组织', cycle.organisation],
    ['年度', cycle.year],
    ['周期', cycle.id],
    ['阶段', cycle.phase],
    ['状态', report.final ? '定稿（评分已冻结）' : '草稿（评估未结束）'],
    [`生成时间（${CHINA_TIME_LABEL}）`, chinaText(report.generatedAt)],
    ['受理量', rates.counters.placed],
    ['派单及即办量', rates.counters.received],
    ['已解决', rates.counters.resolved],
    ['评价数', rates.counters.rated],
    ['响应率', rates.rates.response],
    ['解决率', rates.rates.resolution],
    ['满意率', rates.rates.satisfaction],
    ['项目数', report.projects.length],
  ]);
  for (const row of [11, 12, 13]) overview.getCell(row + 1, 2).numFmt = '0.0%';
  addTable(
    workbook,
    '项目',
    [['项目', 28], ['承办单位', 20], ['状态', 8], ['进度 %', 8], ['节点数', 8], ['按期完成节点', 12], ['逾期节点', 10], ['关联诉求', 10], [`完成时间（${CHINA_TIME_LABEL}）`, 20], ['成效', 40]],
    report.projects.map((p) => [p.title, p.ownerUnitName, PROJECT_STATUS_NAMES[p.status] ?? p.status, p.percent, p.milestones, p.milestonesReached, p.milestonesMissed, p.orderCount, chinaText(p.completedAt), p.result ?? '']),
  );
  addTable(workbook, '单位三率', RATE_HEADERS, [...report.units.map(rateCells), rateCells({ ...rates, name: '合计', rank: null })], [11, 12, 13, 14]);
  addTable(workbook, '类别', RATE_HEADERS, report.categories.map(rateCells), [11, 12, 13, 14]);
  scoreTable(workbook, '单位评分', report, 'unit', report.unitScores);
  scoreTable(workbook, '项目评分', report, 'project', report.projectScores);
  await workbook.xlsx.write(out);
}
