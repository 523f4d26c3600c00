// The public board 回首望: handled orders, newest result first, with what the unit said and did
// and how the resident rated it. Everything a resident wrote or a unit wrote about them passes
// the scrubber; nothing that identifies the resident (tracking code, channel, address) leaves.
// An order is named by its public reference, never its id (the id derives the resident's secret
// under the intake key), and orders of sensitive categories (e.g. domestic violence) are never shown.
import type { PrismaClient } from '@diandan/platform';
import { monthStart, nextMonth } from '../kpis/facts';
import { scrub, scrubOptional } from '../scrub';

export interface BoardFilter {
  page: number;
  pageSize: number;
  categoryCode?: string;
  unitId?: string;
  /** A street: its own sections and communities too. */
  streetId?: string;
  /** Month of the result, `YYYY-MM` (China time). */
  month?: string;
}

export interface BoardItem {
  /** The public reference (Open311's service_request_id): it unlocks nothing. */
  ref: string;
  placedAt: string;
  resolvedAt: string;
  category: { code: string; name: string } | null;
  unit: { id: string; name: string } | null;
  content: string;
  opinion: string | null;
  result: string | null;
  rating: string | null;
  comment: string | null;
  status: string;
}

export interface BoardPage {
  items: BoardItem[];
  page: number;
  pageSize: number;
  hasNext: boolean;
}

/** Statuses in which an order has its result and stays handled (a reopened one is back at work). */
const HANDLED = `o."resolvedAt" IS NOT NULL AND o.status IN ('awaiting_rating', 'closed')`;
const NOT_SENSITIVE = `c.sensitive IS NOT TRUE`;

interface BoardRow {
  id: string;
  publicRef: string;
  placedAt: Date;
  resolvedAt: Date;
  status: string;
  rating: string | null;
  content: string;
  categoryCode: string | null;
  categoryName: string | null;
  unitId: string | null;
  unitName: string | null;
}

export async function boardPage(prisma: PrismaClient, filter: BoardFilter): Promise<BoardPage> {
  const params: unknown[] = [];
  const where = [HANDLED, NOT_SENSITIVE];
  let withStreet = '';
  if (filter.categoryCode !== undefined) where.push(`o."categoryCode" = $${params.push(filter.categoryCode)}`);
  if (filter.unitId !== undefined) where.push(`o."unitId" = $${params.push(filter.unitId)}`);
  if (filter.streetId !== undefined) {
    withStreet = `WITH RECURSIVE street_units AS (
      SELECT id FROM "Unit" WHERE id = $${params.push(filter.streetId)}
      UNION SELECT u.id FROM "Unit" u JOIN street_units s ON u."parentId" = s.id)`;
    where.push(`o."unitId" IN (SELECT id FROM street_units)`);
  }
  if (filter.month !== undefined) {
    where.push(`o."resolvedAt" >= $${params.push(monthStart(filter.month))} AND o."resolvedAt" < $${params.push(monthStart(nextMonth(filter.month)))}`);
  }
  const limit = params.push(filter.pageSize + 1);
  const offset = params.push((filter.page - 1) * filter.pageSize);
  const rows = await prisma.$queryRawUnsafe<BoardRow[]>(
    `${withStreet}
     SELECT o.id, o."publicRef", o."placedAt", o."resolvedAt", o.status, o.rating, o.content, o."categoryCode", c.name AS "categoryName", o."unitId", u.name AS "unitName"
     FROM "Order" o LEFT JOIN "Category" c ON c.code = o."categoryCode" LEFT JOIN "Unit" u ON u.id = o."unitId"
     WHERE ${where.join(' AND ')}
     ORDER BY o."resolvedAt" DESC, o.id DESC
     LIMIT $${limit} OFFSET $${offset}`,
    ...params,
  );
  const shown = rows.slice(0, filter.pageSize);
  const said = await whatWasSaid(prisma, shown.map((r) => r.id));
  return {
    items: shown.map((r) => {
      const words = said.get(r.id) ?? {};
      return {
        ref: r.publicRef,
        placedAt: r.placedAt.toISOString(),
        resolvedAt: r.resolvedAt.toISOString(),
        category: r.categoryCode ? { code: r.categoryCode, name: r.categoryName ?? r.categoryCode } : null,
        unit: r.unitId ? { id: r.unitId, name: r.unitName ?? r.unitId } : null,
        content: scrub(r.content),
        opinion: scrubOptional(words.opinion),
        result: scrubOptional(words.result),
        rating: r.rating,
        comment: scrubOptional(words.comment),
        status: r.status,
      };
    }),
    page: filter.page,
    pageSize: filter.pageSize,
    hasNext: rows.length > filter.pageSize,
  };
}

interface Words {
  opinion?: string;
  result?: string;
  comment?: string;
}

/** The newest opinion, result (or on-the-spot answer) and rating comment of each order. */
async function whatWasSaid(prisma: PrismaClient, orderIds: string[]): Promise<Map<string, Words>> {
  const said = new Map<string, Words>();
  if (orderIds.length === 0) return said;
  const events = await prisma.$queryRawUnsafe<Array<{ orderId: string; type: string; data: Record<string, unknown> }>>(
    `SELECT DISTINCT ON ("orderId", type) "orderId", type, data FROM "OrderEvent"
     WHERE "orderId" = ANY($1::uuid[]) AND type IN ('order.opinion_given', 'order.resolved', 'order.answered', 'order.rated')
     ORDER BY "orderId", type, seq DESC`,
    orderIds,
  );
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  for (const e of events) {
    const words = said.get(e.orderId) ?? {};
    if (e.type === 'order.opinion_given') words.opinion = text(e.data.opinion);
    if (e.type === 'order.resolved') words.result = text(e.data.result) ?? words.result;
    // An on-the-spot answer is the result; a later resolve (after a reopen) wins over it.
    if (e.type === 'order.answered') words.result ??= text(e.data.answer);
    if (e.type === 'order.rated') words.comment = text(e.data.comment);
    said.set(e.orderId, words);
  }
  return said;
}
