// Read-model fixtures: Order rows and their timeline as the projector writes them.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@diandan/platform';

export interface HandledOrder {
  id: string;
  unitId: string | null;
  content: string;
  placedAt: Date;
  resolvedAt: Date | null;
  status: string;
  rating?: string | null;
  opinion?: string;
  result?: string;
  comment?: string;
}

export async function insertOrder(
  prisma: PrismaClient,
  categoryCode: string,
  order: Omit<HandledOrder, 'id'> & { id?: string },
): Promise<string> {
  const id = order.id ?? randomUUID();
  await prisma.order.create({
    data: {
      id,
      trackingCode: `T-${id}`,
      channel: 'web',
      status: order.status,
      unitId: order.unitId,
      categoryCode,
      content: order.content,
      address: '幸福路88号3栋2单元501',
      placedAt: order.placedAt,
      resolvedAt: order.resolvedAt,
      closedAt: order.status === 'closed' ? order.resolvedAt : null,
      rating: order.rating ?? null,
    },
  });
  const events: Array<{ type: string; data: Record<string, unknown> }> = [];
  if (order.opinion) events.push({ type: 'order.opinion_given', data: { opinion: order.opinion } });
  if (order.result) events.push({ type: 'order.resolved', data: { result: order.result } });
  if (order.rating)
    events.push({ type: 'order.rated', data: { rating: order.rating, ...(order.comment ? { comment: order.comment } : {}) } });
  await prisma.orderEvent.createMany({
    data: events.map((e, i) => ({
      id: `order-${id}#${i + 2}`,
      orderId: id,
      seq: i + 2,
      type: e.type,
      at: order.resolvedAt ?? order.placedAt,
      actor: { role: 'system' },
      data: e.data as object,
    })),
  });
  return id;
}

/** A small CSV reader for the tests (quotes, doubled quotes, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
