// The knowledge base's terms of an entry, from the platform's Chinese segmentation (jieba).
import { searchTerms } from '@diandan/domain';
import { segment, termsOf } from '@diandan/platform';

/** What the store keeps per entry: all terms (for the GIN index) and those of question and keywords. */
export function entryTerms(entry: { question: string; answer: string; keywords: readonly string[] }) {
  const questionTerms = termsOf(entry.question);
  const keywordTerms = searchTerms(entry.keywords.flatMap((k) => [k, ...segment(k)]));
  const terms = [...new Set([...questionTerms, ...keywordTerms, ...termsOf(entry.answer)])];
  return { terms, questionTerms, keywordTerms };
}
