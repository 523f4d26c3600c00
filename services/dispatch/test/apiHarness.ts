// The staff API on a real port, over this run's database, the Temporal dev server and (optionally)
// a FeedHub the test drives; plus helpers to log in and to call it.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { listen, type PrismaClient } from '@diandan/platform';
import { DEMO_PASSWORD } from '../../../infra/seed/users';
import { createDispatchApp } from '../src/api/app';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from '../src/auth/throttle';
import type { TokenSettings } from '../src/auth/tokens';
import { FeedHub } from '../src/feed';
import { logger, seedOnce, testPrisma, unique } from './support';

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

export async function startApi(temporal: Client, options: { loginLimits?: Partial<LoginLimits> } = {}): Promise<ApiHarness> {
  const prisma = testPrisma();
  await seedOnce(prisma);
  const feed = new FeedHub();
  // Login counters of their own (files run in parallel from one address); no caching of "is this
  // session live" so that a revocation shows at once.
  const loginLimits = { ...DEFAULT_LOGIN_LIMITS, scope: `${unique('login')}:`, ...options.loginLimits };
  const app = createDispatchApp({ prisma, temporal, logger, feed, tokens: TEST_TOKENS, loginLimits, activeStaffCacheMs: 0 });
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
