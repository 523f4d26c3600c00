// Every date and time an evaluator or the public reads is China time (Asia/Shanghai). A fixed
// +08:00 offset is exact: China has observed no daylight saving time since 1991, and a fixed
// offset keeps these functions pure (no time-zone database, the same answer on every machine).

const OFFSET_MS = 8 * 3600_000;

/** What a header or a label says next to a China-time value. */
export const CHINA_TIME_LABEL = '北京时间';

/** `2026-03-15 09:10:00`: China time for people (CSV, XLSX, PDF, pages). */
export function chinaDateTime(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** `2026-03-15`: the China-time calendar day. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * `2026-03-15T09:10:00.000+08:00`: ISO 8601 with China's offset, for JSON answers — a machine
 * parses it to the same instant as the UTC form, a person reads China time.
 */
export function chinaIso(at: Date): string {
  return `${new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 23)}+08:00`;
}

/** `chinaIso` for nullable values. */
export const chinaIsoOrNull = (at: Date | null | undefined): string | null => (at ? chinaIso(at) : null);

/** The instant a China-time calendar year starts: 2026 → 2025-12-31T16:00:00Z. */
export const chinaYearStart = (year: number): Date => new Date(Date.UTC(year, 0, 1) - OFFSET_MS);
