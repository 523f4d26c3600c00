// The knowledge base (知识库) as rules: which entries may be suggested, and how well an entry answers
// a question. Pure: the words come segmented (services/dispatch segments Chinese with jieba), and
// the document frequencies come from the caller's store. docs/knowledge.md says why these choices.
import { ok, reject, type Result } from './result';

/**
 * proposed: a unit wrote it from an answered consultation, a dispatcher has not judged it;
 * approved: suggested at triage while valid; rejected: a dispatcher said no; retired: withdrawn by hand.
 */
export const KNOWLEDGE_STATUSES = ['proposed', 'approved', 'rejected', 'retired'] as const;
export type KnowledgeStatus = (typeof KNOWLEDGE_STATUSES)[number];

export interface KnowledgeValidity {
  readonly validFrom?: Date | string | null;
  readonly validTo?: Date | string | null;
}

const time = (value: Date | string | null | undefined): number | null => (value === null || value === undefined ? null : new Date(value).getTime());

/** A validity window must end after it starts; either end may be open. */
export function checkValidity(validity: KnowledgeValidity): Result<true> {
  const from = time(validity.validFrom);
  const to = time(validity.validTo);
  if ((from !== null && Number.isNaN(from)) || (to !== null && Number.isNaN(to))) return reject('invalid_input', 'validity dates must be dates');
  if (from !== null && to !== null && to <= from) return reject('invalid_input', 'validTo must be after validFrom');
  return ok(true);
}

/** Whether an entry may be offered now: approved, and `now` inside its validity (stale entries never are). */
export function isSuggestible(entry: KnowledgeValidity & { readonly status: KnowledgeStatus | string }, now: Date): boolean {
  if (entry.status !== 'approved') return false;
  const from = time(entry.validFrom);
  const to = time(entry.validTo);
  const at = now.getTime();
  return (from === null || from <= at) && (to === null || at < to);
}

/**
 * Words that carry no subject in a resident's question: question words, politeness, pronouns,
 * the programme's own vocabulary. Keeping them would make every "怎么办" question match every entry.
 */
const STOPWORDS = new Set([
  '怎么', '怎么办', '怎样', '如何', '什么', '哪里', '哪儿', '哪些', '多少', '是否', '能否', '可以', '可不可以', '能不能', '有没有', '是不是',
  '请问', '你好', '您好', '谢谢', '麻烦', '希望', '想', '想要', '需要', '问', '问问', '一下', '咨询', '请', '帮忙', '帮助', '帮', '能',
  '我', '我们', '你', '你们', '他', '她', '他们', '自己', '这个', '那个', '这', '那', '这样', '还', '就', '都', '也', '又',
  '的', '了', '吗', '呢', '吧', '啊', '呀', '和', '与', '及', '或', '在', '是', '有', '没有', '要', '会', '对', '把', '被', '给', '从', '到',
  '现在', '目前', '一直', '已经', '时候', '情况', '问题', '事情', '相关', '办法',
]);

/** Word characters: CJK ideographs, Latin letters and digits. */
const WORDLIKE = /[\p{Script=Han}\p{L}\p{N}]/u;
const HAN = /^\p{Script=Han}$/u;

/**
 * The search terms of segmented text: lower-cased, de-duplicated, without stopwords, punctuation
 * and single Chinese characters (a lone 的 or 后 matches everything and means nothing).
 */
export function searchTerms(words: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const raw of words) {
    const word = raw.trim().toLowerCase();
    if (word === '' || !WORDLIKE.test(word) || STOPWORDS.has(word)) continue;
    if (HAN.test(word)) continue;
    seen.add(word);
  }
  return [...seen];
}

/** An entry's terms by field: a match in the question or keywords counts more than one in the answer. */
export interface IndexedEntry {
  readonly id: string;
  readonly question: readonly string[];
  readonly keywords: readonly string[];
  readonly answer: readonly string[];
}

export interface RankedEntry {
  readonly id: string;
  /** 0…1: the share of the query's weight the entry matches. */
  readonly score: number;
  /** The query terms it matched, best first. */
  readonly matched: readonly string[];
}

export interface RankOptions {
  /** Entries in the collection (for IDF). */
  readonly total: number;
  /**
   * Entries containing each term (for IDF). A term no entry contains cannot point to any entry;
   * it weighs like a common word (in a quarter of the entries), so an extra detail in a question
   * ("小区门口的路灯") does not sink the entry that fits.
   */
  readonly documentFrequency: ReadonlyMap<string, number>;
  readonly limit?: number;
  /** Entries scoring below are not offered (default DEFAULT_MIN_SCORE). */
  readonly minScore?: number;
}

export const FIELD_WEIGHTS = { question: 1, keywords: 1, answer: 0.5 } as const;
/** Chosen on the labelled set (test/kb/knowledgeLabelled.ts): the best balance of precision and recall there; docs/knowledge.md. */
export const DEFAULT_MIN_SCORE = 0.4;
export const DEFAULT_SUGGESTION_LIMIT = 5;

/** BM25's IDF (never negative): rare words decide, common ones barely count. */
export const idf = (total: number, df: number): number => Math.log(1 + (total - df + 0.5) / (df + 0.5));

/**
 * Ranks entries for a query: each query term weighs its IDF; an entry scores the weight of the
 * terms it contains (times the best field's weight) over the query's whole weight.
 */
export function rankEntries(queryTerms: readonly string[], entries: readonly IndexedEntry[], options: RankOptions): RankedEntry[] {
  const terms = [...new Set(queryTerms)];
  const total = Math.max(options.total, 1);
  const weights = new Map(terms.map((term) => [term, idf(total, options.documentFrequency.get(term) ?? Math.max(1, total / 4))]));
  const whole = [...weights.values()].reduce((sum, w) => sum + w, 0);
  if (whole === 0) return [];
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  const ranked: RankedEntry[] = [];
  for (const entry of entries) {
    const fields = { question: new Set(entry.question), keywords: new Set(entry.keywords), answer: new Set(entry.answer) };
    let gained = 0;
    const matched: Array<[string, number]> = [];
    for (const term of terms) {
      const field = fields.question.has(term) ? FIELD_WEIGHTS.question : fields.keywords.has(term) ? FIELD_WEIGHTS.keywords : fields.answer.has(term) ? FIELD_WEIGHTS.answer : 0;
      if (field === 0) continue;
      const gain = weights.get(term)! * field;
      gained += gain;
      matched.push([term, gain]);
    }
    const score = gained / whole;
    if (score >= minScore && matched.length > 0) {
      ranked.push({ id: entry.id, score: Math.round(score * 1000) / 1000, matched: matched.sort((a, b) => b[1] - a[1]).map(([term]) => term) });
    }
  }
  return ranked.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, options.limit ?? DEFAULT_SUGGESTION_LIMIT);
}

/** Document frequencies of a collection held in memory (tests, small stores). */
export function documentFrequencies(entries: readonly IndexedEntry[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const entry of entries) {
    for (const term of new Set([...entry.question, ...entry.keywords, ...entry.answer])) df.set(term, (df.get(term) ?? 0) + 1);
  }
  return df;
}

export interface RetrievalQuality {
  readonly precision: number;
  readonly recall: number;
  readonly queries: number;
}

/**
 * Micro-averaged precision and recall of a labelled set: retrieved[i] are the ids offered for
 * query i, relevant[i] the ids a person judged right (empty: nothing should be offered).
 */
export function retrievalQuality(retrieved: ReadonlyArray<readonly string[]>, relevant: ReadonlyArray<readonly string[]>): RetrievalQuality {
  let hits = 0;
  let offered = 0;
  let wanted = 0;
  retrieved.forEach((ids, i) => {
    const right = new Set(relevant[i] ?? []);
    offered += ids.length;
    wanted += right.size;
    hits += ids.filter((id) => right.has(id)).length;
  });
  return { precision: offered === 0 ? 1 : hits / offered, recall: wanted === 0 ? 1 : hits / wanted, queries: retrieved.length };
}
