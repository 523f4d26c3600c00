/**
 * 扯皮推诿 — an order bounced between units instead of being handled. Two patterns are flagged:
 * too many returns (退单) overall, and a ping-pong where the same two units hand the order back
 * and forth (A → B → A), which can hide below the return threshold.
 */

export interface BuckPassingPolicy {
  /** Returns at which an order is flagged; 3 by default. */
  readonly maxReturns: number;
}

export const DEFAULT_BUCK_PASSING_POLICY: BuckPassingPolicy = { maxReturns: 3 };

export type BuckPassingPattern = 'returns' | 'ping_pong';

export interface BuckPassingFinding {
  readonly flagged: boolean;
  readonly patterns: readonly BuckPassingPattern[];
  /** The two units of the first ping-pong found, in the order they held the order. */
  readonly pingPong?: readonly [string, string];
  readonly returns: number;
}

/**
 * `assignedUnitIds` is the order's assignment history, oldest first: every unit it was
 * dispatched, escalated or reopened to. A unit given the order twice in a row (re-dispatched to
 * the same unit) is one stay, not a ping-pong.
 */
export function detectBuckPassing(
  history: { readonly returns: number; readonly assignedUnitIds: readonly string[] },
  policy: BuckPassingPolicy = DEFAULT_BUCK_PASSING_POLICY,
): BuckPassingFinding {
  const patterns: BuckPassingPattern[] = [];
  if (history.returns >= policy.maxReturns) patterns.push('returns');

  const stays = history.assignedUnitIds.filter((unitId, i, all) => i === 0 || all[i - 1] !== unitId);
  let pingPong: [string, string] | undefined;
  for (let i = 0; i + 2 < stays.length && !pingPong; i += 1) {
    const [first, second, third] = [stays[i], stays[i + 1], stays[i + 2]];
    if (first !== undefined && second !== undefined && first === third) pingPong = [first, second];
  }
  if (pingPong) patterns.push('ping_pong');

  return { flagged: patterns.length > 0, patterns, returns: history.returns, ...(pingPong ? { pingPong } : {}) };
}
