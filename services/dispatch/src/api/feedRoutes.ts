// GET /v1/feed: server-sent events of lifecycle events the caller may see — unit handlers only
// their unit's, officers their branch's, evaluators scrubbed and without addresses, nobody the resident's secret hash.
// Opened with `Authorization: Bearer <access token>` or, from a browser's EventSource (which
// cannot send headers), with `?ticket=` from POST /v1/auth/feed-ticket: single use, 30 seconds,
// good for nothing else. Access tokens in the URL are refused.
import { Router, type Request, type Response } from 'express';
import { bearerChallenge, bearerToken, HttpError, InvalidTokenError, staffOfAccessToken, verifyToken, type Staff, type StaffRole } from '@diandan/platform';
import type { ApiDeps } from './deps';
import type { StaffAccounts } from './accounts';
import { officerScope } from './scope';
import { concernsUnit, publicEvent } from './views';

const HEARTBEAT_MS = 15_000;
const FEED_ROLES: readonly StaffRole[] = ['operator', 'dispatcher', 'unit_handler', 'street_officer', 'district_officer', 'supervisor', 'evaluator'];

/** Ticket ids already used, until their expiry (a ticket opens one feed, once). */
class UsedTickets {
  private readonly used = new Map<string, number>();

  claim(jti: string, exp: number): boolean {
    const now = Date.now() / 1000;
    for (const [id, until] of this.used) if (until < now) this.used.delete(id);
    if (this.used.has(jti)) return false;
    this.used.set(jti, exp);
    return true;
  }
}

export function feedRoutes({ feed, tokens, prisma }: ApiDeps, accounts: StaffAccounts): Router {
  const router = Router();
  const usedTickets = new UsedTickets();
  const unauthenticated = (message: string) => new HttpError(401, 'unauthenticated', message, undefined, bearerChallenge('diandan-staff'));

  async function staffOfFeedRequest(req: Request): Promise<Staff> {
    const bearer = bearerToken(req.get('authorization'));
    if (bearer) return (await staffOfAccessToken({ keys: tokens.keys, activeStaff: accounts.activeStaff }, bearer)).staff;
    if (typeof req.query.access_token === 'string') throw unauthenticated('access tokens are not taken from URLs: POST /v1/auth/feed-ticket and open /v1/feed?ticket=…');
    const ticket = req.query.ticket;
    if (typeof ticket !== 'string' || ticket === '') throw unauthenticated('log in first: Authorization: Bearer <access token>, or ?ticket= from POST /v1/auth/feed-ticket');
    let verified;
    try {
      verified = verifyToken(ticket, 'feed', tokens.keys);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthenticated(`ticket: ${error.message}`);
      throw error;
    }
    if (!usedTickets.claim(verified.jti, verified.exp)) throw unauthenticated('ticket already used: ask for a new one');
    const staff = await accounts.activeStaff.ofSession(verified.sid, verified.sub);
    if (!staff) throw unauthenticated('session ended or user no longer active: log in again');
    return staff;
  }

  router.get('/v1/feed', async (req: Request, res: Response) => {
    const staff = await staffOfFeedRequest(req);
    if (!FEED_ROLES.includes(staff.role)) throw new HttpError(403, 'forbidden', `a ${staff.role.replace('_', ' ')} may not do this (allowed: ${FEED_ROLES.join(', ')})`);
    const branch = (await officerScope(prisma, staff))?.unitIds;
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(': diandan live feed\n\n');
    const unsubscribe = feed.subscribe((event, { trackingCode }) => {
      if (staff.role === 'unit_handler' && !(staff.unitId && concernsUnit(event, staff.unitId))) return;
      if (branch && !branch.some((unitId) => concernsUnit(event, unitId))) return;
      // Staff recognise orders by tracking code; evaluators work on anonymised data and get none.
      const shown = trackingCode && staff.role !== 'evaluator' ? { ...publicEvent(event, staff), trackingCode } : publicEvent(event, staff);
      res.write(`id: ${event.eventId}\nevent: lifecycle\ndata: ${JSON.stringify(shown)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
  return router;
}
