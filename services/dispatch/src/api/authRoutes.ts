// Login, refresh, logout and live-feed tickets. Answers are deliberately alike for "no such user"
// and "wrong password"; repeated failures lock the user name and the address (429, Retry-After).
import { Router, type Request } from 'express';
import { z } from 'zod';
import { HttpError, signToken, staffOf, validate } from '@diandan/platform';
import { SessionError } from '../auth/sessions';
import { checkCredentials } from '../auth/users';
import type { ApiDeps } from './deps';
import type { StaffAccounts } from './accounts';

const loginSchema = z.object({ username: z.string().trim().min(1).max(100), password: z.string().min(1).max(200) });
const refreshSchema = z.object({ refreshToken: z.string().min(1).max(4096) });

const FEED_TICKET_TTL_SECONDS = 30;

const clientOf = (req: Request) => ({ address: req.ip ?? null, userAgent: req.get('user-agent') ?? null });

/** Routes that need no access token: login and refresh. */
export function authRoutes({ prisma }: ApiDeps, accounts: StaffAccounts): Router {
  const router = Router();
  const { sessions, throttle, audit } = accounts;

  router.post('/v1/auth/login', async (req, res) => {
    const { username, password } = validate(loginSchema, req.body);
    const client = clientOf(req);
    const retryAfter = await throttle.retryAfter(username, client.address ?? undefined);
    if (retryAfter > 0) {
      await audit.record({ username, action: 'auth.login_locked', status: 429, ...client });
      throw new HttpError(429, 'too_many_attempts', `too many failed logins; try again in ${retryAfter} s`, { retryAfterSeconds: retryAfter }, { 'Retry-After': String(retryAfter) });
    }
    const staff = await checkCredentials(prisma, username, password);
    if (!staff) {
      await throttle.failed(username, client.address ?? undefined);
      await audit.record({ username, action: 'auth.login_failed', status: 401, ...client });
      throw new HttpError(401, 'invalid_credentials', 'wrong username or password');
    }
    await throttle.succeeded(username);
    const { sessionId, tokens } = await sessions.open(staff, client.address ?? undefined);
    await audit.record({ staff, action: 'auth.login', targetType: 'session', targetId: sessionId, status: 200, ...client });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ ...tokens, user: staff });
  });

  router.post('/v1/auth/refresh', async (req, res) => {
    const { refreshToken } = validate(refreshSchema, req.body);
    try {
      // Role and unit are read afresh: a changed or deactivated user does not keep old powers.
      const { staff, sessionId, tokens } = await sessions.refresh(refreshToken);
      res.setHeader('Cache-Control', 'no-store');
      res.json({ ...tokens, user: staff });
      void audit.record({ staff, action: 'auth.refresh', targetType: 'session', targetId: sessionId, status: 200, ...clientOf(req) });
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      if (error.reason === 'reused') await audit.record({ action: 'auth.refresh_reused', status: 401, ...clientOf(req) });
      throw new HttpError(401, 'unauthenticated', error.message);
    }
  });
  return router;
}

/** Routes behind the access token: logout and the live-feed ticket. */
export function sessionRoutes(deps: ApiDeps, accounts: StaffAccounts): Router {
  const router = Router();
  router.post('/v1/auth/logout', async (_req, res) => {
    const sessionId = res.locals.sessionId as string;
    await accounts.sessions.revoke(sessionId, 'logout');
    res.status(204).end();
  });
  // EventSource cannot send an Authorization header, and a token in a URL ends up in logs and
  // history: the console asks for a ticket that opens the feed once, within seconds.
  router.post('/v1/auth/feed-ticket', (_req, res) => {
    const staff = staffOf(res);
    const ttl = deps.tokens.feedTicketTtlSeconds ?? FEED_TICKET_TTL_SECONDS;
    const ticket = signToken(deps.tokens.keys, 'feed', { sub: staff.userId, sid: res.locals.sessionId as string, ttlSeconds: ttl });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ ticket, expiresIn: ttl });
  });
  return router;
}
