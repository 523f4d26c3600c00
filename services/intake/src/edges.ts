// Small pieces every channel's edge shares: field rules, operator authentication, rate limits.
import { bearerToken, HttpError, isAllowedToken } from '@diandan/platform';
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';

export const CHINESE_MOBILE = /^1[3-9]\d{9}$/;
/** Landlines as call centres report them: area code and number, e.g. 023-12345678. */
export const CHINESE_LANDLINE = /^0\d{2,3}-?\d{7,8}$/;

/** Accepts "+86 138 0013 8000" or "138-0013-8000" and returns 13800138000, or the input. */
export const normalizePhone = (value: unknown): unknown =>
  typeof value === 'string' ? value.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '') : value;

export const mobileSchema = z.preprocess(normalizePhone, z.string().regex(CHINESE_MOBILE, 'not a Chinese mobile number (11 digits, 1[3-9]…)'));

export const callerNumberSchema = z.preprocess(
  (v) => (typeof v === 'string' && CHINESE_LANDLINE.test(v.trim()) ? v.trim() : normalizePhone(v)),
  z.string().refine((v) => CHINESE_MOBILE.test(v) || CHINESE_LANDLINE.test(v), 'not a Chinese mobile or landline number'),
);

/** Form fields arrive as strings; an empty one means "not given". */
export const blankToUndefined = (v: unknown): unknown => (v === '' || v === null ? undefined : v);
export const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().min(1).max(max).optional());
export const optionalNumber = (min: number, max: number) =>
  z.preprocess((v) => {
    const blank = blankToUndefined(v);
    return typeof blank === 'string' && /^-?\d+(\.\d+)?$/.test(blank.trim()) ? Number(blank) : blank;
  }, z.number().min(min).max(max).optional());

/** Idempotency keys must be unguessable: another client with the same key gets the same order. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{16,255}$/;

export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new HttpError(400, 'invalid_request', 'Idempotency-Key: 16 to 255 printable ASCII characters (use a random UUID)', {
      fields: [{ field: 'Idempotency-Key', message: '16 to 255 printable ASCII characters' }],
    });
  }
  return header;
}

/** Constant-time token matching lives in packages/platform's auth module. */
export { isAllowedToken };

/** Hotline and letter-box entries belong to operators: `Authorization: Bearer <token>`. */
export function requireOperator(tokens: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    const presented = bearerToken(req.get('authorization'));
    if (!isAllowedToken(presented, tokens)) {
      next(new HttpError(401, 'unauthorized', 'an operator token is required (Authorization: Bearer …)'));
      return;
    }
    next();
  };
}

/** Per client address; the answer is the platform's error shape unless a channel renders its own. */
export function limitRate(perMinute: number, onLimited?: RequestHandler): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // An X-Forwarded-For the platform does not trust (TRUST_PROXY unset) is ignored by design, not a misconfiguration to log.
    validate: { xForwardedForHeader: false },
    handler: (req, res, next) => {
      if (onLimited) {
        onLimited(req, res, next);
        return;
      }
      next(new HttpError(429, 'rate_limited', 'too many requests; slow down', undefined, { 'Retry-After': '60' }));
    },
  });
}
