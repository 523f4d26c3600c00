// The feedback HTTP app: rating (评单), the public board (回首望), the three rates, and the
// evaluator's exports and callbacks. Built from its dependencies so tests run it on real servers.
import type { Express } from 'express';
import type { Client } from '@temporalio/client';
import { createHttpApp, finishHttpApp, type KeyRing, type Logger, type PrismaClient, type ReadinessCheck } from '@diandan/platform';
import { boardRoutes } from './board/routes';
import { evaluationRoutes } from './evaluation/routes';
import { publicReportRoutes } from './evaluation/publicRoutes';
import { evaluatorRoutes } from './evaluator/routes';
import { DEFAULT_RATE_SETTINGS, type RateSettings } from './kpis/report';
import { kpiRoutes } from './kpis/routes';
import type { ContactCipher } from './notify/contacts';
import { openapiDocument } from './openapi';
import { ratingRoutes } from './rating';
import { residentActionRoutes } from './residentActions';
import { wechatRatingRoutes } from './wechatRating';

export interface FeedbackDeps {
  prisma: PrismaClient;
  temporal: Client;
  logger: Logger;
  /** Verifies staff access tokens (JWT_SECRET under JWT_KID, and JWT_PREVIOUS_KEYS). */
  staffKeys: KeyRing;
  /** Bearer token of services/intake for `POST /v1/wechat/rating` (FEEDBACK_SERVICE_TOKEN). */
  serviceToken: string;
  /** Opens the stored contacts (FEEDBACK_CONTACT_KEY): a WeChat rating's openid is checked against them. */
  contactCipher: ContactCipher;
  rateSettings?: RateSettings;
  readiness?: Record<string, ReadinessCheck>;
}

export function createFeedbackApp(deps: FeedbackDeps): Express {
  const settings = deps.rateSettings ?? DEFAULT_RATE_SETTINGS;
  const app = createHttpApp({ name: 'feedback', logger: deps.logger, readiness: deps.readiness ?? {} });
  app.get('/v1/openapi.json', (_req, res) => {
    res.json(openapiDocument);
  });
  app.use(ratingRoutes({ prisma: deps.prisma, temporal: deps.temporal }));
  app.use(residentActionRoutes({ prisma: deps.prisma, temporal: deps.temporal }));
  app.use(wechatRatingRoutes({ prisma: deps.prisma, temporal: deps.temporal, serviceToken: deps.serviceToken, cipher: deps.contactCipher, logger: deps.logger }));
  app.use(boardRoutes(deps.prisma));
  app.use(kpiRoutes(deps.prisma, settings));
  app.use(evaluatorRoutes(deps.prisma, deps.staffKeys, settings, deps.logger));
  app.use(evaluationRoutes(deps.prisma, deps.staffKeys, settings, deps.logger));
  app.use(publicReportRoutes(deps.prisma, settings));
  finishHttpApp(app, deps.logger);
  return app;
}
