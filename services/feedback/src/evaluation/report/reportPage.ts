// The annual report as a public page on the board (年度报告): no script, every value escaped by
// the `html` template, the same Content-Security-Policy as the board. Times are China time.
import { CHINA_TIME_LABEL, chinaDateTime } from '@diandan/domain';
import { Html, html } from '../../board/html';
import type { KpiRow } from '../../kpis/report';
import { percent, PROJECT_STATUS_NAMES, scoreText, type AnnualReport, type ReportSheet } from './annualReport';

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.6 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#f4f1ec;color:#2b2b2b}
header{background:#b7282e;color:#fff;padding:24px 16px 56px}header h1{margin:0 auto;max-width:1040px;font-size:26px;letter-spacing:2px}
header p{margin:4px auto 0;max-width:1040px;opacity:.85}
main{max-width:1040px;margin:-40px auto 40px;padding:0 16px}
.rates{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin-bottom:16px}
.rate{background:#fff;border-radius:10px;padding:14px 16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.rate b{display:block;font-size:28px;color:#b7282e}.rate span{color:#777;font-size:13px}
section.card{background:#fff;border-radius:10px;padding:16px 18px;margin-bottom:16px;box-shadow:0 1px 3px rgba(0,0,0,.08);overflow-x:auto}
section.card h2{font-size:18px;margin:0 0 10px}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{padding:6px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
th{color:#777;font-weight:500;white-space:nowrap}td.n{text-align:right;white-space:nowrap}
.draft{background:#fff4d6;border:1px solid #e8c56b;border-radius:8px;padding:8px 12px;margin-bottom:16px}
.downloads a{display:inline-block;margin-right:8px;color:#b7282e;text-decoration:none;padding:6px 14px;border:1px solid #b7282e;border-radius:6px;background:#fff}
footer{text-align:center;color:#999;font-size:12px;padding:20px}
@media (max-width:640px){.rates{grid-template-columns:1fr 1fr}}
`;
const STYLE = new Html(CSS);

function rateRow(row: KpiRow): Html {
  return html`<tr><td>${row.rank ?? '—'}</td><td>${row.name}</td><td class="n">${row.counters.placed}</td><td class="n">${row.counters.received}</td><td class="n">${row.counters.resolved}</td>
<td class="n">${percent(row.rates.response)}</td><td class="n">${percent(row.rates.resolution)}</td><td class="n">${percent(row.rates.satisfaction)}</td><td class="n">${row.counters.rated}</td></tr>`;
}

function sheetRows(report: AnnualReport, target: 'unit' | 'project', sheets: ReportSheet[]): Html {
  const criteria = report.criteria.filter((c) => c.target === target);
  if (sheets.length === 0) return html`<p>暂无评分。</p>`;
  return html`<table><thead><tr><th>${target === 'unit' ? '单位' : '项目'}</th>${criteria.map((c) => html`<th>${c.name}（${(c.share * 100).toFixed(0)}%，满分 ${c.maxScore}）</th>`)}<th>综合得分</th><th>评语</th></tr></thead>
<tbody>${sheets.map((s) => {
    const byId = new Map(s.scores.map((x) => [x.criterionId, x.score]));
    return html`<tr><td>${s.targetName}</td>${criteria.map((c) => html`<td class="n">${byId.get(c.id) ?? '—'}</td>`)}<td class="n"><b>${scoreText(s.total)}</b></td><td>${s.comment}</td></tr>`;
  })}</tbody></table>`;
}

export function renderAnnualReport(report: AnnualReport, downloadBase: string): string {
  const { cycle, rates } = report;
  const title = `${cycle.organisation} ${cycle.year} 年度报告`;
  return `<!doctype html>${html`<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · 回首望</title><style>${STYLE}</style></head>
<body>
<header><h1>${title}</h1><p>年初征集、全年实施、年底第三方评估 —— 办了什么、办得怎样、群众怎么评。</p></header>
<main>
  ${report.final ? '' : html`<p class="draft" role="status">草稿：评估尚未结束，评分仍可能修改。</p>`}
  <section class="rates" aria-label="${cycle.year} 年受理诉求">
    <div class="rate"><b>${rates.counters.placed}</b><span>受理诉求（${report.months.from} 至 ${report.months.to}）</span></div>
    <div class="rate"><b>${percent(rates.rates.response)}</b><span>响应率 · 应响应 ${rates.counters.responseReceived} 单</span></div>
    <div class="rate"><b>${percent(rates.rates.resolution)}</b><span>解决率 · 已解决 ${rates.counters.resolved} / ${rates.counters.received} 单</span></div>
    <div class="rate"><b>${percent(rates.rates.satisfaction)}</b><span>满意率 · ${rates.counters.rated} 人评价</span></div>
  </section>
  <p class="downloads"><a href="${downloadBase}.xlsx">下载 Excel</a><a href="${downloadBase}.pdf">下载 PDF</a></p>
  <section class="card"><h2>年度项目及成效</h2>
  ${report.projects.length === 0 ? html`<p>本年度没有项目。</p>` : html`<table><thead><tr><th>项目</th><th>承办单位</th><th>状态</th><th>进度</th><th>节点（按期/逾期/共）</th><th>关联诉求</th><th>完成时间（${CHINA_TIME_LABEL}）</th><th>成效</th></tr></thead>
  <tbody>${report.projects.map((p) => html`<tr><td>${p.title}</td><td>${p.ownerUnitName}</td><td>${PROJECT_STATUS_NAMES[p.status] ?? p.status}</td><td class="n">${p.percent}%</td>
  <td class="n">${p.milestonesReached} / ${p.milestonesMissed} / ${p.milestones}</td><td class="n">${p.orderCount}</td><td>${p.completedAt ? chinaDateTime(new Date(p.completedAt)) : '—'}</td><td>${p.result ?? '—'}</td></tr>`)}</tbody></table>`}
  </section>
  <section class="card"><h2>承办单位三率（${cycle.year} 年）</h2>
  <table><thead><tr><th>排名</th><th>单位</th><th>受理量</th><th>派单及即办量</th><th>已解决</th><th>响应率</th><th>解决率</th><th>满意率</th><th>评价数</th></tr></thead>
  <tbody>${report.units.map(rateRow)}</tbody></table></section>
  <section class="card"><h2>诉求类别</h2>
  <table><thead><tr><th>排名</th><th>类别</th><th>受理量</th><th>派单及即办量</th><th>已解决</th><th>响应率</th><th>解决率</th><th>满意率</th><th>评价数</th></tr></thead>
  <tbody>${report.categories.map(rateRow)}</tbody></table></section>
  <section class="card"><h2>第三方评估 · 单位评分</h2>${sheetRows(report, 'unit', report.unitScores)}</section>
  <section class="card"><h2>第三方评估 · 项目评分</h2>${sheetRows(report, 'project', report.projectScores)}</section>
</main>
<footer>生成于 ${chinaDateTime(new Date(report.generatedAt))}（${CHINA_TIME_LABEL}）。个人信息已隐去。综合得分按各项指标权重折算为百分制。</footer>
</body></html>`.text}`;
}
