// Text that crosses the intake edge (and staff free text that enters lifecycle events) is
// normalised once, the same way for every channel, so that nothing accepted becomes unstorable
// downstream: PostgreSQL refuses U+0000 in text and jsonb, and a lone UTF-16 surrogate is not
// Unicode at all (it cannot be encoded as UTF-8). Pure and regex-only: the workflow bundle uses it.

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** C0/C1 controls except tab, line feed and carriage return (U+0000 among them). */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/**
 * Bidirectional formatting characters (marks, embeddings, overrides, isolates): invisible, and
 * able to make a staff screen show text in another order than it was written ("Trojan Source").
 * Residents write Chinese; nothing legitimate is lost by removing them.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * NFC, lone surrogates → U+FFFD, controls and bidi formatting removed. Emoji and every other
 * character stay as they are. Idempotent: `normaliseText(normaliseText(s)) === normaliseText(s)`.
 */
export function normaliseText(value: string): string {
  return value.replace(LONE_SURROGATE, '\uFFFD').replace(CONTROLS, '').replace(BIDI_CONTROLS, '').normalize('NFC');
}

/** True when the text is already normalised: what the Kafka contract requires of every text field. */
export const isNormalText = (value: string): boolean => normaliseText(value) === value;

/** Normalises every string inside a JSON-like value (objects and arrays, recursively). */
export function normaliseStrings<T>(value: T): T {
  if (typeof value === 'string') return normaliseText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => normaliseStrings(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseStrings(v)])) as T;
  }
  return value;
}
