// Likely duplicates (重复诉求) of a new order among the open ones: same or related category, same
// place (the community the address names, or a distance when both have coordinates), similar
// words, placed within a window. Pure: services/dispatch fetches the candidates, this scores them
// and says why. docs/merge.md explains the weights.
import { placeNames } from './suggest';

export interface DuplicateSettings {
  /** Only orders placed within this many days of each other are compared. */
  readonly windowDays: number;
  /** Two points closer than this are "the same place" (metres). */
  readonly radiusMeters: number;
  /** Offered from this score (0…1). */
  readonly threshold: number;
  /** Below this text similarity nothing is a duplicate, whatever the place and category. */
  readonly minText: number;
  readonly limit: number;
}

export const DEFAULT_DUPLICATE_SETTINGS: DuplicateSettings = { windowDays: 14, radiusMeters: 500, threshold: 0.5, minText: 0.25, limit: 5 };

const WEIGHTS = { text: 0.6, category: 0.2, place: 0.2 } as const;
/** Statuses of an order that can still carry another's need. */
export const DUPLICATE_CANDIDATE_STATUSES = ['placed', 'dispatched', 'accepted', 'in_progress'] as const;

export interface DuplicateArea {
  /** The community or street the address names (the domain's `areaOf`). */
  readonly unitId: string;
  readonly name: string;
  /** The street it belongs to (itself for a street). */
  readonly streetId?: string | null;
  readonly streetName?: string | null;
}

export interface DuplicateFacts {
  readonly id: string;
  readonly categoryCode?: string | null;
  readonly content: string;
  readonly area?: DuplicateArea | null;
  readonly lat?: number | null;
  readonly lng?: number | null;
  readonly placedAt: Date | string;
  readonly status?: string;
  readonly trackingCode?: string;
}

export interface DuplicateMatch {
  readonly orderId: string;
  readonly score: number;
  /** Chinese, one clause per reason, e.g. 同一分类「路灯维修」；同在建新北路社区；文字相似度 82%. */
  readonly reason: string;
  readonly parts: { readonly text: number; readonly category: number; readonly place: number; readonly distanceMeters?: number };
}

/**
 * The words of the need itself: ideographs and letters only. Punctuation, numbers (栋 5, 3 号楼) and
 * the names of places say nothing about *what* is needed — the place is scored on its own — and
 * two different needs at one address would otherwise look alike.
 */
const PLACE_WORDS = /(社区|小区|街道|单元|楼道口|门口|栋|号楼|号|楼)/gu;
function normalise(text: string, placeNames: readonly string[] = []): string {
  let need = text.toLowerCase();
  for (const name of placeNames) if (name) need = need.split(name.toLowerCase()).join('');
  return need.replace(/[^\p{Script=Han}\p{L}]+/gu, '').replace(PLACE_WORDS, '');
}

/** Character bigrams: Chinese needs no segmentation for this, and a typo costs two bigrams, not a word. */
export function bigrams(text: string, placeNames: readonly string[] = []): Map<string, number> {
  const chars = [...normalise(text, placeNames)];
  const grams = new Map<string, number>();
  if (chars.length === 1) grams.set(chars[0]!, 1);
  for (let i = 0; i + 1 < chars.length; i++) {
    const gram = chars[i]! + chars[i + 1]!;
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

/** Dice coefficient of the two texts' bigram multisets (0…1). */
export function textSimilarity(a: string | Map<string, number>, b: string | Map<string, number>): number {
  const ga = typeof a === 'string' ? bigrams(a) : a;
  const gb = typeof b === 'string' ? bigrams(b) : b;
  let total = 0;
  let shared = 0;
  for (const count of ga.values()) total += count;
  for (const [gram, count] of gb) {
    total += count;
    shared += Math.min(count, ga.get(gram) ?? 0);
  }
  return total === 0 ? 0 : (2 * shared) / total;
}

const EARTH_RADIUS_M = 6_371_000;
const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function distanceMeters(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Categories related to one: those sharing a keyword with it (路灯维修 and 道路照明 both list 路灯).
 * The catalogue's keywords are already maintained for routing, so no second list is needed.
 */
export function relatedCategories(code: string, catalogue: ReadonlyArray<{ code: string; keywords: readonly string[] }>): string[] {
  const own = catalogue.find((c) => c.code === code);
  if (!own || own.keywords.length === 0) return [];
  const words = new Set(own.keywords);
  return catalogue.filter((c) => c.code !== code && c.keywords.some((k) => words.has(k))).map((c) => c.code);
}

const placeNamesOf = (o: DuplicateFacts): string[] =>
  o.area ? [...placeNames(o.area.name), ...(o.area.streetName ? placeNames(o.area.streetName) : [])].filter((n) => n.length >= 2) : [];

const hasPoint = (o: DuplicateFacts): o is DuplicateFacts & { lat: number; lng: number } => typeof o.lat === 'number' && typeof o.lng === 'number';
const DAY_MS = 86_400_000;

/** `null`: known to be elsewhere — the same words about another place are another need. */
function placeScore(a: DuplicateFacts, b: DuplicateFacts, settings: DuplicateSettings): { score: number; clause?: string; distance?: number } | null {
  if (hasPoint(a) && hasPoint(b)) {
    const distance = Math.round(distanceMeters(a, b));
    if (distance > settings.radiusMeters * 2) return null;
    // 1 at the same spot, ½ at the radius, 0 at twice the radius.
    return { score: Math.max(0, 1 - distance / (2 * settings.radiusMeters)), clause: `相距 ${distance} 米`, distance };
  }
  if (a.area && b.area) {
    if (a.area.unitId === b.area.unitId) return { score: 1, clause: `同在${a.area.name}` };
    if (a.area.streetId && a.area.streetId === b.area.streetId) return { score: 0.5, clause: `同属${a.area.streetName ?? '一个街道'}` };
    return null;
  }
  // Nothing to compare: neither near nor far.
  return { score: 0.3 };
}

/**
 * How likely `candidate` is the same need as `order`; `null` when it is not a candidate at all
 * (itself, closed, outside the window, unrelated category) or scores below the threshold.
 */
export function scoreDuplicate(
  order: DuplicateFacts,
  candidate: DuplicateFacts,
  options: { settings?: DuplicateSettings; related?: ReadonlySet<string>; categoryName?: string; orderGrams?: Map<string, number> } = {},
): DuplicateMatch | null {
  const settings = options.settings ?? DEFAULT_DUPLICATE_SETTINGS;
  if (candidate.id === order.id) return null;
  if (candidate.status !== undefined && !(DUPLICATE_CANDIDATE_STATUSES as readonly string[]).includes(candidate.status)) return null;
  const apart = Math.abs(new Date(order.placedAt).getTime() - new Date(candidate.placedAt).getTime());
  if (apart > settings.windowDays * DAY_MS) return null;

  const sameCategory = !!order.categoryCode && order.categoryCode === candidate.categoryCode;
  const relatedCategory = !sameCategory && !!candidate.categoryCode && (options.related?.has(candidate.categoryCode) ?? false);
  const bothUnclassified = !order.categoryCode && !candidate.categoryCode;
  if (!sameCategory && !relatedCategory && !bothUnclassified) return null;
  const category = sameCategory ? 1 : relatedCategory ? 0.5 : 0.3;

  // The place first: it is cheap, and most candidates of a busy category are elsewhere — their
  // texts need not be cut into bigrams at all (most of a lookup's scoring time at 1M orders).
  const place = placeScore(order, candidate, settings);
  if (place === null) return null;
  const text = textSimilarity(options.orderGrams ?? bigrams(order.content, placeNamesOf(order)), bigrams(candidate.content, placeNamesOf(candidate)));
  if (text < settings.minText) return null;
  const score = Math.round((WEIGHTS.text * text + WEIGHTS.category * category + WEIGHTS.place * place.score) * 1000) / 1000;
  if (score < settings.threshold) return null;

  const days = Math.round(apart / DAY_MS);
  const clauses = [
    sameCategory ? `同一分类${options.categoryName ? `「${options.categoryName}」` : ''}` : relatedCategory ? '相关分类' : '均未分类',
    ...(place.clause ? [place.clause] : []),
    `诉求文字相似度 ${Math.round(text * 100)}%`,
    days === 0 ? '同一天提交' : `相隔 ${days} 天提交`,
  ];
  return {
    orderId: candidate.id,
    score,
    reason: clauses.join('；'),
    parts: { text: Math.round(text * 1000) / 1000, category, place: Math.round(place.score * 1000) / 1000, ...(place.distance === undefined ? {} : { distanceMeters: place.distance }) },
  };
}

/** The likely duplicates among candidates, best first. */
export function findDuplicates(
  order: DuplicateFacts,
  candidates: readonly DuplicateFacts[],
  options: { settings?: DuplicateSettings; related?: ReadonlySet<string>; categoryName?: string } = {},
): DuplicateMatch[] {
  const settings = options.settings ?? DEFAULT_DUPLICATE_SETTINGS;
  const orderGrams = bigrams(order.content, placeNamesOf(order));
  const matches: DuplicateMatch[] = [];
  for (const candidate of candidates) {
    const match = scoreDuplicate(order, candidate, { ...options, settings, orderGrams });
    if (match) matches.push(match);
  }
  return matches.sort((a, b) => b.score - a.score || a.orderId.localeCompare(b.orderId)).slice(0, settings.limit);
}
