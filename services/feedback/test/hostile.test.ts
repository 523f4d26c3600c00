// Hostile input on the public board and the three rates: NUL bytes in a filter used to reach the
// database and answer 500. Every filter of the shared hostile classes gets a 2xx or a clear 4xx.
import fc from 'fast-check';
import { Client, Connection } from '@temporalio/client';
import type { PrismaClient } from '@diandan/platform';
import { hostileString, isUnrepresentable } from '@diandan/testkit';
import { env, seedUnits, startApp, testPrisma, type RunningApp } from '@diandan/testkit/feedback';

let prisma: PrismaClient;
let connection: Connection;
let app: RunningApp;
beforeAll(async () => {
  prisma = testPrisma();
  await seedUnits(prisma);
  connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
  app = await startApp(prisma, new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') }));
});
afterAll(async () => {
  await app?.close();
  await connection?.close();
  await prisma?.$disconnect();
});

const filterValue = fc.oneof(hostileString, fc.constantFrom('fb-a-c1', '2018-05', 'month', 'unit', 'category'));
/** A valid query, some of whose parameters are replaced by hostile values. */
const query = (names: string[], valid: Record<string, string>) =>
  fc.dictionary(fc.constantFrom(...names), filterValue, { maxKeys: names.length }).map((params) => new URLSearchParams({ ...valid, ...params }).toString());

describe('hostile input: board and KPI filters', () => {
  test.each([
    ['/v1/board', ['unit', 'category', 'street', 'month', 'page', 'pageSize', 'q'], {}],
    ['/board', ['unit', 'category', 'street', 'month', 'page'], {}],
    ['/v1/kpis', ['by', 'from', 'to', 'unit', 'category', 'street'], { by: 'month', from: '2018-01', to: '2018-12' }],
  ])('%s.hostileFilterCheck: never a 5xx; NUL is a named 400', async (path, names, valid) => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(query(names, valid), async (search) => {
        const res = await fetch(`${app.url}${path}?${search}`);
        const text = await res.text();
        statuses.add(res.status);
        expect(res.status).toBeLessThan(500);
        // 431: a URL past Node's header limit is refused before any route sees it.
        if ([...new URLSearchParams(search).values()].some(isUnrepresentable) && res.status !== 431) {
          expect(res.status).toBe(400);
          expect(text).toContain('invalid_characters');
        }
      }),
      { numRuns: 60 },
    );
    // Both the accepting and the refusing paths were reached.
    expect([...statuses].some((s) => s < 300) && [...statuses].some((s) => s >= 400)).toBe(true);
  });
});
