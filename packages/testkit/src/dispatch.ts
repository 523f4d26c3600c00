// Dispatch's rig (moved from services/dispatch/test/support.ts, apiHarness.ts and orders.ts): the
// demo district in this run's database, a worker running the stand-in serviceOrder workflow, the
// staff API on a real port, and orders driven to a state.
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { listen, LocalDiskStorage, type PrismaClient } from '@diandan/platform';
import { seedDemoDistrict, seedDemoUsers } from '../../../infra/seed/apply';
import { DEMO_PASSWORD } from '../../../infra/seed/users';
import { createDispatchApp } from '../../../services/dispatch/src/api/app';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from '../../../services/dispatch/src/auth/throttle';
import type { TokenSettings } from '../../../services/dispatch/src/auth/tokens';
import { FeedHub } from '../../../services/dispatch/src/feed';
import { env, testLogger, unique } from './env';
import { testPrisma } from './infra';
import { installTestRuntime } from './runtime';

export { env, runId, unique } from './env';
export { eventually, waitFor } from './eventually';
export { freshTopics, kafkaFor, testPrisma } from './infra';
export { HOME_UNIT, orderIn, type OrderState } from './orders';

export const logger = testLogger('dispatch-test');

let seeded: Promise<void> | undefined;
/** The demo district and staff, once per test file (idempotent upserts, so files may race). */
export function seedOnce(prisma: PrismaClient): Promise<void> {
  seeded ??= (async () => {
    // Test files run in parallel on one database: two first upserts of a row can collide; the
    // second try finds the row and updates it.
    for (let attempt = 1; ; attempt++) {
      try {
        await seedDemoDistrict(prisma);
        await seedDemoUsers(prisma);
        return;
      } catch (error) {
        if (attempt >= 4) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  })();
  return seeded;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export interface TemporalFixture {
  client: Client;
  taskQueue: string;
  close: () => Promise<void>;
}

/** A worker with the stand-in serviceOrder on a unique task queue, and a client. */
export async function startFixtureWorker(): Promise<TemporalFixture> {
  installTestRuntime();
  bundle ??= bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'fixtures/service-order-workflow.ts'), logger: new DefaultLogger('WARN') });
  const taskQueue = unique('dispatch-tq');
  const address = env('TEMPORAL_ADDRESS');
  const namespace = env('TEMPORAL_NAMESPACE');
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: nativeConnection, namespace, taskQueue, workflowBundle: await bundle });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  return {
    client,
    taskQueue,
    close: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** Two keys, as after one rotation: k2 signs, k1 still verifies. */
export const TEST_TOKENS: TokenSettings = {
  keys: { current: { kid: 'test-k2', secret: 'dispatch-tests-secret-0123456789abcdef' }, previous: [{ kid: 'test-k1', secret: 'dispatch-tests-previous-secret-0123456789' }] },
  accessTtlSeconds: 300,
  refreshTtlSeconds: 3600,
};

export interface ApiHarness {
  baseUrl: string;
  prisma: PrismaClient;
  feed: FeedHub;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests inspect response bodies ad hoc
  call: (method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }) => Promise<{ status: number; body: any; headers: Headers }>;
  login: (username: string) => Promise<string>;
  close: () => Promise<void>;
}

/** The staff API on a real port, over this run's database and the given Temporal client. */
export async function startApi(temporal: Client, options: { loginLimits?: Partial<LoginLimits>; attachmentsDir?: string } = {}): Promise<ApiHarness> {
  const prisma = testPrisma();
  await seedOnce(prisma);
  const feed = new FeedHub();
  // Login counters of their own (files run in parallel from one address); no caching of "is this
  // session live" so that a revocation shows at once.
  const loginLimits = { ...DEFAULT_LOGIN_LIMITS, scope: `${unique('login')}:`, ...options.loginLimits };
  const attachments = new LocalDiskStorage(options.attachmentsDir ?? path.join(os.tmpdir(), `dispatch-attachments-${process.pid}`));
  const app = createDispatchApp({ prisma, temporal, logger, feed, attachments, tokens: TEST_TOKENS, loginLimits, activeStaffCacheMs: 0 });
  const server: Server = await listen(app, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call: ApiHarness['call'] = async (method, path, { token, body, headers } = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (e.g. the event stream)
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  const tokens = new Map<string, string>();
  return {
    baseUrl,
    prisma,
    feed,
    call,
    login: async (username) => {
      const cached = tokens.get(username);
      if (cached) return cached;
      const { status, body } = await call('POST', '/v1/auth/login', { body: { username, password: DEMO_PASSWORD } });
      if (status !== 200) throw new Error(`login ${username}: ${status} ${JSON.stringify(body)}`);
      tokens.set(username, body.accessToken);
      return body.accessToken as string;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await prisma.$disconnect();
    },
  };
}
