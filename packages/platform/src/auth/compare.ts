// Comparing what a caller presents with what we hold, in constant time: bearer tokens, shared
// service tokens and residents' order secrets. Both sides are hashed first, so neither the
// content nor the length of the held value leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Whether two strings are equal, in time that depends on neither of them. */
export function constantTimeEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Whether a presented token is one of the allowed ones (an empty one never is). */
export function isAllowedToken(presented: string | undefined, allowed: readonly string[]): boolean {
  if (presented === undefined || presented === '') return false;
  // Every allowed token is compared, so the answer takes as long whichever one matches.
  let found = false;
  for (const token of allowed) found = constantTimeEqual(presented, token) || found;
  return found;
}

/** How a resident's order secret is stored and travels: its sha256, hex. */
export const hashSecret = (secret: string): string => digest(secret).toString('hex');

/** Whether a presented order secret matches the stored hash, in constant time. */
export function secretMatches(secret: string, storedHash: string | null | undefined): boolean {
  if (!storedHash || !/^[0-9a-f]{64}$/i.test(storedHash)) return false;
  return timingSafeEqual(digest(secret), Buffer.from(storedHash, 'hex'));
}
