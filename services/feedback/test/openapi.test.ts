// Feedback's OpenAPI document against the code: every route the app serves is in it (and nothing
// else is), request schemas are the routes' own, and the three rates parse with the document's
// strict response schema. The board's, rating's and resident actions' answers are parsed with it
// in their own tests (board.test.ts, residentActions.e2e.test.ts).
import { Client, Connection } from '@temporalio/client';
import { listRoutes, type PrismaClient } from '@diandan/platform';
import { createFeedbackApp } from '../src/app';
import { kpiReportSchema, openapiDocument } from '../src/openapi';
import { CONTACT_CIPHER, env, logger, SERVICE_TOKEN, STAFF_KEYS, startApp, testPrisma, type RunningApp } from '@diandan/testkit/feedback';

// /metrics is Prometheus's (packages/platform mounts it on every service), not the API's.
const UNDOCUMENTED = new Set(['/healthz', '/readyz', '/metrics', '/v1/openapi.json']);

describe('feedback OpenAPI document', () => {
  let prisma: PrismaClient;
  let connection: Connection;
  let app: RunningApp;
  let client: Client;

  beforeAll(async () => {
    prisma = testPrisma();
    connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
    client = new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') });
    app = await startApp(prisma, client);
  });
  afterAll(async () => {
    await app?.close();
    await connection?.close();
    await prisma?.$disconnect();
  });

  it('openapi.driftCheck: the document lists exactly the routes the app serves, method by method', () => {
    const served = listRoutes(createFeedbackApp({ prisma, temporal: client, logger, staffKeys: STAFF_KEYS, serviceToken: SERVICE_TOKEN, contactCipher: CONTACT_CIPHER }))
      .filter((r) => !UNDOCUMENTED.has(r.path))
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    const documented = Object.entries(openapiDocument.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`))
      .sort();
    expect(documented).toEqual(served);
  });

  it('openapi.responseCheck: served at /v1/openapi.json; every $ref resolves; request bodies are the routes’ schemas', async () => {
    const response = await fetch(`${app.url}/v1/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as typeof openapiDocument;
    expect(doc.openapi).toBe('3.1.0');
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    for (const ref of new Set(refs)) expect(Object.keys(doc.components.schemas)).toContain(ref);
    const rating = doc.paths['/v1/orders/track/{code}/rating'].post.requestBody.content['application/json'].schema as { required?: string[]; properties: Record<string, unknown> };
    expect(rating.required).toEqual(expect.arrayContaining(['secret', 'rating']));
    const kpiParams = doc.paths['/v1/kpis'].get.parameters as { name: string; required: boolean }[];
    expect(kpiParams).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'from', required: false }), expect.objectContaining({ name: 'by', required: false })]));
  });

  it('openapi.kpiShapeCheck: the rates answer has exactly the documented shape', async () => {
    const response = await fetch(`${app.url}/v1/kpis?by=category&from=2018-01&to=2018-12&minReceived=0`);
    expect(response.status).toBe(200);
    const body: unknown = await response.json();
    expect(() => kpiReportSchema.parse(body)).not.toThrow();
  });
});
