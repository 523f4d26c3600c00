// Login, tokens and refresh against the real database (bcrypt hashes of the demo users).
import jwt from 'jsonwebtoken';
import { hashPassword } from '../src/auth/users';
import { startApi, TEST_TOKENS, type ApiHarness, startFixtureWorker, type TemporalFixture } from '@diandan/testkit/dispatch';

let temporal: TemporalFixture;
let api: ApiHarness;
beforeAll(async () => {
  temporal = await startFixtureWorker();
  api = await startApi(temporal.client);
});
afterAll(async () => {
  await api?.close();
  await temporal?.close();
});

describe('staff login', () => {
  it('login.responseCheck: a demo user gets an access and a refresh token, and /v1/me knows them', async () => {
    const { status, body } = await api.call('POST', '/v1/auth/login', { body: { username: 'handler-jianxin', password: 'diandan-demo-2026' } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: TEST_TOKENS.accessTtlSeconds, user: { username: 'handler-jianxin', role: 'unit_handler', unitId: 'jianxin-north' } });
    expect(JSON.stringify(body)).not.toContain('passwordHash');
    const me = await api.call('GET', '/v1/me', { token: body.accessToken });
    expect(me).toMatchObject({ status: 200, body: { role: 'unit_handler', unitId: 'jianxin-north' } });
  });

  it.each([
    ['wrong password', { username: 'dispatcher', password: 'guess' }],
    ['unknown user', { username: 'nobody', password: 'diandan-demo-2026' }],
  ])('login.rejects(%s): 401 with the same answer', async (_, credentials) => {
    const { status, body } = await api.call('POST', '/v1/auth/login', { body: credentials });
    expect(status).toBe(401);
    expect(body.error).toEqual({ code: 'invalid_credentials', message: 'wrong username or password' });
  });

  it('login.inactiveCheck: a deactivated user cannot log in or refresh', async () => {
    // A user of its own: other test files log the demo users in concurrently.
    const username = `leaver-${Date.now().toString(36)}`;
    await api.prisma.user.create({ data: { username, passwordHash: await hashPassword('a-long-enough-password'), role: 'operator', displayName: '离职接线员' } });
    const { body } = await api.call('POST', '/v1/auth/login', { body: { username, password: 'a-long-enough-password' } });
    expect(body.refreshToken).toEqual(expect.any(String));
    await api.prisma.user.update({ where: { username }, data: { active: false } });
    expect((await api.call('POST', '/v1/auth/login', { body: { username, password: 'a-long-enough-password' } })).status).toBe(401);
    expect((await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: body.refreshToken } })).status).toBe(401);
  });

  it('refresh.responseCheck: a refresh token buys a new pair; an access token is no refresh token and vice versa', async () => {
    const { body } = await api.call('POST', '/v1/auth/login', { body: { username: 'supervisor', password: 'diandan-demo-2026' } });
    const refreshed = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: body.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await api.call('GET', '/v1/me', { token: refreshed.body.accessToken })).body.role).toBe('supervisor');
    expect((await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: body.accessToken } })).status).toBe(401);
    expect((await api.call('GET', '/v1/me', { token: body.refreshToken })).status).toBe(401);
  });

  it.each([
    ['no token', undefined],
    ['garbage', 'not-a-jwt'],
    ['expired', jwt.sign({ use: 'access', role: 'admin', username: 'admin' }, TEST_TOKENS.secret, { subject: 'x', issuer: 'diandan-dispatch', audience: 'diandan-staff', expiresIn: -10 })],
    ['foreign key', jwt.sign({ use: 'access', role: 'admin', username: 'admin' }, 'another-secret-another-secret-another', { subject: 'x', issuer: 'diandan-dispatch', audience: 'diandan-staff', expiresIn: 60 })],
  ])('token.rejects(%s): 401 with a Bearer challenge', async (_, token) => {
    const response = await fetch(`${api.baseUrl}/v1/me`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('openapi.responseCheck: the document is public and lists every action', async () => {
    const { status, body } = await api.call('GET', '/v1/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    for (const action of ['answer', 'dispatch', 'merge', 'accept', 'opinion', 'resolve', 'return', 'escalate', 'urge']) {
      expect(body.paths[`/v1/orders/{orderId}/${action}`]?.post).toBeDefined();
    }
    expect(body.paths['/v1/orders/{orderId}/resolve'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('attachments');
  });
});
