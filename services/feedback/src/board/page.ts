// The board 回首望 as a page people would rather look at than read: the three rates of the
// selection on top, then one card per handled order, filters and pages. No script at all.
import type { KpiReport } from '../kpis/report';
import type { BoardFilter, BoardItem, BoardPage } from './boardQuery';
import { Html, html } from './html';

export interface BoardOptions {
  categories: Array<{ code: string; name: string }>;
  streets: Array<{ id: string; name: string }>;
  units: Array<{ id: string; name: string }>;
}

const RATING_LABELS: Record<string, [string, string]> = {
  satisfied: ['满意', 'good'],
  basically_satisfied: ['基本满意', 'fair'],
  dissatisfied: ['不满意', 'poor'],
};

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.6 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#f4f1ec;color:#2b2b2b}
header{background:#b7282e;color:#fff;padding:24px 16px 56px}header h1{margin:0 auto;max-width:960px;font-size:26px;letter-spacing:2px}
header p{margin:4px auto 0;max-width:960px;opacity:.85}
main{max-width:960px;margin:-40px auto 40px;padding:0 16px}
.rates{display:grid;grid-template-columns:repeat(3,1fr);gap:12px;margin-bottom:16px}
.rate{background:#fff;border-radius:10px;padding:14px 16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.rate b{display:block;font-size:28px;color:#b7282e}.rate span{color:#777;font-size:13px}
form.filters{display:flex;flex-wrap:wrap;gap:8px;background:#fff;border-radius:10px;padding:12px;margin-bottom:16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:#666;flex:1 1 150px}
form.filters select,form.filters input{font:inherit;padding:6px 8px;border:1px solid #ddd;border-radius:6px;background:#fff}
form.filters button{align-self:flex-end;font:inherit;padding:7px 18px;border:0;border-radius:6px;background:#b7282e;color:#fff;cursor:pointer}
.card{background:#fff;border-radius:10px;padding:16px 18px;margin-bottom:12px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.card .meta{display:flex;flex-wrap:wrap;gap:8px;align-items:center;font-size:13px;color:#777}
.tag{background:#fbeaea;color:#b7282e;border-radius:4px;padding:1px 8px}
.badge{margin-left:auto;border-radius:12px;padding:2px 12px;font-weight:600;color:#fff}
.badge.good{background:#2e8b57}.badge.fair{background:#d49a1f}.badge.poor{background:#c0392b}.badge.none{background:#aaa}
.card h2{font-size:16px;font-weight:500;margin:10px 0}
.card dl{margin:0;display:grid;grid-template-columns:5.5em 1fr;gap:4px 8px;font-size:14px}
.card dt{color:#999}.card dd{margin:0}
nav.pages{display:flex;justify-content:space-between;align-items:center;margin-top:16px}
nav.pages a{color:#b7282e;text-decoration:none;padding:6px 14px;border:1px solid #b7282e;border-radius:6px;background:#fff}
nav.pages .off{visibility:hidden}.empty{text-align:center;color:#888;padding:40px}
footer{text-align:center;color:#999;font-size:12px;padding:20px}
header nav.tabs{max-width:960px;margin:12px auto 0;display:flex;gap:8px}
header nav.tabs a{color:#fff;text-decoration:none;border:1px solid rgba(255,255,255,.6);border-radius:16px;padding:2px 14px;font-size:14px}
header nav.tabs a.on{background:#fff;color:#b7282e}
@media (max-width:560px){.rates{grid-template-columns:1fr}.badge{margin-left:0}}
`;
// Our own constant, not user input: trusted as markup (inside <style>, entities would not be decoded).
const STYLE = new Html(CSS);
export const BOARD_STYLE = STYLE;

/** The board's sections: handled orders, projects, and the annual cycle's whole year. */
export function boardNav(active: 'orders' | 'projects' | 'cycles'): Html {
  return html`<nav class="tabs" aria-label="公示栏目"><a href="/board" class="${active === 'orders' ? 'on' : ''}">诉求公示</a><a href="/board/projects" class="${active === 'projects' ? 'on' : ''}">项目公示</a><a href="/board/cycles" class="${active === 'cycles' ? 'on' : ''}">年度公示</a></nav>`;
}

const percent = (value: number | null): string => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
const day = (iso: string): string => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);

function option(value: string, label: string, selected: string | undefined): Html {
  return value === selected ? html`<option value="${value}" selected>${label}</option>` : html`<option value="${value}">${label}</option>`;
}

function card(item: BoardItem): Html {
  const [label, tone] = item.rating ? (RATING_LABELS[item.rating] ?? [item.rating, 'none']) : ['待评价', 'none'];
  return html`<article class="card">
  <div class="meta">
    ${item.category ? html`<span class="tag">${item.category.name}</span>` : ''}
    <span>${item.unit?.name ?? '即接即办'}</span>
    <span>受理 ${day(item.placedAt)} · 办结 ${day(item.resolvedAt)}</span>
    <span class="badge ${tone}">${label}</span>
  </div>
  <h2>${item.content}</h2>
  <dl>
    ${item.opinion ? html`<dt>初步意见</dt><dd>${item.opinion}</dd>` : ''}
    <dt>办理结果</dt><dd>${item.result ?? '—'}</dd>
    ${item.comment ? html`<dt>群众评价</dt><dd>${item.comment}</dd>` : ''}
  </dl>
</article>`;
}

function pageLink(filter: BoardFilter, page: number): string {
  const query = new URLSearchParams();
  if (filter.categoryCode) query.set('category', filter.categoryCode);
  if (filter.streetId) query.set('street', filter.streetId);
  if (filter.unitId) query.set('unit', filter.unitId);
  if (filter.month) query.set('month', filter.month);
  query.set('page', String(page));
  return `/board?${query.toString()}`;
}

export function renderBoard(page: BoardPage, filter: BoardFilter, options: BoardOptions, kpis: KpiReport): string {
  const rates = kpis.total.rates;
  const scope = filter.month ? `${filter.month} 月受理` : `近 12 个月受理（${kpis.query.from} 至 ${kpis.query.to}）`;
  return `<!doctype html>${html`<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>回首望 · 群众点单办理公示</title><style>${STYLE}</style></head>
<body>
<header><h1>回首望</h1><p>群众点单、部门办单、群众评单 —— 每一单怎么办的，群众怎么评的，都在这里。</p>${boardNav('orders')}</header>
<main>
  <section class="rates" aria-label="${scope}">
    <div class="rate"><b>${percent(rates.response)}</b><span>响应率 · ${scope}</span></div>
    <div class="rate"><b>${percent(rates.resolution)}</b><span>解决率 · 共 ${kpis.total.counters.received} 单</span></div>
    <div class="rate"><b>${percent(rates.satisfaction)}</b><span>满意率 · ${kpis.total.counters.rated} 人评价</span></div>
  </section>
  <form class="filters" method="get" action="/board">
    <label>类别<select name="category"><option value="">全部</option>${options.categories.map((c) => option(c.code, c.name, filter.categoryCode))}</select></label>
    <label>街道<select name="street"><option value="">全部</option>${options.streets.map((s) => option(s.id, s.name, filter.streetId))}</select></label>
    <label>承办单位<select name="unit"><option value="">全部</option>${options.units.map((u) => option(u.id, u.name, filter.unitId))}</select></label>
    <label>办结月份<input type="month" name="month" value="${filter.month ?? ''}"></label>
    <button type="submit">筛选</button>
  </form>
  ${page.items.length === 0 ? html`<p class="empty">暂无符合条件的已办结诉求。</p>` : page.items.map(card)}
  <nav class="pages">
    ${page.page > 1 ? html`<a href="${pageLink(filter, page.page - 1)}">上一页</a>` : html`<span class="off">上一页</span>`}
    <span>第 ${page.page} 页</span>
    ${page.hasNext ? html`<a href="${pageLink(filter, page.page + 1)}">下一页</a>` : html`<span class="off">下一页</span>`}
  </nav>
</main>
<footer>个人信息已隐去（姓名、电话、证件号、门牌号）。数据随办理进度更新。</footer>
</body></html>`.text}`;
}

/** Field names of the board's query as people read them. */
const FIELD_NAMES: Record<string, string> = {
  page: '页码',
  pageSize: '每页条数',
  category: '类别',
  unit: '承办单位',
  street: '街道',
  month: '办结月份',
  status: '项目状态',
  origin: '项目来源',
};
const FIELD_HINTS: Record<string, string> = {
  page: '应为 1 至 500 之间的整数',
  pageSize: '应为 1 至 50 之间的整数',
  category: '类别代码不超过 100 个字符',
  unit: '单位代码不超过 100 个字符',
  street: '街道代码不超过 100 个字符',
  month: '应为「年-月」格式，例如 2026-03',
  status: '应为 active（进行中）或 completed（已完成）',
  origin: '应为 bundle（月度打包）或 proposal（年度服务清单）',
};

/**
 * The board's answer to a request it cannot serve, as a page: a resident who followed a broken
 * link reads what is wrong, in Chinese, and a way back — never raw JSON.
 */
export function renderBoardError(status: number, fields: readonly { field: string; message: string }[]): string {
  const title = status === 404 ? '页面不存在' : status === 429 ? '访问太频繁' : status >= 500 ? '暂时无法显示' : '筛选条件有误';
  const lines = fields.map((f) => {
    const name = f.field.replace(/^query\.?/, '') || 'query';
    return html`<li><b>${FIELD_NAMES[name] ?? name}</b>：${FIELD_HINTS[name] ?? '取值无效'}</li>`;
  });
  const advice = status >= 500 || status === 429 ? '请稍后再试。' : '请修改筛选条件后重试，或查看全部公示。';
  return `<!doctype html>${html`<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · 回首望</title><style>${STYLE}</style></head>
<body>
<header><h1>回首望</h1><p>群众点单办理公示</p></header>
<main>
  <article class="card" role="alert">
    <h2>${title}</h2>
    ${lines.length > 0 ? html`<ul>${lines}</ul>` : ''}
    <p>${advice}</p>
    <p><a href="/board">返回全部公示</a></p>
  </article>
</main>
</body></html>`.text}`;
}
