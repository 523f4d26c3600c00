// Proposals (提议) and supports (附议) of an annual cycle's solicitation: who counts as one
// supporter, the abuse limits, what a merge may join, and the ranking the joint meeting reads.
// Pure; the channels (services/intake) hash the identities and store what this allows.
import { ok, reject, type Result } from '../result';

export const PROPOSAL_STATUSES = ['open', 'merged', 'accepted', 'declined'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/**
 * What proves a supporter, by channel: a WeChat openid (the WeChat callback proves it), an e-mail
 * address or a mobile number (a one-time code sent there), or a hotline call a staff member
 * entered (the caller's number: it counts as the same person as a code sent to that number).
 */
export const SUPPORT_IDENTITY_KINDS = ['wechat', 'email', 'phone'] as const;
export type SupportIdentityKind = (typeof SUPPORT_IDENTITY_KINDS)[number];

export interface SupportIdentity {
  readonly kind: SupportIdentityKind;
  readonly value: string;
}

/** The same person written two ways is one supporter: e-mail lower-cased, a mobile number without +86, spaces or dashes. */
export function normaliseIdentity(identity: SupportIdentity): Result<SupportIdentity> {
  const raw = typeof identity.value === 'string' ? identity.value.trim() : '';
  switch (identity.kind) {
    case 'email': {
      const email = raw.toLowerCase();
      return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) && email.length <= 254 ? ok({ kind: 'email', value: email }) : reject('invalid_input', 'not an e-mail address');
    }
    case 'phone': {
      const digits = raw.replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '');
      return /^1[3-9]\d{9}$/.test(digits) ? ok({ kind: 'phone', value: digits }) : reject('invalid_input', 'not a mainland mobile number');
    }
    case 'wechat':
      return /^[\w-]{6,128}$/.test(raw) ? ok({ kind: 'wechat', value: raw }) : reject('invalid_input', 'not a WeChat openid');
    default:
      return reject('invalid_input', `identity kind must be one of ${SUPPORT_IDENTITY_KINDS.join(', ')}`);
  }
}

/** The text a channel hashes into an identity key (the key, never the identity, is stored). */
export const identityKeyMaterial = (identity: SupportIdentity): string => `${identity.kind}:${identity.value}`;

export interface SupportLimits {
  /** Supports one identity may give in 24 hours (over all proposals). */
  readonly perIdentityPerDay: number;
  /** Supports from one client address in an hour (a desk or shared network gives many). */
  readonly perAddressPerHour: number;
  /** Proposals one identity or address may submit in 24 hours. */
  readonly proposalsPerDay: number;
  /** One-time codes one identity may ask for in an hour, and tries per code. */
  readonly codesPerHour: number;
  readonly codeAttempts: number;
  /** One-time codes one client address may ask for in an hour, whatever the addresses or numbers (an SMS costs money; no bombing of many numbers). Default 20. */
  readonly codesPerAddressPerHour?: number;
}

export const DEFAULT_SUPPORT_LIMITS: SupportLimits = { perIdentityPerDay: 30, perAddressPerHour: 60, proposalsPerDay: 5, codesPerHour: 5, codeAttempts: 5, codesPerAddressPerHour: 20 };

/** Whether one more support is within the limits, given what was counted; the reason says which limit. */
export function checkSupportLimits(counted: { identityLastDay: number; addressLastHour: number }, limits: SupportLimits = DEFAULT_SUPPORT_LIMITS): Result<true> {
  if (counted.identityLastDay >= limits.perIdentityPerDay) return reject('forbidden', `at most ${limits.perIdentityPerDay} supports a day per person`);
  if (counted.addressLastHour >= limits.perAddressPerHour) return reject('forbidden', `at most ${limits.perAddressPerHour} supports an hour from one address`);
  return ok(true);
}

export interface ProposalRef {
  readonly id: string;
  readonly cycleId: string;
  readonly status: ProposalStatus;
}

/** A duplicate may be merged into another open proposal of the same cycle (not into itself, not in a chain). */
export function checkMerge(source: ProposalRef, target: ProposalRef): Result<true> {
  if (source.id === target.id) return reject('invalid_input', 'a proposal cannot be merged into itself');
  if (source.cycleId !== target.cycleId) return reject('invalid_input', 'proposals of different cycles cannot be merged');
  if (source.status !== 'open') return reject('illegal_transition', `proposal ${source.id} is ${source.status}; only an open proposal can be merged`, { command: 'merge', status: source.status });
  if (target.status !== 'open') return reject('illegal_transition', `proposal ${target.id} is ${target.status}; merge only into an open proposal`, { command: 'merge', status: target.status });
  return ok(true);
}

/** The joint meeting's reading order: most supported first, then by category, then oldest. */
export function rankProposals<T extends { supportCount: number; categoryCode: string | null; createdAt: Date | string }>(proposals: readonly T[]): T[] {
  return [...proposals].sort(
    (a, b) =>
      b.supportCount - a.supportCount ||
      (a.categoryCode ?? '').localeCompare(b.categoryCode ?? '') ||
      new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime(),
  );
}
