// createIntakeApp: the HTTP side of intake, from its dependencies. main.ts wires real servers
// in; tests start it in-process on port 0 with their own topics and database.
import { createHttpApp, finishHttpApp, LocalDiskStorage, Sealer, type Logger, type PrismaClient, type ReadinessCheck, type SealingKey } from '@diandan/platform';
import cors from 'cors';
import type { Express } from 'express';
import helmet from 'helmet';
import type { Producer } from 'kafkajs';
import { AttachmentStore } from '@diandan/platform';
import { catalogueRoutes } from './catalogue';
import { apiChannel } from './channels/api';
import { open311Channel } from './channels/open311';
import { operatorChannels } from './channels/operators';
import { proposalDesk } from './channels/proposalDesk';
import { proposalChannel, type CodeSender } from './channels/proposals';
import type { SupportLimits } from '@diandan/domain';
import { wechatChannel } from './channels/wechat';
import { FeedbackClient, type FeedbackSettings } from './feedbackClient';
import { OrderIdentities } from './identity';
import { docsPage, openapiDocument } from './openapi';
import { Placer } from './placing';
import { OrderTracker, trackingRoutes } from './tracking';

export interface IntakeSettings {
  secretKey: string;
  placedTopic: string;
  h5Origin: string;
  open311ApiKeys: readonly string[];
  operatorTokens: readonly string[];
  rateLimitPerMinute: number;
  wechat: { token: string; appId: string; aesKey: string; maxClockSkewSeconds?: number; messagesPerOpenIdPerMinute?: number };
  /** services/feedback, for WeChat "评价" messages. */
  feedback: FeedbackSettings;
  attachmentsDir: string;
  attachmentMaxBytes: number;
  /** All attachments of one order together (default 25 MB). */
  attachmentOrderMaxBytes?: number;
  /** The whole attachment store (default 0: unlimited). */
  attachmentsTotalMaxBytes?: number;
  /** CONTACT_SEAL_KEYS: contact details are sealed with the first before they go on Kafka. */
  contactSealKeys: readonly SealingKey[];
  /** Longest wait for Kafka's acknowledgement on the request path (default 4 s). */
  publishTimeoutMs?: number;
  /** The organisation whose annual cycle takes proposals that name none (WeChat's 提议; default the federation). */
  proposalOrganisationId?: string;
}

export interface IntakeDeps {
  settings: IntakeSettings;
  logger: Logger;
  producer: Producer;
  prisma: PrismaClient;
  readiness?: Record<string, ReadinessCheck>;
  /** Sends the one-time codes that prove a supporter of a proposal (absent: no codes, the hotline still works). */
  codeSender?: CodeSender;
  /** Abuse limits of proposals and supports (default: the domain's DEFAULT_SUPPORT_LIMITS). */
  supportLimits?: SupportLimits;
}

export interface IntakeApp {
  app: Express;
  placer: Placer;
  attachments: AttachmentStore;
}

export function createIntakeApp({ settings, logger, producer, prisma, readiness, codeSender, supportLimits }: IntakeDeps): IntakeApp {
  const identities = new OrderIdentities(settings.secretKey);
  const sealer = new Sealer(settings.contactSealKeys);
  const placer = new Placer({ producer, topic: settings.placedTopic, identities, sealer, logger, publishTimeoutMs: settings.publishTimeoutMs });
  const storage = new LocalDiskStorage(settings.attachmentsDir, settings.attachmentsTotalMaxBytes ?? 0);
  const attachments = new AttachmentStore(storage, {
    maxBytes: settings.attachmentMaxBytes,
    maxOrderBytes: settings.attachmentOrderMaxBytes ?? 25 * 1024 * 1024,
  });
  const tracker = new OrderTracker(prisma, storage);

  const app = createHttpApp({ name: 'intake', logger, readiness, jsonLimit: '64kb' });
  app.use(helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"] } }, frameguard: { action: 'deny' } }));
  // The resident H5 pages call these from their own origin.
  const h5 = cors({ origin: settings.h5Origin, methods: ['GET', 'POST'], allowedHeaders: ['Content-Type', 'Idempotency-Key', 'X-Order-Secret'], maxAge: 600 });
  app.use(['/v1/orders', '/v1/orders/track', '/v1/proposals'], h5);

  app.get('/v1/openapi.json', (_req, res) => {
    res.json(openapiDocument);
  });
  app.get(['/docs', '/v1/docs'], (_req, res) => {
    res.type('html').send(docsPage);
  });
  const { attachmentMaxBytes, rateLimitPerMinute } = settings;
  app.use(apiChannel({ placer, attachments, attachmentMaxBytes, rateLimitPerMinute }));
  app.use(trackingRoutes(tracker, rateLimitPerMinute));
  app.use(catalogueRoutes(prisma));
  app.use(operatorChannels({ placer, attachments, attachmentMaxBytes, operatorTokens: settings.operatorTokens }));
  // One desk for every channel of the annual call (H5/JSON, letters, hotline, WeChat): the same limits and keys.
  const proposals = proposalDesk({
    prisma,
    secretKey: settings.secretKey,
    ...(supportLimits ? { limits: supportLimits } : {}),
    ...(settings.proposalOrganisationId ? { defaultOrganisationId: settings.proposalOrganisationId } : {}),
  });
  app.use(proposalChannel({ prisma, desk: proposals, operatorTokens: settings.operatorTokens, rateLimitPerMinute, logger, ...(codeSender ? { codeSender } : {}) }));
  const rater = new FeedbackClient(settings.feedback, logger);
  app.use(wechatChannel({ ...settings.wechat, placer, identities, tracker, rater, logger, proposals }));
  app.use('/open311/v2', open311Channel({ placer, prisma, apiKeys: settings.open311ApiKeys, rateLimitPerMinute }));
  finishHttpApp(app, logger);
  return { app, placer, attachments };
}
