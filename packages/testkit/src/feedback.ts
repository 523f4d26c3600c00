// Feedback's rig (moved from services/feedback/test/support.ts, lifecycle.ts and readModel.ts): the
// feedback app on an ephemeral port, staff tokens signed like services/dispatch signs them, a unit
// tree, and the real workflow with the app beside it (startRatingRig).
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { listen, signToken, type KeyRing, type PrismaClient } from '@diandan/platform';
import { createFeedbackApp } from '../../../services/feedback/src/app';
import { ContactCipher } from '../../../services/feedback/src/notify/contacts';
import { testLogger, unique } from './env';
import { startOnDevServer, type DevServerRig } from './worker';

export { env, runId, unique } from './env';
export { eventually, waitFor } from './eventually';
export { testPrisma } from './infra';
export { at, dispatched, lifecycle, type Step } from './lifecycle';
export { insertOrder, parseCsv, type HandledOrder } from './readModel';

export const logger = testLogger('feedback-test');

export const JWT_SECRET = 'feedback-test-secret-at-least-32-characters-long';
/** services/intake's bearer token for `POST /v1/wechat/rating` in tests. */
export const SERVICE_TOKEN = 'feedback-test-service-token-at-least-32-chars';
export const CONTACT_CIPHER = new ContactCipher('feedback-test-contact-key-at-least-32-chars');

export const STAFF_KEYS: KeyRing = { current: { kid: 'fb-test-1', secret: JWT_SECRET }, previous: [] };

/**
 * An access token as services/dispatch issues it, for a real user with a live session in this
 * run's database (feedback checks both): a user of its own per call.
 */
export async function staffToken(
  prisma: PrismaClient,
  claims: { role: string; unitId?: string | null },
  options: { keys?: KeyRing; expiresIn?: number } = {},
): Promise<string> {
  const user = await prisma.user.create({
    data: { username: unique(claims.role), passwordHash: 'not-a-login', role: claims.role, unitId: claims.unitId ?? null, displayName: '测试' },
  });
  const session = await prisma.staffSession.create({ data: { userId: user.id, refreshJti: randomUUID(), expiresAt: new Date(Date.now() + 3_600_000) } });
  return signToken(options.keys ?? STAFF_KEYS, 'access', {
    sub: user.id,
    sid: session.id,
    ttlSeconds: options.expiresIn ?? 600,
    claims: { username: user.username, role: user.role, unitId: user.unitId, name: user.displayName },
  });
}

export interface RunningApp {
  url: string;
  close: () => Promise<void>;
}

export async function startApp(prisma: PrismaClient, temporal: Client): Promise<RunningApp> {
  const app = createFeedbackApp({
    prisma,
    temporal,
    logger,
    staffKeys: STAFF_KEYS,
    serviceToken: SERVICE_TOKEN,
    contactCipher: CONTACT_CIPHER,
  });
  const server: Server = await listen(app, 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * A unit tree of one district: two streets, communities, a section and a department. Named apart
 * from the demo district, which end-to-end suites seed into the same run database.
 */
export const UNITS = [
  { id: 'fb-fed', name: '评单测试区群团联合会', kind: 'district_federation', level: 'district', parentId: null },
  { id: 'fb-dept', name: '评单测试区人社局', kind: 'district_department', level: 'district', parentId: 'fb-fed' },
  { id: 'fb-street-a', name: '评单测试观音桥街道', kind: 'street', level: 'street', parentId: 'fb-fed' },
  { id: 'fb-street-b', name: '评单测试华新街街道', kind: 'street', level: 'street', parentId: 'fb-fed' },
  { id: 'fb-a-section', name: '评单测试观音桥街道社会事务科', kind: 'street_section', level: 'street', parentId: 'fb-street-a' },
  { id: 'fb-a-c1', name: '评单测试建新北路社区', kind: 'community', level: 'community', parentId: 'fb-street-a' },
  { id: 'fb-a-c2', name: '评单测试西南村社区', kind: 'community', level: 'community', parentId: 'fb-street-a' },
  { id: 'fb-b-c1', name: '评单测试华新街社区', kind: 'community', level: 'community', parentId: 'fb-street-b' },
] as const;
export const CATEGORIES = [
  { code: 'fb-wage', name: '欠薪求助' },
  { code: 'fb-light', name: '路灯维修' },
] as const;

export async function seedUnits(prisma: PrismaClient): Promise<void> {
  // INSERT … ON CONFLICT DO NOTHING: suites seed the same run database at the same moment.
  await prisma.unit.createMany({ data: UNITS.map((unit) => ({ ...unit })), skipDuplicates: true });
  await prisma.category.createMany({ data: CATEGORIES.map((c) => ({ ...c })), skipDuplicates: true });
}

export interface RatingRig extends DevServerRig {
  app: RunningApp;
}

/** The real serviceOrder workflow on the dev server, and the feedback app on a port of its own. */
export async function startRatingRig(name: string): Promise<RatingRig> {
  const rig = await startOnDevServer(name);
  const app = await startApp(rig.harness.prisma, rig.client);
  return {
    ...rig,
    app,
    close: async () => {
      await app.close();
      await rig.close();
    },
  };
}
