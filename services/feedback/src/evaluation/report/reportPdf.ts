// The annual report as a PDF (pdfmake on pdfkit: tables that break across pages with their header
// repeated, fonts embedded as subsets). Chinese needs a CJK font: Noto Sans CJK SC from Debian's
// fonts-noto-cjk (installed by `npm run up`, as the browser suite needs it too), or REPORT_PDF_FONT /
// REPORT_PDF_FONT_BOLD. Only the glyphs used are embedded (a report is ~100–300 KB).
import { existsSync } from 'node:fs';
import pdfmake from 'pdfmake';
import type { Content, TableCell, TDocumentDefinitions, TFontDictionary } from 'pdfmake/interfaces';
import { CHINA_TIME_LABEL, chinaDateTime } from '@diandan/domain';
import { HttpError } from '@diandan/platform';
import type { KpiRow } from '../../kpis/report';
import { percent, PROJECT_STATUS_NAMES, scoreText, type AnnualReport, type ReportSheet } from './annualReport';

const NOTO_DIR = '/usr/share/fonts/opentype/noto';

/** A font file, or a font of a collection (.ttc) named by its PostScript name. */
export type FontSource = string | [string, string];

export interface ReportFonts {
  normal: FontSource;
  bold: FontSource;
}

/** The CJK fonts the PDF is set in: REPORT_PDF_FONT(_BOLD) if given, else Debian's Noto Sans CJK SC; null when neither is there. */
export function reportFonts(env: NodeJS.ProcessEnv = process.env): ReportFonts | null {
  const normal: FontSource = env.REPORT_PDF_FONT || [`${NOTO_DIR}/NotoSansCJK-Regular.ttc`, 'NotoSansCJKsc-Regular'];
  const bold: FontSource = env.REPORT_PDF_FONT_BOLD || (env.REPORT_PDF_FONT ? normal : [`${NOTO_DIR}/NotoSansCJK-Bold.ttc`, 'NotoSansCJKsc-Bold']);
  const file = (s: FontSource) => (typeof s === 'string' ? s : s[0]);
  return existsSync(file(normal)) && existsSync(file(bold)) ? { normal, bold } : null;
}

let configured: string | undefined;
function useFonts(fonts: ReportFonts): void {
  const key = JSON.stringify(fonts);
  if (configured === key) return;
  const files = new Set([fonts.normal, fonts.bold].map((s) => (typeof s === 'string' ? s : s[0])));
  pdfmake.setFonts({ Report: { normal: fonts.normal, bold: fonts.bold, italics: fonts.normal, bolditalics: fonts.bold } } as unknown as TFontDictionary);
  // The document is built from our own data, but pdfmake would fetch any URL or read any file an
  // image or font entry named: allow only the font files.
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => files.has(path));
  configured = key;
}

const head = (...cells: string[]): TableCell[] => cells.map((text) => ({ text, style: 'th' }));
const num = (value: string | number | null): TableCell => ({ text: value === null ? '—' : String(value), alignment: 'right' });

function rateTable(rows: KpiRow[], label: string): Content {
  return {
    table: {
      headerRows: 1,
      widths: [24, '*', 40, 52, 40, 46, 46, 46, 40],
      body: [
        head('排名', label, '受理量', '派单及即办', '已解决', '响应率', '解决率', '满意率', '评价数'),
        ...rows.map((r) => [num(r.rank), r.name, num(r.counters.placed), num(r.counters.received), num(r.counters.resolved), num(percent(r.rates.response)), num(percent(r.rates.resolution)), num(percent(r.rates.satisfaction)), num(r.counters.rated)]),
      ],
    },
    layout: 'lightHorizontalLines',
    fontSize: 8,
  };
}

function scoreTable(report: AnnualReport, target: 'unit' | 'project', sheets: ReportSheet[]): Content {
  const criteria = report.criteria.filter((c) => c.target === target);
  if (sheets.length === 0) return { text: '暂无评分。', margin: [0, 0, 0, 8] };
  return {
    table: {
      headerRows: 1,
      widths: ['*', ...criteria.map(() => 50), 46, '*'],
      body: [
        head(target === 'unit' ? '单位' : '项目', ...criteria.map((c) => `${c.name}（${(c.share * 100).toFixed(0)}%/${c.maxScore}）`), '综合得分', '评语'),
        ...sheets.map((s) => {
          const byId = new Map(s.scores.map((x) => [x.criterionId, x.score]));
          return [s.targetName, ...criteria.map((c) => num(byId.get(c.id) ?? null)), { text: scoreText(s.total), alignment: 'right', bold: true } as TableCell, s.comment || '—'];
        }),
      ],
    },
    layout: 'lightHorizontalLines',
    fontSize: 8,
  };
}

export function reportDocument(report: AnnualReport): TDocumentDefinitions {
  const { cycle, rates } = report;
  const title = `${cycle.organisation} ${cycle.year} 年度报告`;
  const generated = `生成于 ${chinaDateTime(new Date(report.generatedAt))}（${CHINA_TIME_LABEL}）`;
  return {
    info: { title, creator: 'diandan' },
    pageSize: 'A4',
    pageMargins: [40, 50, 40, 50],
    defaultStyle: { font: 'Report', fontSize: 10, lineHeight: 1.25 },
    styles: { h1: { fontSize: 20, bold: true, color: '#b7282e' }, h2: { fontSize: 13, bold: true, margin: [0, 14, 0, 6] }, th: { bold: true, color: '#555' }, muted: { color: '#777', fontSize: 9 } },
    footer: (page, pages) => ({ text: `${title} · 第 ${page} / ${pages} 页 · ${generated}`, style: 'muted', alignment: 'center', margin: [0, 20, 0, 0] }),
    content: [
      { text: title, style: 'h1' },
      { text: report.final ? '定稿：评估已结束，评分已冻结。' : '草稿：评估尚未结束，评分仍可能修改。', style: 'muted', margin: [0, 4, 0, 10] },
      {
        table: {
          widths: ['*', '*', '*', '*'],
          body: [
            head(`受理诉求（${report.months.from} 至 ${report.months.to}）`, '响应率', '解决率', '满意率'),
            [
              { text: String(rates.counters.placed), fontSize: 16, bold: true },
              { text: percent(rates.rates.response), fontSize: 16, bold: true },
              { text: percent(rates.rates.resolution), fontSize: 16, bold: true },
              { text: percent(rates.rates.satisfaction), fontSize: 16, bold: true },
            ],
            [
              { text: `派单及即办 ${rates.counters.received} 单`, style: 'muted' },
              { text: `应响应 ${rates.counters.responseReceived} 单`, style: 'muted' },
              { text: `已解决 ${rates.counters.resolved} 单`, style: 'muted' },
              { text: `${rates.counters.rated} 人评价`, style: 'muted' },
            ],
          ],
        },
        layout: 'noBorders',
      },
      { text: '年度项目及成效', style: 'h2' },
      report.projects.length === 0
        ? { text: '本年度没有项目。' }
        : {
            table: {
              headerRows: 1,
              widths: ['*', 70, 36, 30, 46, 36, '*'],
              body: [
                head('项目', '承办单位', '状态', '进度', '节点 按期/逾期/共', '关联诉求', '成效'),
                ...report.projects.map((p) => [p.title, p.ownerUnitName, PROJECT_STATUS_NAMES[p.status] ?? p.status, num(`${p.percent}%`), num(`${p.milestonesReached}/${p.milestonesMissed}/${p.milestones}`), num(p.orderCount), p.result ?? '—']),
              ],
            },
            layout: 'lightHorizontalLines',
            fontSize: 8,
          },
      { text: `承办单位三率（${cycle.year} 年）`, style: 'h2' },
      rateTable(report.units, '单位'),
      { text: '诉求类别', style: 'h2' },
      rateTable(report.categories, '类别'),
      { text: '第三方评估 · 单位评分', style: 'h2' },
      scoreTable(report, 'unit', report.unitScores),
      { text: '第三方评估 · 项目评分', style: 'h2' },
      scoreTable(report, 'project', report.projectScores),
      { text: '综合得分按各项指标权重折算为百分制；个人信息已隐去。', style: 'muted', margin: [0, 12, 0, 0] },
    ],
  };
}

/** The report as PDF bytes; 503 when no CJK font is installed (a PDF of boxes helps nobody). */
export async function reportPdf(report: AnnualReport, fonts: ReportFonts | null = reportFonts()): Promise<Buffer> {
  if (!fonts) throw new HttpError(503, 'pdf_font_missing', 'no CJK font for the PDF: install fonts-noto-cjk or set REPORT_PDF_FONT');
  useFonts(fonts);
  return pdfmake.createPdf(reportDocument(report)).getBuffer();
}
