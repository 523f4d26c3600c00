// The on-the-spot-from-the-knowledge-base rate (docs/knowledge.md): of the consultations placed in a
// month, how many were answered on the spot (即接即办), and how many of those with an entry of the
// knowledge base — by category and month (China time, as every other rate here).
import { z } from 'zod';
import type { PrismaClient } from '@diandan/platform';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
export const kpiQuerySchema = z.object({ from: month.optional(), to: month.optional(), categoryCode: z.string().min(1).max(64).optional() });

const monthStart = (m: string): Date => new Date(`${m}-01T00:00:00+08:00`);
const nextMonth = (m: string): string => {
  const [y, mm] = m.split('-').map(Number) as [number, number];
  return mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, '0')}`;
};
const chinaMonth = (at: Date): string => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);

interface Row {
  month: string;
  categoryCode: string;
  categoryName: string | null;
  placed: number;
  answered: number;
  fromKnowledge: number;
}

const share = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);

export async function knowledgeKpi(prisma: PrismaClient, query: z.infer<typeof kpiQuerySchema>) {
  const to = query.to ?? chinaMonth(new Date());
  // Twelve months ending with `to`, the window of the three rates.
  const [y, mm] = to.split('-').map(Number) as [number, number];
  const from = query.from ?? (mm === 12 ? `${y}-01` : `${y - 1}-${String(mm + 1).padStart(2, '0')}`);
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT to_char(o."placedAt" AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month,
           coalesce(o."categoryCode", '') AS "categoryCode", c.name AS "categoryName",
           count(*)::int AS placed,
           count(o."answeredAt")::int AS answered,
           count(o."answeredEntryId")::int AS "fromKnowledge"
    FROM "Order" o LEFT JOIN "Category" c ON c.code = o."categoryCode"
    WHERE o."placedAt" >= ${monthStart(from)} AND o."placedAt" < ${monthStart(nextMonth(to))}
      AND (${query.categoryCode ?? null}::text IS NULL OR o."categoryCode" = ${query.categoryCode ?? null})
      AND o.status NOT IN ('invalid', 'withdrawn')
    GROUP BY 1, 2, 3 ORDER BY 1, 2`;
  const total = rows.reduce((sum, r) => ({ placed: sum.placed + r.placed, answered: sum.answered + r.answered, fromKnowledge: sum.fromKnowledge + r.fromKnowledge }), { placed: 0, answered: 0, fromKnowledge: 0 });
  const rated = (r: { placed: number; answered: number; fromKnowledge: number }) => ({
    /** Share of all consultations answered on the spot from the knowledge base. */
    knowledgeRate: share(r.fromKnowledge, r.placed),
    /** Share of on-the-spot answers that came from the knowledge base. */
    knowledgeShareOfAnswered: share(r.fromKnowledge, r.answered),
    onTheSpotRate: share(r.answered, r.placed),
  });
  return { from, to, rows: rows.map((r) => ({ ...r, ...rated(r) })), total: { ...total, ...rated(total) } };
}
