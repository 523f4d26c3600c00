// Staff access tokens issued by services/dispatch (src/auth/tokens.ts): HS256 with the shared
// JWT_SECRET, issuer diandan-dispatch, audience diandan-staff, claim use = access. Verified here
// with node:crypto alone, so feedback needs no JWT library and cannot drift to another algorithm.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from '@diandan/platform';

export const ISSUER = 'diandan-dispatch';
export const AUDIENCE = 'diandan-staff';
/** Read-only roles that may see anonymized orders and record callbacks. */
export const EVALUATOR_ROLES = ['evaluator', 'supervisor', 'admin'] as const;

export interface StaffClaims {
  userId: string;
  username: string;
  role: string;
  unitId: string | null;
}

const base64url = (buffer: Buffer): string => buffer.toString('base64url');

function decodeJson(part: string): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
  return value as Record<string, unknown>;
}

/** The staff member of a valid access token; throws HttpError 401 otherwise. */
export function verifyStaffToken(token: string, secret: string, now: Date = new Date()): StaffClaims {
  const invalid = (why = 'token invalid') => new HttpError(401, 'unauthorized', why, undefined, { 'WWW-Authenticate': 'Bearer' });
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid();
  const [head, body, signature] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = decodeJson(head);
    payload = decodeJson(body);
  } catch {
    throw invalid();
  }
  if (header.alg !== 'HS256') throw invalid();
  const expected = Buffer.from(base64url(createHmac('sha256', secret).update(`${head}.${body}`).digest()));
  const presented = Buffer.from(signature);
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) throw invalid();
  const seconds = Math.floor(now.getTime() / 1000);
  if (typeof payload.exp !== 'number' || payload.exp <= seconds) throw invalid('token expired');
  if (typeof payload.nbf === 'number' && payload.nbf > seconds) throw invalid();
  const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (payload.iss !== ISSUER || !audience.includes(AUDIENCE) || payload.use !== 'access') throw invalid();
  if (typeof payload.sub !== 'string' || typeof payload.role !== 'string' || typeof payload.username !== 'string') throw invalid();
  return { userId: payload.sub, username: payload.username, role: payload.role, unitId: typeof payload.unitId === 'string' ? payload.unitId : null };
}

declare module 'express-serve-static-core' {
  interface Request {
    staff?: StaffClaims;
  }
}

/** Bearer token of one of `roles`: 401 without a valid token, 403 with another role. */
export function requireStaff(secret: string, roles: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new HttpError(401, 'unauthorized', 'a staff access token is required (Authorization: Bearer …)', undefined, { 'WWW-Authenticate': 'Bearer' });
    const staff = verifyStaffToken(match[1]!, secret);
    if (!roles.includes(staff.role)) throw new HttpError(403, 'forbidden', `role ${staff.role} may not do this; needs ${roles.join(' or ')}`);
    req.staff = staff;
    next();
  };
}
