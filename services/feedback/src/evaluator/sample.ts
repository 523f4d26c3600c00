// A reproducible random sample for callbacks (回访): the same month, size and seed draw the same
// orders, so an evaluator's sample can be checked by anyone who repeats it.
import { createHash } from 'node:crypto';

/** mulberry32 seeded from sha256(seed): small, fast, and the same on every machine. */
export function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed, 'utf8').digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `size` items drawn without replacement (a partial Fisher–Yates shuffle). The population must
 * come in a stable order (e.g. sorted by id) for the draw to be reproducible.
 */
export function drawSample<T>(population: readonly T[], size: number, seed: string): T[] {
  const items = [...population];
  const random = seededRandom(seed);
  const n = Math.min(size, items.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (items.length - i));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items.slice(0, n);
}
