// 知识库 through the real services (docs/knowledge.md): search quality on a labelled set (precision
// and recall printed, a floor asserted), stale entries never suggested, answering on the spot with
// an entry (the order's timeline and the read model carry it, the rate counts it), a unit's
// proposal from a resolved consultation and a dispatcher's approval, versions without lost edits.
import { retrievalQuality, textSimilarity } from '@diandan/domain';
import { startPlatform, type Platform } from '../e2e/platform';
import { ENTRIES, QUERIES } from './knowledgeLabelled';

let p: Platform;
let dispatcher: Record<string, string>;
const ids = new Map<string, string>();

beforeAll(async () => {
  p = await startPlatform('knowledge');
  dispatcher = await p.login('dispatcher');
}, 120_000);
afterAll(() => p?.close());

const api = (path: string, method = 'GET', body?: unknown, who = dispatcher) => p.call(`${p.dispatch}${path}`, method, body, who);
const search = async (q: string, limit = 3): Promise<Array<{ id: string; score: number }>> => {
  const answer = await api(`/v1/knowledge/search?q=${encodeURIComponent(q)}&limit=${limit}`);
  expect(answer.status).toBe(200);
  return answer.body.hits;
};

describe('search on the labelled set', () => {
  beforeAll(async () => {
    for (const entry of ENTRIES) {
      const created = await api('/v1/knowledge', 'POST', { question: entry.question, answer: entry.answer, keywords: entry.keywords });
      expect(created.status).toBe(201);
      ids.set(entry.key, created.body.id);
    }
  }, 60_000);

  it('knowledge.recallCheck: top-3 precision and recall above the floor, the bigram baseline printed beside them', async () => {
    const keyOf = new Map([...ids].map(([key, id]) => [id, key]));
    const retrieved: string[][] = [];
    for (const query of QUERIES) retrieved.push((await search(query.q)).map((hit) => keyOf.get(hit.id) ?? hit.id));
    const relevant = QUERIES.map((q) => q.relevant);
    const jieba = retrievalQuality(retrieved, relevant);
    // The baseline a trigram index would give: character bigrams of question + keywords, top 3 above 0.2.
    const bigram = retrievalQuality(
      QUERIES.map((q) =>
        ENTRIES.map((e) => ({ key: e.key, s: textSimilarity(q.q, `${e.question}${e.keywords.join('')}`) }))
          .filter((x) => x.s >= 0.2)
          .sort((a, b) => b.s - a.s)
          .slice(0, 3)
          .map((x) => x.key),
      ),
      relevant,
    );
    const misses = QUERIES.flatMap((q, i) => (q.relevant.every((r) => retrieved[i]!.includes(r)) && retrieved[i]!.every((r) => q.relevant.includes(r)) ? [] : [`  ${q.q} → [${retrieved[i]!.join(', ')}] (wanted [${q.relevant.join(', ')}])`]));
    console.log(
      [
        `knowledge search, ${jieba.queries} labelled queries, ${ENTRIES.length} entries, top 3:`,
        `  jieba + IDF ranking: precision ${jieba.precision.toFixed(3)}, recall ${jieba.recall.toFixed(3)}`,
        `  character bigrams (trigram-index stand-in): precision ${bigram.precision.toFixed(3)}, recall ${bigram.recall.toFixed(3)}`,
        'not exactly right:',
        ...misses,
      ].join('\n'),
    );
    expect(jieba.recall).toBeGreaterThanOrEqual(0.9);
    expect(jieba.precision).toBeGreaterThanOrEqual(0.85);
  });

  it('knowledge.staleCheck: an entry past its validity, or not yet valid, is never suggested', async () => {
    const day = 86_400_000;
    const stale = await api('/v1/knowledge', 'POST', {
      question: '冬季供暖补贴发放时间',
      answer: '去年的补贴已发放完毕。',
      keywords: ['供暖补贴'],
      validFrom: new Date(Date.now() - 30 * day).toISOString(),
      validTo: new Date(Date.now() - day).toISOString(),
    });
    const future = await api('/v1/knowledge', 'POST', { question: '冬季供暖补贴明年标准', answer: '明年起按新标准。', keywords: ['供暖补贴'], validFrom: new Date(Date.now() + day).toISOString() });
    expect([stale.status, future.status]).toEqual([201, 201]);
    const hits = await search('供暖补贴什么时候发', 5);
    expect(hits.map((h) => h.id)).not.toContain(stale.body.id);
    expect(hits.map((h) => h.id)).not.toContain(future.body.id);
    // Nor can it answer an order.
    const { orderId } = await p.place({ content: '冬季供暖补贴什么时候发放', categoryCode: 'pension' });
    const answered = await api(`/v1/orders/${orderId}/answer`, 'POST', { answer: '已发放', entryId: stale.body.id });
    expect(answered.status).toBe(409);
    expect(answered.body.error.code).toBe('entry_not_usable');
  });
});

describe('answering on the spot with an entry', () => {
  it('knowledge.answerCheck: the order’s best match is offered; the answer records the entry on the timeline and in the read model; the rate counts it', async () => {
    const { orderId } = await p.place({ content: '我是送外卖的骑手，请问能不能加入工会？', categoryCode: 'online-membership', location: { address: '观音桥街道建新北路社区' } });
    const offered = await api(`/v1/orders/${orderId}/knowledge`);
    expect(offered.status).toBe(200);
    expect(offered.body.hits[0].entry.id).toBe(ids.get('union-join'));
    expect(offered.body.hits[0].matched.length).toBeGreaterThan(0);

    const entry = offered.body.hits[0].entry;
    const answered = await api(`/v1/orders/${orderId}/answer`, 'POST', { answer: entry.answer, entryId: entry.id });
    expect(answered.status).toBe(200);
    expect(answered.body.order.status).toBe('awaiting_rating');

    const row = await p.eventually(async () => {
      const found = await p.prisma.order.findUnique({ where: { id: orderId } });
      return found?.answeredEntryId ? found : undefined;
    }, 'the entry in the read model');
    expect(row).toMatchObject({ answeredEntryId: entry.id, answeredEntryVersion: entry.version });
    const timeline = await api(`/v1/orders/${orderId}/timeline`);
    const event = (timeline.body.events ?? timeline.body).find((e: { type: string }) => e.type === 'order.answered');
    expect(event.data).toMatchObject({ entryId: entry.id, entryVersion: entry.version });

    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    const kpi = await api(`/v1/knowledge/kpi?from=${month}&to=${month}&categoryCode=online-membership`, 'GET', undefined, await p.login('supervisor'));
    expect(kpi.status).toBe(200);
    const cell = kpi.body.rows.find((r: { categoryCode: string }) => r.categoryCode === 'online-membership');
    expect(cell.fromKnowledge).toBeGreaterThanOrEqual(1);
    expect(cell.answered).toBeGreaterThanOrEqual(cell.fromKnowledge);
    expect(cell.knowledgeRate).toBeGreaterThan(0);
  });

  it('refuses a retired entry, an unknown one, and a malformed id with the right 4xx', async () => {
    const created = await api('/v1/knowledge', 'POST', { question: '临时停车场开放时间', answer: '每天7点到22点。' });
    const retired = await api(`/v1/knowledge/${created.body.id}/retire`, 'POST', { version: 1, note: '停车场已关闭' });
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ status: 'retired', version: 2 });
    const { orderId } = await p.place({ content: '临时停车场几点开', categoryCode: 'pension' });
    expect((await api(`/v1/orders/${orderId}/answer`, 'POST', { answer: 'x', entryId: created.body.id })).status).toBe(409);
    expect((await api(`/v1/orders/${orderId}/answer`, 'POST', { answer: 'x', entryId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    const malformed = await api(`/v1/orders/${orderId}/answer`, 'POST', { answer: 'x', entryId: 'kb-1' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain('entryId');
  });
});

describe('entries from the units, reviewed by a dispatcher', () => {
  it('knowledge.proposalCheck: a unit proposes from a resolved consultation; only the approved entry is suggested; versions keep the history', async () => {
    const { orderId } = await p.place({ content: '请问社区的共享充电桩怎么收费，晚上能用吗', categoryCode: 'elderly-canteen', location: { address: '观音桥街道建新北路社区' } });
    const handler = await p.login('handler-jianxin');
    // Not resolved yet: nothing to propose from.
    expect((await api(`/v1/orders/${orderId}/dispatch`, 'POST', { unitId: 'jianxin-north' })).status).toBe(200);
    const early = await api('/v1/knowledge/proposals', 'POST', { orderId, question: '社区共享充电桩收费标准' }, handler);
    expect([403, 409]).toContain(early.status);
    for (const [action, body] of [['accept', {}], ['opinion', { opinion: '已向物业了解' }], ['resolve', { result: '共享充电桩每度电1.2元，24小时开放，扫码使用。' }]] as const) {
      expect((await api(`/v1/orders/${orderId}/${action}`, 'POST', body, handler)).status).toBe(200);
    }
    await p.eventually(async () => ((await p.prisma.order.findUnique({ where: { id: orderId } }))?.status === 'awaiting_rating' ? true : undefined), 'the resolved order in the read model');

    expect((await api('/v1/knowledge/proposals', 'POST', { orderId, question: '社区共享充电桩收费标准' }, await p.login('handler-union'))).status).toBe(403);
    const proposed = await api('/v1/knowledge/proposals', 'POST', { orderId, question: '社区共享充电桩收费标准', keywords: ['充电桩'] }, handler);
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ status: 'proposed', answer: '共享充电桩每度电1.2元，24小时开放，扫码使用。', ownerUnitId: 'jianxin-north', sourceOrderId: orderId, repeated: false });
    const again = await api('/v1/knowledge/proposals', 'POST', { orderId, question: '社区共享充电桩收费标准' }, handler);
    expect(again).toMatchObject({ status: 200, body: { id: proposed.body.id, repeated: true } });
    expect((await api('/v1/knowledge/proposals', 'POST', { orderId }, handler)).status).toBe(400);

    expect((await search('充电桩怎么收费')).map((h) => h.id)).not.toContain(proposed.body.id);
    expect((await api(`/v1/knowledge/${proposed.body.id}/approve`, 'POST', { version: 1 }, handler)).status).toBe(403);
    const approved = await api(`/v1/knowledge/${proposed.body.id}/approve`, 'POST', { version: 1, note: '核实无误' });
    expect(approved.body).toMatchObject({ status: 'approved', version: 2 });
    expect((await search('充电桩怎么收费'))[0]?.id).toBe(proposed.body.id);

    // Two editors of version 2: the second is told, nothing is lost.
    const first = await api(`/v1/knowledge/${proposed.body.id}`, 'PATCH', { version: 2, answer: '每度电1.2元，24小时开放。' });
    expect(first.status).toBe(200);
    const second = await api(`/v1/knowledge/${proposed.body.id}`, 'PATCH', { version: 2, answer: '每度电1元。' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('version_conflict');
    const history = await api(`/v1/knowledge/${proposed.body.id}`);
    expect(history.body.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [3, 'approved'],
      [2, 'approved'],
      [1, 'proposed'],
    ]);
    expect(history.body.answer).toBe('每度电1.2元，24小时开放。');
  });

  it('says what is wrong: bad fields, validity backwards, roles', async () => {
    const bad = await api('/v1/knowledge', 'POST', { question: '', answer: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('question');
    const backwards = await api('/v1/knowledge', 'POST', { question: 'q', answer: 'a', validFrom: '2026-12-01', validTo: '2026-11-01' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toContain('validTo');
    expect((await api('/v1/knowledge', 'POST', { question: 'q', answer: 'a', categoryCode: 'no-such-category' })).status).toBe(404);
    expect((await api('/v1/knowledge', 'GET', undefined, await p.login('evaluator'))).status).toBe(403);
    expect((await api('/v1/knowledge', 'POST', { question: 'q', answer: 'a' }, await p.login('operator'))).status).toBe(403);
    expect((await api('/v1/knowledge/not-a-uuid')).status).toBe(404);
    expect((await api('/v1/knowledge/search')).status).toBe(400);
  });
});
