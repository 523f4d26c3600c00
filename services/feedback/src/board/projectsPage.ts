// 项目公示: the board's projects as pages — a card per project with its progress bar, milestones
// and how the residents rated the orders it carried; one page per project with its timeline.
// Same house as the orders' board (page.ts): no script, scrubbed text, China dates.
import type { BoardMilestone, BoardProject, BoardProjectDetail, BoardProjectsPage, BoardProjectsQuery } from './projectsQuery';
import { PROJECT_ORIGIN_LABELS } from './projectsQuery';
import { Html, html } from './html';
import { satisfactionOf } from '../kpis/report';
import { BOARD_STYLE, boardNav } from './page';

export const PROJECT_STYLE = new Html(`
.bar{height:10px;background:#f0e6e6;border-radius:5px;overflow:hidden;margin:8px 0 4px}.bar i{display:block;height:100%;background:#b7282e}
.bar.done i{background:#2e8b57}
ol.ms{list-style:none;margin:8px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
ol.ms li{font-size:13px;border-radius:6px;padding:2px 10px;background:#f4f1ec;color:#555}
ol.ms li.reached{background:#e6f4ea;color:#2e7d4f}ol.ms li.missed{background:#fbeaea;color:#b7282e}ol.ms li.warned{background:#fff4e0;color:#a86a00}
.card a.title{color:inherit;text-decoration:none}.card a.title:hover{text-decoration:underline}
ol.tl{list-style:none;margin:0;padding:0;border-left:2px solid #eadcdc}
ol.tl li{position:relative;padding:0 0 14px 16px}ol.tl li:before{content:"";position:absolute;left:-6px;top:6px;width:10px;height:10px;border-radius:50%;background:#b7282e}
ol.tl time{display:block;font-size:12px;color:#999}
.counts{display:flex;gap:8px;margin:0 0 12px}.counts a{color:#b7282e;text-decoration:none;background:#fff;border-radius:16px;padding:3px 14px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.counts a.on{background:#7d1a1f;color:#fff;box-shadow:inset 0 0 0 1px #fff}
`);

const day = (iso: string): string => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
const STATE_LABELS: Record<BoardMilestone['state'], string> = { open: '未到期', warned: '临近期限', missed: '已逾期', reached: '已完成' };
const EVENT_LABELS: Record<string, string> = {
  'project.created': '立项',
  'project.progress_reported': '进展',
  'project.milestone_reached': '节点完成',
  'project.milestone_missed': '节点逾期，已上报上级督办',
  'project.completed': '项目完成',
};

/** The three rates' own definition of satisfaction (kpis/report.ts), over the project's orders. */
function satisfaction(orders: BoardProject['orders']): string {
  const rate = satisfactionOf(orders);
  return rate === null ? '尚无评价' : `满意率 ${(rate * 100).toFixed(1)}%（${orders.rated} 人评价）`;
}

function badge(p: BoardProject): Html {
  if (p.status === 'completed') return html`<span class="badge good">已完成</span>`;
  if (p.overdue) return html`<span class="badge poor">有节点逾期</span>`;
  return html`<span class="badge fair">进行中</span>`;
}

function milestones(list: readonly BoardMilestone[]): Html {
  return html`<ol class="ms" aria-label="节点">${list.map(
    (m) => html`<li class="${m.state}">${m.name} · ${m.state === 'reached' && m.reachedAt ? `${day(m.reachedAt)} 完成` : `${day(m.dueAt)} 前`}（${STATE_LABELS[m.state]}）</li>`,
  )}</ol>`;
}

/** A project's card body (also on the year page, ./cyclePage.ts). */
export function projectSummary(p: BoardProject, link: boolean): Html {
  return html`<div class="meta">
    <span class="tag">${PROJECT_ORIGIN_LABELS[p.origin] ?? p.origin}</span>
    <span>${p.unit.name}</span>
    <span>立项 ${day(p.createdAt)}${p.completedAt ? ` · 完成 ${day(p.completedAt)}` : ''}</span>
    ${badge(p)}
  </div>
  <h2>${link ? html`<a class="title" href="/board/projects/${p.id}">${p.title}</a>` : p.title}</h2>
  <div class="bar${p.status === 'completed' ? ' done' : ''}" role="progressbar" aria-valuenow="${p.percent}" aria-valuemin="0" aria-valuemax="100"><i style="width:${p.percent}%"></i></div>
  <div class="meta"><span>进度 ${p.percent}%</span><span>关联诉求 ${p.orders.linked} 件，已办结 ${p.orders.resolved} 件</span><span>${satisfaction(p.orders)}</span>${p.budget ? html`<span>预算 ${p.budget} 元</span>` : ''}</div>
  ${milestones(p.milestones)}`;
}

function shell(title: string, body: Html): string {
  return `<!doctype html>${html`<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · 回首望</title><style>${BOARD_STYLE}${PROJECT_STYLE}</style></head>
<body>
<header><h1>回首望 · 项目公示</h1><p>群众的共同需求，打包成项目一件件办：进度、节点和群众评价都在这里。</p>${boardNav('projects')}</header>
<main>${body}</main>
<footer>个人信息已隐去（姓名、电话、证件号、门牌号）。数据随办理进度更新。</footer>
</body></html>`.text}`;
}

function listLink(query: BoardProjectsQuery, changes: Partial<BoardProjectsQuery>): string {
  const next = { ...query, ...changes };
  const params = new URLSearchParams();
  if (next.status) params.set('status', next.status);
  if (next.origin) params.set('origin', next.origin);
  if (next.unit) params.set('unit', next.unit);
  if (next.page > 1) params.set('page', String(next.page));
  const text = params.toString();
  return `/board/projects${text ? `?${text}` : ''}`;
}

export function renderProjects(page: BoardProjectsPage, query: BoardProjectsQuery): string {
  const tab = (status: BoardProjectsQuery['status'], label: string) =>
    html`<a class="${query.status === status ? 'on' : ''}" href="${listLink(query, { status, page: 1 })}">${label}</a>`;
  return shell(
    '项目公示',
    html`<nav class="counts" aria-label="项目状态">
    ${tab(undefined, `全部 ${page.counts.active + page.counts.completed}`)}${tab('active', `进行中 ${page.counts.active}`)}${tab('completed', `已完成 ${page.counts.completed}`)}
  </nav>
  ${page.items.length === 0 ? html`<p class="empty">暂无项目。</p>` : page.items.map((p) => html`<article class="card" data-project="${p.id}">${projectSummary(p, true)}</article>`)}
  <nav class="pages">
    ${page.page > 1 ? html`<a href="${listLink(query, { page: page.page - 1 })}">上一页</a>` : html`<span class="off">上一页</span>`}
    <span>第 ${page.page} 页</span>
    ${page.hasNext ? html`<a href="${listLink(query, { page: page.page + 1 })}">下一页</a>` : html`<span class="off">下一页</span>`}
  </nav>`,
  );
}

export function renderProject(p: BoardProjectDetail): string {
  return shell(
    p.title,
    html`<article class="card">${projectSummary(p, false)}
    ${p.description ? html`<p>${p.description}</p>` : ''}
    ${p.result ? html`<dl><dt>完成情况</dt><dd>${p.result}</dd></dl>` : ''}
  </article>
  <article class="card" aria-label="办理过程">
    <h2>办理过程</h2>
    <ol class="tl">${p.timeline.map(
      (e) => html`<li><b>${EVENT_LABELS[e.type] ?? e.type}${e.percent === null ? '' : `（${e.percent}%）`}</b>${e.text ? html`<div>${e.text}</div>` : ''}<time datetime="${e.at}">${day(e.at)}</time></li>`,
    )}</ol>
  </article>
  <p><a href="/board/projects">← 全部项目</a></p>`,
  );
}
