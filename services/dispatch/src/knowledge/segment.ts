// Chinese word segmentation for the knowledge base: @node-rs/jieba (jieba's dictionary and HMM,
// compiled from Rust; docs/knowledge.md says why it and not pg_trgm). Search mode cuts long words
// into their parts as well (会员卡 → 会员, 会员卡), so a question and an entry meet on either.
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { searchTerms } from '@diandan/domain';

let jieba: Jieba | undefined;

/** The dictionary loads once per process (≈ 0.5 s), on first use. */
const segmenter = (): Jieba => (jieba ??= Jieba.withDict(dict));

export const segment = (text: string): string[] => segmenter().cutForSearch(text, true);

/** The search terms of a text: segmented, then the domain's stopwords and lone characters dropped. */
export const termsOf = (text: string): string[] => searchTerms(segment(text));

/** What the store keeps per entry: all terms (for the GIN index) and those of question and keywords. */
export function entryTerms(entry: { question: string; answer: string; keywords: readonly string[] }) {
  const questionTerms = termsOf(entry.question);
  const keywordTerms = searchTerms(entry.keywords.flatMap((k) => [k, ...segment(k)]));
  const terms = [...new Set([...questionTerms, ...keywordTerms, ...termsOf(entry.answer)])];
  return { terms, questionTerms, keywordTerms };
}
