// Chinese word segmentation: @node-rs/jieba (jieba's dictionary and HMM, compiled from Rust;
// docs/knowledge.md says why it and not pg_trgm). Used by the knowledge base's search (dispatch)
// and by the monthly bundling's keywords (the worker). The dictionary loads once per process
// (≈ 0.5 s), on first use.
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { searchTerms } from '@diandan/domain';

let jieba: Jieba | undefined;

const segmenter = (): Jieba => (jieba ??= Jieba.withDict(dict));

/** Search mode: long words are cut into their parts as well (会员卡 → 会员, 会员卡), so a question and an entry meet on either. */
export const segment = (text: string): string[] => segmenter().cutForSearch(text, true);

/** The search terms of a text: segmented, then the domain's stopwords and lone characters dropped. */
export const termsOf = (text: string): string[] => searchTerms(segment(text));

/** The words a reader sees in a text (jieba's precise mode, no overlapping parts), stopwords and lone characters dropped. */
export const wordsOf = (text: string): string[] => searchTerms(segmenter().cut(text, true));
