// JWTs for staff: a short-lived access token on every request, a longer refresh token that only
// buys a new pair (and only while the user is still active). HMAC-SHA256 with JWT_SECRET.
import jwt from 'jsonwebtoken';
import { isStaffRole, type Staff } from './staff';

const ISSUER = 'diandan-dispatch';
const AUDIENCE = 'diandan-staff';

export interface TokenSettings {
  secret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshExpiresIn: number;
}

type TokenUse = 'access' | 'refresh';

export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

export function issueTokens(staff: Staff, settings: TokenSettings): TokenPair {
  const sign = (use: TokenUse, ttl: number, claims: object) =>
    jwt.sign({ ...claims, use }, settings.secret, { algorithm: 'HS256', subject: staff.userId, issuer: ISSUER, audience: AUDIENCE, expiresIn: ttl });
  return {
    accessToken: sign('access', settings.accessTtlSeconds, { username: staff.username, role: staff.role, unitId: staff.unitId, name: staff.displayName }),
    refreshToken: sign('refresh', settings.refreshTtlSeconds, {}),
    tokenType: 'Bearer',
    expiresIn: settings.accessTtlSeconds,
    refreshExpiresIn: settings.refreshTtlSeconds,
  };
}

function verify(token: string, use: TokenUse, secret: string): jwt.JwtPayload {
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
  } catch (error) {
    throw new InvalidTokenError(error instanceof jwt.TokenExpiredError ? 'token expired' : 'token invalid');
  }
  if (typeof payload === 'string' || payload.use !== use || typeof payload.sub !== 'string') throw new InvalidTokenError(`not an ${use} token`);
  return payload;
}

export function verifyAccessToken(token: string, secret: string): Staff {
  const payload = verify(token, 'access', secret);
  const { sub, username, role, unitId, name } = payload as jwt.JwtPayload & Record<string, unknown>;
  if (typeof role !== 'string' || !isStaffRole(role) || typeof username !== 'string') throw new InvalidTokenError('token invalid');
  return { userId: sub as string, username, role, unitId: typeof unitId === 'string' ? unitId : null, displayName: typeof name === 'string' ? name : username };
}

/** Returns the user id the refresh token was issued to. */
export function verifyRefreshToken(token: string, secret: string): string {
  return verify(token, 'refresh', secret).sub as string;
}
