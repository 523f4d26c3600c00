// Staff tokens: HS256 JWTs issued by services/dispatch and verified by every service. Each token
// names its signing key (`kid`) so that keys rotate without logging everybody out: the current
// key signs, previous keys still verify until their tokens have expired. A token must carry an
// expiry, our issuer and audience, and the use it was issued for (an access token is no refresh
// token, no feed ticket).
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const STAFF_TOKEN_ISSUER = 'diandan-dispatch';
export const STAFF_TOKEN_AUDIENCE = 'diandan-staff';

export interface SigningKey {
  kid: string;
  secret: string;
}

export interface KeyRing {
  /** Signs every new token. */
  current: SigningKey;
  /** Still verify tokens signed before the last rotation. */
  previous: readonly SigningKey[];
}

/**
 * The key ring from configuration: `JWT_SECRET` under `JWT_KID` signs; `JWT_PREVIOUS_KEYS`
 * (`kid:secret,kid:secret`) only verify.
 */
export function keyRingFrom(config: { JWT_SECRET: string; JWT_KID: string; JWT_PREVIOUS_KEYS: readonly SigningKey[] }): KeyRing {
  return { current: { kid: config.JWT_KID, secret: config.JWT_SECRET }, previous: config.JWT_PREVIOUS_KEYS.filter((k) => k.kid !== config.JWT_KID) };
}

/** access: every API call; refresh: buys a new pair once; feed: opens the live feed once, for seconds. */
export type TokenUse = 'access' | 'refresh' | 'feed';

export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

export interface VerifiedToken {
  sub: string;
  /** The login session the token belongs to (revoked on logout, password change, deactivation). */
  sid: string;
  jti: string;
  exp: number;
  claims: Record<string, unknown>;
}

export function signToken(keys: KeyRing, use: TokenUse, token: { sub: string; sid: string; ttlSeconds: number; jti?: string; claims?: object }): string {
  const { current } = keys;
  return jwt.sign({ ...token.claims, use, sid: token.sid }, current.secret, {
    algorithm: 'HS256',
    keyid: current.kid,
    subject: token.sub,
    issuer: STAFF_TOKEN_ISSUER,
    audience: STAFF_TOKEN_AUDIENCE,
    expiresIn: token.ttlSeconds,
    jwtid: token.jti ?? randomUUID(),
  });
}

function keyOf(keys: KeyRing, kid: unknown): SigningKey | undefined {
  if (typeof kid !== 'string') return undefined;
  return [keys.current, ...keys.previous].find((key) => key.kid === kid);
}

export function verifyToken(token: string, use: TokenUse, keys: KeyRing): VerifiedToken {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload === 'string') throw new InvalidTokenError('token invalid');
  const key = keyOf(keys, decoded.header.kid);
  if (!key) throw new InvalidTokenError('token invalid: unknown signing key');
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, key.secret, { algorithms: ['HS256'], issuer: STAFF_TOKEN_ISSUER, audience: STAFF_TOKEN_AUDIENCE });
  } catch (error) {
    throw new InvalidTokenError(error instanceof jwt.TokenExpiredError ? 'token expired' : 'token invalid');
  }
  if (typeof payload === 'string') throw new InvalidTokenError('token invalid');
  // jsonwebtoken accepts a token without `exp`; ours never lacks one.
  if (typeof payload.exp !== 'number') throw new InvalidTokenError('token invalid: no expiry');
  if (payload.use !== use) throw new InvalidTokenError(`not ${use === 'access' ? 'an' : 'a'} ${use} token`);
  const { sub, sid, jti, exp } = payload;
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string') throw new InvalidTokenError('token invalid');
  return { sub, sid, jti, exp, claims: payload };
}
