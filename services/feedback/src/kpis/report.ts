// The three rates (响应率、解决率、满意率) and rankings, read from the rollup: a query sums the
// cells of the months asked for (a few thousand rows for a district-year) instead of scanning
// orders. The street of a unit is found by walking the unit tree up (a small table).
import type { PrismaClient } from '@diandan/platform';
import { COUNTER_NAMES, type KpiCounters } from './facts';

export const DIMENSIONS = ['unit', 'category', 'street', 'month'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const RANK_BY = ['composite', 'response', 'resolution', 'satisfaction'] as const;
export type RankBy = (typeof RANK_BY)[number];

export interface RateSettings {
  /** How much a 基本满意 counts in the satisfaction rate (1 = as satisfied, Beijing 12345 practice). */
  basicallySatisfiedWeight: number;
  /** Weights of the composite score (response, resolution, satisfaction); they sum to 1. */
  compositeWeights: { response: number; resolution: number; satisfaction: number };
}
export const DEFAULT_RATE_SETTINGS: RateSettings = {
  basicallySatisfiedWeight: 1,
  compositeWeights: { response: 0.1, resolution: 0.45, satisfaction: 0.45 },
};

export interface Rates {
  /** Responded on time ÷ orders whose response the row is credited with; null when there are none. */
  response: number | null;
  /** Resolved ÷ received. */
  resolution: number | null;
  /** (satisfied + w × basically satisfied) ÷ rated. */
  satisfaction: number | null;
  composite: number | null;
}

/** The satisfaction rate of some ratings: (satisfied + w × basically satisfied) ÷ rated; null when none. */
export function satisfactionOf(c: Pick<KpiCounters, 'satisfied' | 'basicallySatisfied' | 'dissatisfied'>, settings: RateSettings = DEFAULT_RATE_SETTINGS): number | null {
  const rated = c.satisfied + c.basicallySatisfied + c.dissatisfied;
  return rated === 0 ? null : (c.satisfied + settings.basicallySatisfiedWeight * c.basicallySatisfied) / rated;
}

export function ratesOf(c: KpiCounters, settings: RateSettings = DEFAULT_RATE_SETTINGS): Rates {
  const ratio = (num: number, den: number) => (den === 0 ? null : num / den);
  const response = ratio(c.respondedOnTime, c.responseReceived);
  const resolution = ratio(c.resolved, c.received);
  const satisfaction = satisfactionOf(c, settings);
  const w = settings.compositeWeights;
  // A missing rate (nothing rated yet) counts neither for nor against: the others are reweighted.
  const parts = [
    [response, w.response],
    [resolution, w.resolution],
    [satisfaction, w.satisfaction],
  ].filter((p): p is [number, number] => p[0] !== null);
  const weight = parts.reduce((s, [, pw]) => s + pw, 0);
  const composite = weight === 0 ? null : parts.reduce((s, [r, pw]) => s + r * pw, 0) / weight;
  return { response, resolution, satisfaction, composite };
}

export interface KpiQuery {
  by: Dimension;
  /** Inclusive month range, `YYYY-MM`. */
  from: string;
  to: string;
  unitId?: string;
  categoryCode?: string;
  streetId?: string;
  rankBy?: RankBy;
  /** Rows with fewer received orders are listed but not ranked (a unit with 2 orders is no champion). */
  minReceived?: number;
}

export interface KpiRow {
  key: string;
  name: string;
  counters: KpiCounters & { rated: number };
  rates: Rates;
  /** 1 = best; null when below minReceived or the rate is undefined. */
  rank: number | null;
}

export interface KpiReport {
  query: Required<Omit<KpiQuery, 'unitId' | 'categoryCode' | 'streetId'>> & Pick<KpiQuery, 'unitId' | 'categoryCode' | 'streetId'>;
  settings: RateSettings;
  total: KpiRow;
  rows: KpiRow[];
}

/** unit → its street (the nearest ancestor of kind street, itself included), for every unit. */
const STREET_OF_UNIT = `
  WITH RECURSIVE up AS (
    SELECT id AS "unitId", id, "parentId", kind::text AS kind, 0 AS depth FROM "Unit"
    UNION ALL
    SELECT up."unitId", u.id, u."parentId", u.kind::text, up.depth + 1
    FROM up JOIN "Unit" u ON u.id = up."parentId"
    WHERE up.kind <> 'street' AND up.depth < 10
  )
  SELECT "unitId", id AS "streetId" FROM up WHERE kind = 'street'`;

const NO_STREET = '';

/** unit id → street id, for units that lie in a street. */
export async function streetOfUnits(prisma: PrismaClient): Promise<Map<string, string>> {
  const rows = await prisma.$queryRawUnsafe<Array<{ unitId: string; streetId: string }>>(STREET_OF_UNIT);
  return new Map(rows.map((r) => [r.unitId, r.streetId]));
}

export async function kpiReport(prisma: PrismaClient, query: KpiQuery, settings: RateSettings = DEFAULT_RATE_SETTINGS): Promise<KpiReport> {
  const params: unknown[] = [query.from, query.to];
  const where = ['r.month BETWEEN $1 AND $2'];
  if (query.unitId !== undefined) where.push(`r."unitId" = $${params.push(query.unitId)}`);
  if (query.categoryCode !== undefined) where.push(`r."categoryCode" = $${params.push(query.categoryCode)}`);
  // As a list of units, so that the (unitId, month) index serves it.
  if (query.streetId === NO_STREET) where.push(`r."unitId" NOT IN (SELECT "unitId" FROM streets)`);
  else if (query.streetId !== undefined) where.push(`r."unitId" IN (SELECT "unitId" FROM streets WHERE "streetId" = $${params.push(query.streetId)})`);
  const needsStreet = query.by === 'street' || query.streetId !== undefined;
  const joinStreet = query.by === 'street';
  const keyExpr = { unit: 'r."unitId"', category: 'r."categoryCode"', street: `coalesce(s."streetId", '${NO_STREET}')`, month: 'r.month' }[query.by];
  const sql = `
    ${needsStreet ? `WITH streets AS (${STREET_OF_UNIT})` : ''}
    SELECT ${keyExpr} AS key, ${COUNTER_NAMES.map((n) => `sum(r."${n}")::int AS "${n}"`).join(', ')}
    FROM "KpiRollup" r ${joinStreet ? 'LEFT JOIN streets s ON s."unitId" = r."unitId"' : ''}
    WHERE ${where.join(' AND ')}
    GROUP BY 1
    HAVING ${COUNTER_NAMES.map((n) => `sum(r."${n}")`).join(' + ')} > 0`;
  const sums = await prisma.$queryRawUnsafe<Array<KpiCounters & { key: string }>>(sql, ...params);
  const names = await namesFor(prisma, query.by, sums.map((s) => s.key));

  const rankBy = query.rankBy ?? 'composite';
  const minReceived = query.minReceived ?? 1;
  const rowOf = (key: string, counters: KpiCounters): KpiRow => ({
    key,
    name: names.get(key) ?? labelForMissing(query.by, key),
    counters: { ...counters, rated: counters.satisfied + counters.basicallySatisfied + counters.dissatisfied },
    rates: ratesOf(counters, settings),
    rank: null,
  });
  const rows = sums.map(({ key, ...counters }) => rowOf(key, counters));
  rank(rows, rankBy, query.by, minReceived);

  const total = COUNTER_NAMES.reduce((t, n) => ({ ...t, [n]: sums.reduce((s, r) => s + r[n], 0) }), {} as KpiCounters);
  return {
    query: { by: query.by, from: query.from, to: query.to, rankBy, minReceived, unitId: query.unitId, categoryCode: query.categoryCode, streetId: query.streetId },
    settings,
    total: rowOf('total', total),
    rows,
  };
}

/** Ranked rows first (best first, ties share a rank), then the unranked by key; months in time order. */
function rank(rows: KpiRow[], rankBy: RankBy, by: Dimension, minReceived: number): void {
  if (by === 'month') {
    rows.sort((a, b) => a.key.localeCompare(b.key));
    return;
  }
  const score = (r: KpiRow) => r.rates[rankBy];
  // A unit may be credited with responses only (it let the accept clock run out, the order moved
  // on): its volume is the larger of its two denominators.
  const volume = (r: KpiRow) => Math.max(r.counters.received, r.counters.responseReceived);
  // '' gathers orders no unit/category/street holds: listed, never ranked.
  const rankable = rows.filter((r) => r.key !== '' && volume(r) >= minReceived && score(r) !== null);
  rankable.sort((a, b) => score(b)! - score(a)! || volume(b) - volume(a) || a.key.localeCompare(b.key));
  rankable.forEach((r, i) => {
    const previous = rankable[i - 1];
    r.rank = previous && score(previous) === score(r) ? previous.rank : i + 1;
  });
  const unranked = rows.filter((r) => r.rank === null).sort((a, b) => a.key.localeCompare(b.key));
  rows.splice(0, rows.length, ...rankable, ...unranked);
}

function labelForMissing(by: Dimension, key: string): string {
  if (key !== '') return key;
  return { unit: '未派单', category: '未分类', street: '区级单位', month: '' }[by];
}

async function namesFor(prisma: PrismaClient, by: Dimension, keys: string[]): Promise<Map<string, string>> {
  const wanted = keys.filter((k) => k !== '');
  if (by === 'month' || wanted.length === 0) return new Map(keys.map((k) => [k, k]));
  if (by === 'category') {
    const categories = await prisma.category.findMany({ where: { code: { in: wanted } }, select: { code: true, name: true } });
    return new Map(categories.map((c) => [c.code, c.name]));
  }
  const units = await prisma.unit.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } });
  return new Map(units.map((u) => [u.id, u.name]));
}
