// What dispatch issues: access tokens (every API call, minutes), refresh tokens (one exchange
// each, days) and feed tickets (open the live feed once, seconds). Signing and verification are
// packages/platform's; this file says what a token of each kind claims.
import { signToken, type KeyRing, type Staff } from '@diandan/platform';

export interface TokenSettings {
  keys: KeyRing;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** Lifetime of a live-feed ticket: long enough to open the EventSource, no longer. */
  feedTicketTtlSeconds?: number;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshExpiresIn: number;
}

export function issueTokens(staff: Staff, session: { id: string; refreshJti: string }, settings: TokenSettings): TokenPair {
  return {
    accessToken: signToken(settings.keys, 'access', {
      sub: staff.userId,
      sid: session.id,
      ttlSeconds: settings.accessTtlSeconds,
      claims: { username: staff.username, role: staff.role, unitId: staff.unitId, name: staff.displayName },
    }),
    refreshToken: signToken(settings.keys, 'refresh', { sub: staff.userId, sid: session.id, jti: session.refreshJti, ttlSeconds: settings.refreshTtlSeconds }),
    tokenType: 'Bearer',
    expiresIn: settings.accessTtlSeconds,
    refreshExpiresIn: settings.refreshTtlSeconds,
  };
}
