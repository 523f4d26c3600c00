// The staff API: auth first (no token → 401), then reads, actions, admin and the live feed.
import type { Express } from 'express';
import { createHttpApp, finishHttpApp, type ReadinessCheck } from '@diandan/platform';
import { actionRoutes } from './actions';
import { adminRoutes } from './adminRoutes';
import { authenticate, staffOf } from './authenticate';
import { authRoutes } from './authRoutes';
import type { ApiDeps } from './deps';
import { feedRoutes } from './feedRoutes';
import { jointMeetingRoutes } from './jointMeeting';
import { openApiDocument } from './openapi';
import { orderRoutes } from './orders';
import { suggestionRoutes } from './suggestion';

export function createDispatchApp(deps: ApiDeps, readiness: Record<string, ReadinessCheck> = {}): Express {
  const app = createHttpApp({ name: 'dispatch', logger: deps.logger, readiness });
  const document = openApiDocument();
  app.get('/v1/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use(authRoutes(deps));
  app.use('/v1', authenticate(deps.tokens.secret));
  app.get('/v1/me', (_req, res) => {
    res.json(staffOf(res));
  });
  app.use(orderRoutes(deps));
  // Before the actions: GET …/suggestion would otherwise never reach it, and the batch is no order.
  app.use(suggestionRoutes(deps));
  app.use(jointMeetingRoutes(deps));
  app.use(actionRoutes(deps));
  app.use(adminRoutes(deps));
  app.use(feedRoutes(deps));
  finishHttpApp(app, deps.logger);
  return app;
}
