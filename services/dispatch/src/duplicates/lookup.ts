// Likely duplicates of an order among the open ones (docs/merge.md): the read model gives the
// candidates — open, same or related category, placed within the window (index categoryCode,
// placedAt) — and the domain scores them (findDuplicates) with the reason in words.
import {
  areaOf,
  DEFAULT_DUPLICATE_SETTINGS,
  DUPLICATE_CANDIDATE_STATUSES,
  findDuplicates,
  relatedCategories,
  type DuplicateArea,
  type DuplicateFacts,
  type DuplicateMatch,
  type DuplicateSettings,
  type UnitTree,
} from '@diandan/domain';
import { performance } from 'node:perf_hooks';
import type { PrismaClient } from '@diandan/platform';

// The index (categoryCode, status, placedAt) reads only the open orders of the categories in the
// window: ≈ 300 rows at 1M orders, where (categoryCode, placedAt) read every order of the window
// and filtered two in three away (3.8 vs 10 ms for the query alone; docs/merge.md, "Benchmark").
/** Candidates read per lookup at most (newest first): a burst bigger than this is a campaign, not a duplicate. */
const MAX_CANDIDATES = 2000;

export interface LookupOrder {
  id: string;
  categoryCode: string | null;
  content: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  placedAt: Date;
}

interface CandidateRow extends LookupOrder {
  trackingCode: string;
  status: string;
}

export interface Catalogue {
  categories: Array<{ code: string; name: string; keywords: string[] }>;
  tree: UnitTree;
}

// The area an address names depends only on the address and the tree: remembered per tree (a new
// tree after an administrator's change starts afresh), bounded. Addresses repeat a lot (the same
// community, the same building), and the walk over every unit name is the costly part of scoring.
const areaCache = new WeakMap<UnitTree, Map<string, DuplicateArea | null>>();
const AREA_CACHE_SIZE = 20_000;

export function areaFor(tree: UnitTree, address: string | null): DuplicateArea | null {
  if (!address) return null;
  let cache = areaCache.get(tree);
  if (!cache) areaCache.set(tree, (cache = new Map()));
  const known = cache.get(address);
  if (known !== undefined) return known;
  const area = computeArea(tree, address);
  if (cache.size >= AREA_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(address, area);
  return area;
}

function computeArea(tree: UnitTree, address: string): DuplicateArea | null {
  const match = areaOf(tree, address);
  if (!match) return null;
  const unit = match.unit;
  const street = unit.kind === 'street' ? unit : unit.parentId ? tree.units.get(unit.parentId) : undefined;
  return { unitId: unit.id, name: unit.name, streetId: street?.kind === 'street' ? street.id : null, streetName: street?.kind === 'street' ? street.name : null };
}

export interface DuplicateCandidate extends DuplicateMatch {
  trackingCode: string;
  status: string;
  categoryCode: string | null;
  content: string;
  placedAt: Date;
}

/** `timings` (optional) receives how long the candidate query and the scoring took (benchmark). */
export async function lookupDuplicates(
  prisma: PrismaClient,
  order: LookupOrder,
  catalogue: Catalogue,
  settings: DuplicateSettings = DEFAULT_DUPLICATE_SETTINGS,
  timings?: { queryMs: number; scoreMs: number; candidates: number },
): Promise<DuplicateCandidate[]> {
  const started = performance.now();
  const categories = order.categoryCode ? [order.categoryCode, ...relatedCategories(order.categoryCode, catalogue.categories)] : [];
  const windowMs = settings.windowDays * 86_400_000;
  const from = new Date(order.placedAt.getTime() - windowMs);
  const to = new Date(order.placedAt.getTime() + windowMs);
  const statuses = [...DUPLICATE_CANDIDATE_STATUSES];
  const rows = categories.length
    ? await prisma.$queryRaw<CandidateRow[]>`
        SELECT id, "trackingCode", status, "categoryCode", content, address, lat, lng, "placedAt" FROM "Order"
        WHERE "categoryCode" = ANY(${categories}::text[]) AND "placedAt" BETWEEN ${from} AND ${to}
          AND status = ANY(${statuses}::text[]) AND id <> ${order.id}::uuid
        ORDER BY "placedAt" DESC LIMIT ${MAX_CANDIDATES}`
    : await prisma.$queryRaw<CandidateRow[]>`
        SELECT id, "trackingCode", status, "categoryCode", content, address, lat, lng, "placedAt" FROM "Order"
        WHERE "categoryCode" IS NULL AND "placedAt" BETWEEN ${from} AND ${to}
          AND status = ANY(${statuses}::text[]) AND id <> ${order.id}::uuid
        ORDER BY "placedAt" DESC LIMIT ${MAX_CANDIDATES}`;
  const queried = performance.now();
  const facts = (row: LookupOrder & { status?: string }): DuplicateFacts => ({
    id: row.id,
    categoryCode: row.categoryCode,
    content: row.content,
    area: areaFor(catalogue.tree, row.address),
    lat: row.lat,
    lng: row.lng,
    placedAt: row.placedAt,
    ...(row.status ? { status: row.status } : {}),
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const related = new Set(categories.slice(1));
  const categoryName = catalogue.categories.find((c) => c.code === order.categoryCode)?.name;
  const matches = findDuplicates(facts(order), rows.map(facts), { settings, related, ...(categoryName ? { categoryName } : {}) });
  if (timings) {
    timings.queryMs += queried - started;
    timings.scoreMs += performance.now() - queried;
    timings.candidates += rows.length;
  }
  return matches.map((m) => {
    const row = byId.get(m.orderId)!;
    return { ...m, trackingCode: row.trackingCode, status: row.status, categoryCode: row.categoryCode, content: row.content, placedAt: row.placedAt };
  });
}
