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
import type { PrismaClient } from '@diandan/platform';

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

export function areaFor(tree: UnitTree, address: string | null): DuplicateArea | null {
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

export async function lookupDuplicates(prisma: PrismaClient, order: LookupOrder, catalogue: Catalogue, settings: DuplicateSettings = DEFAULT_DUPLICATE_SETTINGS): Promise<DuplicateCandidate[]> {
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
  return matches.map((m) => {
    const row = byId.get(m.orderId)!;
    return { ...m, trackingCode: row.trackingCode, status: row.status, categoryCode: row.categoryCode, content: row.content, placedAt: row.placedAt };
  });
}
