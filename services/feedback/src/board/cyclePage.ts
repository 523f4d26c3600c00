// 年度公示 as pages: the list of years, and one page per cycle — its phases with dates (the current
// one marked), moved dates with their reasons, the year's service list (accepted proposals and
// their projects' progress), declined proposals with the public reason, and proposals still open.
// Same house as the other board pages: no script, scrubbed text (./cycleQuery.ts), China dates.
import type { BoardCycle, BoardCycleSummary, BoardProposal } from './cycleQuery';
import { Html, html } from './html';
import { BOARD_STYLE, boardNav } from './page';
import { PROJECT_STYLE, projectSummary } from './projectsPage';

const CYCLE_STYLE = new Html(`
ol.phases{list-style:none;margin:8px 0 0;padding:0;display:grid;grid-template-columns:repeat(7,1fr);gap:6px}
ol.phases li{border-radius:8px;padding:8px 6px;background:#f4f1ec;color:#777;font-size:13px;text-align:center}
ol.phases li b{display:block;font-size:14px;color:#555}
ol.phases li.done{background:#e6f4ea}ol.phases li.done b{color:#2e7d4f}
ol.phases li.current{background:#b7282e;color:#fff}ol.phases li.current b{color:#fff}
.figures{display:flex;flex-wrap:wrap;gap:8px 20px;font-size:14px;color:#555;margin-top:10px}.figures b{color:#b7282e;font-size:18px}
h2.section{font-size:18px;margin:24px 0 10px;color:#7d1a1f}
.reason{background:#fbf6ef;border-left:3px solid #d49a1f;padding:6px 10px;margin:8px 0 0;font-size:14px}
.reason.accepted{border-left-color:#2e8b57}
.sub{margin-top:10px;padding-top:10px;border-top:1px dashed #eadcdc}
ul.moves{margin:8px 0 0;padding-left:18px;font-size:14px}
.card a.title{color:inherit}
@media (max-width:720px){ol.phases{grid-template-columns:repeat(2,1fr)}}
`);

/** China day of an instant. */
const day = (iso: string): string => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
/**
 * The last China day of a phase from `start` to `end`: the day before the next one begins (it
 * begins that morning), or that same day for a phase shorter than a day (a date moved forward).
 */
function lastDay(start: string, end: string): string {
  const before = new Date(Date.parse(end) + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
  return before < day(start) ? day(end) : before;
}

function shell(title: string, body: Html): string {
  return `<!doctype html>${html`<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · 回首望</title><style>${BOARD_STYLE}${PROJECT_STYLE}${CYCLE_STYLE}</style></head>
<body>
<header><h1>回首望 · 年度公示</h1><p>年初公开征集群众提议，联席会议遴选形成年度服务清单，全年组织实施，年底第三方评估，结果向社会公开。</p>${boardNav('cycles')}</header>
<main>${body}</main>
<footer>个人信息已隐去（姓名、电话、证件号、门牌号）。附议只公布人数。日期为北京时间。</footer>
</body></html>`.text}`;
}

export function renderCycles(cycles: readonly BoardCycleSummary[]): string {
  return shell(
    '年度公示',
    cycles.length === 0
      ? html`<p class="empty">暂无年度周期。</p>`
      : html`${cycles.map(
          (c) => html`<article class="card" data-cycle="${c.id}"><div class="meta"><span class="tag">${c.year} 年</span><span>当前阶段：${c.phaseName}</span></div>
  <h2><a class="title" href="/board/cycles/${c.id}">${c.year} 年 · ${c.organisation.name} 年度服务</a></h2></article>`,
        )}`,
  );
}

function proposalMeta(p: BoardProposal): Html {
  return html`<div class="meta"><span class="tag">${p.category?.name ?? '未分类'}</span>${p.area ? html`<span>${p.area.name}</span>` : ''}<span>提议 ${p.reference} · ${day(p.createdAt)}</span><span>${p.supportCount} 人附议</span></div>`;
}

function proposalCard(p: BoardProposal, reasonLabel: string | null): Html {
  return html`<article class="card" data-proposal="${p.reference}">${proposalMeta(p)}
  <h2>${p.title}</h2><p>${p.content}</p>
  ${reasonLabel && p.reason ? html`<p class="reason" data-testid="decline-reason"><b>${reasonLabel}：</b>${p.reason}${p.decidedAt ? `（${day(p.decidedAt)}）` : ''}</p>` : ''}</article>`;
}

export function renderCycle(c: BoardCycle): string {
  const moves = c.dateMoves.length
    ? html`<div class="sub"><b>日期调整</b><ul class="moves">${c.dateMoves.map((m) => html`<li>${m.name}：${day(m.from)} → ${day(m.to)}。原因：${m.reason}</li>`)}</ul></div>`
    : '';
  return shell(
    `${c.year} 年度公示`,
    html`<article class="card" aria-label="年度阶段">
    <div class="meta"><span class="tag">${c.year} 年</span><span>${c.organisation.name}</span><span class="badge fair">当前阶段：${c.phaseName}</span></div>
    <h2>${c.year} 年 · ${c.organisation.name} 年度服务</h2>
    <ol class="phases">${c.phases.map(
      (p) => html`<li class="${p.state}"${p.state === 'current' ? html` aria-current="step"` : ''}><b>${p.name}</b>${day(p.startsAt)}<br>至 ${lastDay(p.startsAt, p.endsAt)}</li>`,
    )}</ol>
    <div class="figures"><span>征集提议 <b>${c.counts.open + c.counts.accepted + c.counts.declined}</b> 件</span><span>附议 <b>${c.counts.supports}</b> 人次</span><span>采纳 <b>${c.counts.accepted}</b> 件</span><span>未采纳 <b>${c.counts.declined}</b> 件</span>${c.counts.merged ? html`<span>合并重复 <b>${c.counts.merged}</b> 件</span>` : ''}</div>
    ${moves}
    ${c.report.url ? html`<div class="sub"><a href="${c.report.url}">查看年度报告（第三方评估结果）</a></div>` : ''}
  </article>
  <h2 class="section">年度服务清单（${c.serviceList.length}）</h2>
  ${c.serviceList.length === 0
    ? html`<p class="empty">联席会议尚未采纳提议。</p>`
    : c.serviceList.map(
        ({ proposal, project }) => html`<article class="card" data-proposal="${proposal.reference}">${project ? projectSummary(project, true) : html`<h2>${proposal.title}</h2><p class="meta">项目立项中</p>`}
  <div class="sub">${proposalMeta(proposal)}<p>来自群众提议：${proposal.title}</p>${proposal.reason ? html`<p class="reason accepted"><b>采纳理由：</b>${proposal.reason}</p>` : ''}</div></article>`,
      )}
  <h2 class="section">未采纳的提议（${c.declined.length}）</h2>
  ${c.declined.length === 0 ? html`<p class="empty">没有未采纳的提议。</p>` : c.declined.map((p) => proposalCard(p, '未采纳理由'))}
  ${c.open.length ? html`<h2 class="section">${c.phase === 'solicitation' ? '正在征集的提议' : c.phase === 'selection' ? '待审议的提议' : '未作决定的提议'}（${c.open.length}）</h2>${c.open.map((p) => proposalCard(p, null))}` : ''}
  <p><a href="/board/cycles">← 全部年度</a></p>`,
  );
}
