// Hostile input on the staff login: NUL bytes and lone surrogates in the body used to reach the
// database and answer 500. Every input of the shared hostile classes gets a clear 4xx.
import fc from 'fast-check';
import { Client, Connection } from '@temporalio/client';
import { env, hostileString, isUnrepresentable } from '@diandan/testkit';
import { startApi, type ApiHarness } from '@diandan/testkit/dispatch';

let connection: Connection;
let api: ApiHarness;
beforeAll(async () => {
  connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
  api = await startApi(new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') }));
});
afterAll(async () => {
  await api?.close();
  await connection?.close();
});

describe('hostile input: staff login', () => {
  test('login.hostileBodyCheck: never a 5xx; NUL and lone surrogates are named 400s', async () => {
    const field = fc.oneof(hostileString, fc.constantFrom('dispatcher', 'diandan-demo-2026'));
    await fc.assert(
      fc.asyncProperty(field, field, async (username, password) => {
        const { status, body } = await api.call('POST', '/v1/auth/login', { body: { username, password } });
        // Only the real pair logs in; everything else is a 4xx (a 429 once login limits count it).
        expect(status).toBeLessThan(500);
        if (username !== 'dispatcher' || password !== 'diandan-demo-2026') expect(status).toBeGreaterThanOrEqual(400);
        if (isUnrepresentable(username) || isUnrepresentable(password)) expect(body.error.code).toBe('invalid_characters');
      }),
      // Each well-formed pair costs a password hash: 40 runs keep the test in seconds on a busy machine.
      { numRuns: 40 },
    );
  }, 180_000);

  test('login.unrepresentableCheck: the answer names the field', async () => {
    const { status, body } = await api.call('POST', '/v1/auth/login', { body: { username: 'dispatcher\u0000', password: 'x' } });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/^body\.username: contains a NUL character/);
    const surrogate = await api.call('POST', '/v1/auth/login', { body: { username: 'dispatcher', password: '\uD800' } });
    expect(surrogate.body.error.message).toMatch(/^body\.password: /);
  });
});
