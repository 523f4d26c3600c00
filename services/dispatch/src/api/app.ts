// The staff API: login and the live feed first (they authenticate themselves), then the access
// token for everything else (no token → 401), the audit log of every change, then reads,
// actions, admin and the audit log's own view.
import type { Express } from 'express';
import { auditStaffRequests, createHttpApp, finishHttpApp, nextYearScheduleWarning, requireStaff, staffOf, type ReadinessCheck } from '@diandan/platform';
import { staffAccounts } from './accounts';
import { actionRoutes } from './actions';
import { adminRoutes } from './adminRoutes';
import { auditRoutes } from './auditRoutes';
import { calendarRoutes } from './calendarRoutes';
import { authRoutes, sessionRoutes } from './authRoutes';
import type { ApiDeps } from './deps';
import { feedRoutes } from './feedRoutes';
import { jointMeetingRoutes } from './jointMeeting';
import { openApiDocument } from './openapi';
import { orderRoutes } from './orders';
import { projectRoutes } from './projects';
import { cycleRoutes } from './cycles';
import { proposalRoutes } from './proposals';
import { suggestionRoutes } from './suggestion';
import { duplicateRoutes } from '../duplicates/routes';
import { knowledgeRoutes } from '../knowledge/routes';

/** Reads whose subject is one order's data: who looked is recorded too. */
const AUDITED_READS = [/^\/v1\/orders\/[^/]+(\/timeline)?$/];

export function createDispatchApp(deps: ApiDeps, readiness: Record<string, ReadinessCheck> = {}): Express {
  const app = createHttpApp({
    name: 'dispatch',
    logger: deps.logger,
    readiness,
    // From October on, a missing schedule for next year is worth a supervisor's attention, not an outage.
    warnings: async () => {
      const warning = await nextYearScheduleWarning(deps.prisma);
      return warning ? [warning.message] : [];
    },
  });
  const accounts = staffAccounts(deps);
  const document = openApiDocument();
  app.get('/v1/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use(authRoutes(deps, accounts));
  app.use(feedRoutes(deps, accounts));
  app.use('/v1', requireStaff({ keys: deps.tokens.keys, activeStaff: accounts.activeStaff }));
  app.use('/v1', auditStaffRequests(accounts.audit, { auditedReads: AUDITED_READS }));
  app.get('/v1/me', (_req, res) => {
    res.json(staffOf(res));
  });
  app.use(sessionRoutes(deps, accounts));
  app.use(orderRoutes(deps));
  // Before the actions: GET …/suggestion would otherwise never reach it, and the batch is no order.
  app.use(suggestionRoutes(deps));
  app.use(jointMeetingRoutes(deps));
  app.use(projectRoutes(deps));
  app.use(cycleRoutes(deps));
  app.use(proposalRoutes(deps));
  app.use(knowledgeRoutes(deps));
  app.use(duplicateRoutes(deps));
  app.use(actionRoutes(deps));
  app.use(adminRoutes(deps, accounts));
  app.use(calendarRoutes(deps));
  app.use(auditRoutes(deps));
  finishHttpApp(app, deps.logger);
  return app;
}
