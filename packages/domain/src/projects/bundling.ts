// Monthly bundling (两个打包): once a month the month's orders are clustered into proposed bundles
// — same category, same area, similar text — each of which a supervisor may turn into one project
// ("set up a ticket-buying service point" answers thirty ticket requests at once). Pure and
// deterministic: the same orders always give the same bundles, in the same order.
import type { WorkingCalendar } from '../calendar';
import { normaliseText } from '../text';

export interface BundlingOrder {
  readonly id: string;
  readonly categoryCode: string | null;
  /** The community (or street) the order's address names, else the unit that holds it. */
  readonly areaId: string | null;
  readonly content: string;
  /** ISO instant. */
  readonly placedAt: string;
}

export interface BundlingOptions {
  /** Fewer orders than this are no bundle (default 3). */
  readonly minSize?: number;
  /** Jaccard similarity of character textPairs an order needs with a bundle's first order (default 0.12). */
  readonly similarity?: number;
  /** Orders per bundle at most (default 500): a larger cluster splits. */
  readonly maxSize?: number;
}

export interface ProposedBundle {
  /** Stable for the same month and orders: `<category>|<area>|<first order id>`. */
  readonly key: string;
  readonly categoryCode: string | null;
  readonly areaId: string | null;
  /** Oldest first. */
  readonly orderIds: readonly string[];
  /** The words most of the bundle's orders share, most shared first (character pairs unless a segmenter was given). */
  readonly keywords: readonly string[];
  readonly firstPlacedAt: string;
  readonly lastPlacedAt: string;
  /** The text of the bundle's first order, shortened: what the bundle is about. */
  readonly sample: string;
}

export const DEFAULT_BUNDLING: Required<BundlingOptions> = { minSize: 3, similarity: 0.12, maxSize: 500 };

// Characters that carry no meaning for "is this the same need": punctuation, spaces, digits.
const NOISE = /[\s\p{P}\p{S}\d]+/gu;
// Pairs that occur in almost every request and would glue unrelated ones together (and, as words,
// say nothing as a bundle's keyword).
const COMMON = new Set(['希望', '社区', '我们', '能否', '可以', '问题', '一下', '帮忙', '请求', '需要', '居民', '小区', '没有', '什么', '怎么', '这个', '反映']);

/** The set of character textPairs of a text (Chinese has no spaces; pairs are what segmenters start from). */
export function textPairs(content: string): Set<string> {
  const chars = [...normaliseText(content).toLowerCase().replace(NOISE, '')];
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) {
    const pair = chars[i]! + chars[i + 1]!;
    if (!COMMON.has(pair)) pairs.add(pair);
  }
  return pairs;
}

interface Cluster {
  leader: Set<string>;
  members: BundlingOrder[];
  pairs: Map<string, number>;
}

/** Clusters one category × area group greedily: each order joins the most similar open cluster, or starts one. */
function clusterGroup(orders: readonly BundlingOrder[], options: Required<BundlingOptions>): Cluster[] {
  const clusters: Cluster[] = [];
  // pair → clusters whose leader has it: an order is compared only with clusters it shares a pair with.
  const index = new Map<string, number[]>();
  for (const order of orders) {
    const pairs = textPairs(order.content);
    const shared = new Map<number, number>();
    for (const pair of pairs) for (const c of index.get(pair) ?? []) shared.set(c, (shared.get(c) ?? 0) + 1);
    let best = -1;
    let bestScore = 0;
    for (const [c, common] of shared) {
      const cluster = clusters[c]!;
      if (cluster.members.length >= options.maxSize) continue;
      const score = common / (pairs.size + cluster.leader.size - common);
      // Ties go to the older cluster: deterministic.
      if (score > bestScore || (score === bestScore && c < best)) {
        best = c;
        bestScore = score;
      }
    }
    if (best >= 0 && bestScore >= options.similarity) {
      const cluster = clusters[best]!;
      cluster.members.push(order);
      for (const pair of pairs) cluster.pairs.set(pair, (cluster.pairs.get(pair) ?? 0) + 1);
    } else {
      const at = clusters.push({ leader: pairs, members: [order], pairs: new Map([...pairs].map((p) => [p, 1])) }) - 1;
      for (const pair of pairs) {
        const list = index.get(pair);
        if (list) list.push(at);
        else index.set(pair, [at]);
      }
    }
  }
  return clusters;
}

const byPlacedThenId = (a: BundlingOrder, b: BundlingOrder): number => (a.placedAt < b.placedAt ? -1 : a.placedAt > b.placedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Han words only: a code, a number or a tracking marker is no keyword people read. */
const HAN_WORD = /^\p{Script=Han}{2,}$/u;

/** What most of a bundle's orders share (at least two of them, and half), most shared first, six at most. */
function sharedMost(counts: Map<string, number>, size: number): string[] {
  return [...counts.entries()]
    .filter(([word, count]) => count >= Math.max(2, size / 2) && HAN_WORD.test(word) && !COMMON.has(word))
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1))
    .slice(0, 6)
    .map(([word]) => word);
}

/**
 * The month's proposed bundles, largest first. Orders that join no bundle of `minSize` are left out.
 * `words` segments a text into words (the worker passes jieba's): the keywords are then words a
 * supervisor reads (路灯, 三天) rather than the character pairs the clustering compares (区路, 了三).
 */
export function proposeBundles(orders: readonly BundlingOrder[], options: BundlingOptions = {}, words?: (text: string) => readonly string[]): ProposedBundle[] {
  const settings = { ...DEFAULT_BUNDLING, ...options };
  const groups = new Map<string, BundlingOrder[]>();
  for (const order of orders) {
    const key = `${order.categoryCode ?? ''}|${order.areaId ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(order);
    else groups.set(key, [order]);
  }
  const bundles: ProposedBundle[] = [];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!.sort(byPlacedThenId);
    for (const cluster of clusterGroup(group, settings)) {
      if (cluster.members.length < settings.minSize) continue;
      const first = cluster.members[0]!;
      let counts = cluster.pairs;
      if (words) {
        counts = new Map();
        for (const member of cluster.members) for (const word of new Set(words(member.content))) counts.set(word, (counts.get(word) ?? 0) + 1);
      }
      const keywords = sharedMost(counts, cluster.members.length);
      bundles.push({
        key: `${first.categoryCode ?? ''}|${first.areaId ?? ''}|${first.id}`,
        categoryCode: first.categoryCode,
        areaId: first.areaId,
        orderIds: cluster.members.map((m) => m.id),
        keywords,
        firstPlacedAt: first.placedAt,
        lastPlacedAt: cluster.members[cluster.members.length - 1]!.placedAt,
        sample: [...first.content].slice(0, 80).join(''),
      });
    }
  }
  return bundles.sort((a, b) => b.orderIds.length - a.orderIds.length || (a.key < b.key ? -1 : 1));
}

const CHINA_OFFSET_MS = 8 * 3600_000;

/** `YYYY-MM` before the given one. */
export const previousMonth = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

/** The first working day (China time, holidays and 调休 counted) of a `YYYY-MM` month, as `YYYY-MM-DD`. */
export function firstWorkingDayOfMonth(month: string, calendar: Pick<WorkingCalendar, 'isWorkingDay'>): string {
  for (let day = 1; day <= 31; day++) {
    const date = `${month}-${String(day).padStart(2, '0')}`;
    if (calendar.isWorkingDay(new Date(Date.parse(`${date}T12:00:00+08:00`)))) return date;
  }
  throw new Error(`no working day in ${month}`);
}

/**
 * The month to bundle when the schedule fires at `now`: the previous month, but only on the first
 * working day of the current one (the Schedule fires on the first days of every month, since a
 * cron expression cannot know the holidays; the other days it does nothing).
 */
export function monthToBundle(now: Date, calendar: Pick<WorkingCalendar, 'isWorkingDay'>): string | null {
  const today = new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
  const month = today.slice(0, 7);
  return firstWorkingDayOfMonth(month, calendar) === today ? previousMonth(month) : null;
}

/** The China-time month `YYYY-MM` as a half-open UTC interval. */
export function monthRange(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: new Date(`${month}-01T00:00:00+08:00`), to: new Date(`${next}-01T00:00:00+08:00`) };
}
