// 知识库 in the staff API (docs/knowledge.md): entries and their versions, ranked search, the
// entries that match an order at triage, a unit's proposal from a consultation it resolved, a
// dispatcher's review, and the on-the-spot-from-the-knowledge-base rate.
import { KNOWLEDGE_STATUSES, MAX_TEXT_LENGTH } from '@diandan/domain';
import { HttpError, validate } from '@diandan/platform';
import type { Prisma } from '@prisma/client';
import { Router } from 'express';
import { z } from 'zod';
import { allow, staffOf } from '../api/authenticate';
import type { ApiDeps } from '../api/deps';
import { canRead } from '../api/scope';
import { knowledgeKpi, kpiQuerySchema } from './kpi';
import { changeEntry, createEntry, searchEntries } from './store';

const text = z.string().trim().min(1).max(MAX_TEXT_LENGTH);
const day = z.iso.datetime({ offset: true }).or(z.iso.date());
const keywords = z.array(z.string().trim().min(1).max(50)).max(20);

export const entrySchema = z.object({
  question: text,
  answer: text,
  categoryCode: z.string().min(1).max(64).nullable().optional(),
  keywords: keywords.optional(),
  ownerUnitId: z.string().min(1).max(64).nullable().optional(),
  validFrom: day.nullable().optional(),
  validTo: day.nullable().optional(),
  note: z.string().trim().max(500).optional(),
});
export const entryPatchSchema = entrySchema.partial().extend({
  /** The version this change edits: a stale one is refused (409), so no edit is lost. */
  version: z.number().int().min(1),
});
export const reviewSchema = z.object({ version: z.number().int().min(1), note: z.string().trim().max(500).optional() });
export const proposalSchema = z.object({
  orderId: z.uuid(),
  question: text,
  /** Default: the result the unit reported on the order. */
  answer: text.optional(),
  keywords: keywords.optional(),
  validTo: day.nullable().optional(),
});
export const listSchema = z.object({
  status: z.enum(KNOWLEDGE_STATUSES).optional(),
  categoryCode: z.string().min(1).max(64).optional(),
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const searchSchema = z.object({ q: z.string().trim().min(1).max(500), limit: z.coerce.number().int().min(1).max(20).default(5) });

const EDITORS = ['dispatcher', 'admin'] as const;
const READERS = ['operator', 'dispatcher', 'unit_handler', 'street_officer', 'district_officer', 'supervisor', 'admin'] as const;
const uuid = (value: string, what: string): string => {
  if (!z.uuid().safeParse(value).success) throw new HttpError(404, 'not_found', `no ${what} ${value}`);
  return value;
};

export function knowledgeRoutes({ prisma }: ApiDeps): Router {
  const router = Router();

  router.get('/v1/knowledge', allow(...READERS), async (req, res) => {
    const query = validate(listSchema, req.query, 'query');
    const where: Prisma.KnowledgeEntryWhereInput = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.categoryCode ? { categoryCode: query.categoryCode } : {}),
      ...(query.q ? { OR: [{ question: { contains: query.q } }, { answer: { contains: query.q } }, { keywords: { has: query.q } }] } : {}),
    };
    const [total, entries] = await Promise.all([
      prisma.knowledgeEntry.count({ where }),
      prisma.knowledgeEntry.findMany({
        where,
        orderBy: [{ updatedAt: 'desc' }, { id: 'asc' }],
        take: query.limit,
        skip: query.offset,
        omit: { terms: true, questionTerms: true, keywordTerms: true },
        include: { category: { select: { name: true } }, ownerUnit: { select: { name: true } } },
      }),
    ]);
    res.json({ total, entries });
  });

  router.get('/v1/knowledge/search', allow(...READERS), async (req, res) => {
    const { q, limit } = validate(searchSchema, req.query, 'query');
    res.json({ query: q, hits: await searchEntries(prisma, q, { limit }) });
  });

  router.get('/v1/knowledge/kpi', allow('dispatcher', 'supervisor', 'evaluator', 'admin'), async (req, res) => {
    res.json(await knowledgeKpi(prisma, validate(kpiQuerySchema, req.query, 'query')));
  });

  router.get('/v1/knowledge/:entryId', allow(...READERS), async (req, res) => {
    const id = uuid(String(req.params.entryId), 'knowledge-base entry');
    const entry = await prisma.knowledgeEntry.findUnique({
      where: { id },
      omit: { terms: true, questionTerms: true, keywordTerms: true },
      include: { versions: { orderBy: { version: 'desc' } }, category: { select: { name: true } }, ownerUnit: { select: { name: true } } },
    });
    if (!entry) throw new HttpError(404, 'not_found', `no knowledge-base entry ${id}`);
    res.json(entry);
  });

  router.post('/v1/knowledge', allow(...EDITORS), async (req, res) => {
    const { note, ...fields } = validate(entrySchema, req.body ?? {});
    // A dispatcher's own entry needs no second look: it is approved as written.
    const entry = await createEntry(prisma, fields, staffOf(res), 'approved', note ? { note } : {});
    res.status(201).json(entry);
  });

  router.patch('/v1/knowledge/:entryId', allow(...EDITORS), async (req, res) => {
    const id = uuid(String(req.params.entryId), 'knowledge-base entry');
    const { version, note, ...change } = validate(entryPatchSchema, req.body ?? {});
    res.json(await changeEntry(prisma, id, version, change, staffOf(res), note));
  });

  const review = (status: 'approved' | 'rejected' | 'retired', from: readonly string[]) =>
    router.post(`/v1/knowledge/:entryId/${status === 'approved' ? 'approve' : status === 'rejected' ? 'reject' : 'retire'}`, allow('dispatcher'), async (req, res) => {
      const id = uuid(String(req.params.entryId), 'knowledge-base entry');
      const { version, note } = validate(reviewSchema, req.body ?? {});
      const current = await prisma.knowledgeEntry.findUnique({ where: { id }, select: { status: true } });
      if (!current) throw new HttpError(404, 'not_found', `no knowledge-base entry ${id}`);
      if (!from.includes(current.status)) throw new HttpError(409, 'illegal_transition', `entry ${id} is ${current.status}; only a ${from.join(' or ')} entry can be ${status}`);
      res.json(await changeEntry(prisma, id, version, { status, reviewNote: note ?? null }, staffOf(res), note ?? status));
    });
  review('approved', ['proposed']);
  review('rejected', ['proposed']);
  review('retired', ['approved']);

  // A unit turns the answer it gave a consultation into a proposed entry; a dispatcher reviews it.
  router.post('/v1/knowledge/proposals', allow('unit_handler'), async (req, res) => {
    const staff = staffOf(res);
    const body = validate(proposalSchema, req.body ?? {});
    const order = await prisma.order.findUnique({ where: { id: body.orderId }, select: { id: true, unitId: true, level: true, status: true, categoryCode: true, resolvedAt: true } });
    if (!order) throw new HttpError(404, 'not_found', `no order ${body.orderId}`);
    if (!(await canRead(prisma, staff, order))) throw new HttpError(403, 'out_of_scope', `order ${body.orderId} was not handled by your unit`);
    if (!order.resolvedAt || !['awaiting_rating', 'closed'].includes(order.status)) {
      throw new HttpError(409, 'not_resolved', `order ${body.orderId} is ${order.status}: propose an entry after resolving it`);
    }
    const existing = await prisma.knowledgeEntry.findFirst({ where: { sourceOrderId: order.id, status: { in: ['proposed', 'approved'] } }, omit: { terms: true, questionTerms: true, keywordTerms: true } });
    if (existing) {
      res.status(200).json({ ...existing, repeated: true });
      return;
    }
    const answer = body.answer ?? (await resultOf(prisma, order.id));
    if (!answer) throw new HttpError(400, 'invalid_request', 'answer: the order has no result to take it from; write one');
    const entry = await createEntry(
      prisma,
      { question: body.question, answer, categoryCode: order.categoryCode, keywords: body.keywords ?? [], ownerUnitId: staff.unitId, validTo: body.validTo ?? null },
      staff,
      'proposed',
      { sourceOrderId: order.id, note: 'proposed from a resolved consultation' },
    );
    res.status(201).json({ ...entry, repeated: false });
  });

  // 即接即办 at triage: the entries that may answer this order now.
  router.get('/v1/orders/:orderId/knowledge', allow('operator', 'dispatcher', 'supervisor'), async (req, res) => {
    const id = uuid(String(req.params.orderId), 'order');
    const order = await prisma.order.findUnique({ where: { id }, select: { id: true, content: true, categoryCode: true, category: { select: { name: true } } } });
    if (!order) throw new HttpError(404, 'not_found', `no order ${id}`);
    const hits = await searchEntries(prisma, `${order.content} ${order.category?.name ?? ''}`, { preferCategory: order.categoryCode });
    res.json({ orderId: id, hits });
  });

  return router;
}

async function resultOf(prisma: ApiDeps['prisma'], orderId: string): Promise<string | undefined> {
  const event = await prisma.orderEvent.findFirst({ where: { orderId, type: { in: ['order.resolved', 'order.answered'] } }, orderBy: { seq: 'desc' } });
  const data = (event?.data ?? {}) as { result?: string; answer?: string };
  return data.result ?? data.answer;
}
