// GET /v1/feed: server-sent events of lifecycle events the caller may see — unit handlers only
// their unit's, officers their branch's, evaluators without addresses, nobody the secret hash.
import { Router } from 'express';
import { allow, staffOf } from './authenticate';
import type { ApiDeps } from './deps';
import { officerScope } from './scope';
import { concernsUnit, publicEvent } from './views';

const HEARTBEAT_MS = 15_000;

export function feedRoutes({ feed, prisma }: ApiDeps): Router {
  const router = Router();
  router.get('/v1/feed', allow('operator', 'dispatcher', 'unit_handler', 'street_officer', 'district_officer', 'supervisor', 'evaluator'), async (req, res) => {
    const staff = staffOf(res);
    const branch = (await officerScope(prisma, staff))?.unitIds;
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(': diandan live feed\n\n');
    const unsubscribe = feed.subscribe((event) => {
      if (staff.role === 'unit_handler' && !(staff.unitId && concernsUnit(event, staff.unitId))) return;
      if (branch && !branch.some((unitId) => concernsUnit(event, unitId))) return;
      res.write(`id: ${event.eventId}\nevent: lifecycle\ndata: ${JSON.stringify(publicEvent(event, staff))}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
  return router;
}
