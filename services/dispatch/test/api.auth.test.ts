// Login, tokens and refresh against the real database (bcrypt hashes of the demo users).
import { randomUUID } from 'node:crypto';
import bcryptjs from 'bcryptjs';
import jwt from 'jsonwebtoken';
import { DEMO_PASSWORD } from '../../../infra/seed/users';
import { lockoutSeconds } from '../src/auth/throttle';
import { hashPassword } from '../src/auth/users';
import { startApi, TEST_TOKENS, type ApiHarness, startFixtureWorker, waitFor, type TemporalFixture } from '@diandan/testkit/dispatch';

let temporal: TemporalFixture;
let api: ApiHarness;
beforeAll(async () => {
  temporal = await startFixtureWorker();
  api = await startApi(temporal.client);
}, 120_000);
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

  const secretK2 = TEST_TOKENS.keys.current.secret;
  const claims = { use: 'access', role: 'admin', username: 'admin', sid: randomUUID() };
  const signed = (payload: object, secret: string, options: jwt.SignOptions) =>
    jwt.sign(payload, secret, { algorithm: 'HS256', issuer: 'diandan-dispatch', audience: 'diandan-staff', subject: randomUUID(), ...options });
  it.each([
    ['no token', undefined],
    ['garbage', 'not-a-jwt'],
    ['expired', signed(claims, secretK2, { keyid: 'test-k2', expiresIn: -10 })],
    ['foreign key', signed(claims, 'another-secret-another-secret-another', { keyid: 'test-k2', expiresIn: 60 })],
    ['unknown key id', signed(claims, secretK2, { keyid: 'k-unknown', expiresIn: 60 })],
    ['no key id', signed(claims, secretK2, { expiresIn: 60 })],
    ['no expiry', signed(claims, secretK2, { keyid: 'test-k2' })],
    ['alg none', `${Buffer.from('{"alg":"none","typ":"JWT","kid":"test-k2"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, sub: 'x', exp: 9e9 })).toString('base64url')}.`],
    // Correctly signed, but for a user and session that do not exist: forged with a leaked key.
    ['user that does not exist', signed(claims, secretK2, { keyid: 'test-k2', expiresIn: 60 })],
  ])('token.rejects(%s): 401 with a Bearer challenge', async (_, token) => {
    const response = await fetch(`${api.baseUrl}/v1/users`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('token.rotationCheck: a token signed by the previous key (k1) still verifies; the current key (k2) signs', async () => {
    const { body } = await api.call('POST', '/v1/auth/login', { body: { username: 'dispatcher', password: DEMO_PASSWORD } });
    expect(jwt.decode(body.accessToken, { complete: true })?.header.kid).toBe('test-k2');
    const payload = jwt.decode(body.accessToken) as jwt.JwtPayload;
    const { iat: _iat, exp: _exp, ...rest } = payload;
    const byK1 = jwt.sign(rest, TEST_TOKENS.keys.previous[0]!.secret, { algorithm: 'HS256', keyid: 'test-k1', expiresIn: 60 });
    expect((await api.call('GET', '/v1/me', { token: byK1 })).body.username).toBe('dispatcher');
  });
});

describe('sessions', () => {
  const loginAs = async (username: string, password = DEMO_PASSWORD) => (await api.call('POST', '/v1/auth/login', { body: { username, password } })).body;
  async function newUser(role = 'operator') {
    const username = `acct-${randomUUID().slice(0, 8)}`;
    const user = await api.prisma.user.create({ data: { username, passwordHash: await hashPassword('a-long-enough-password'), role, displayName: '测试用户' } });
    return { ...user, password: 'a-long-enough-password' };
  }

  it('refresh.rotationCheck: each refresh token is exchanged once; a second use revokes the whole session', async () => {
    const user = await newUser();
    const first = await loginAs(user.username, user.password);
    const second = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    // The old refresh token comes back (stolen copy, or a replay): the session ends for everybody.
    const replay = await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toMatch(/already used/);
    expect((await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: second.body.refreshToken } })).status).toBe(401);
    expect((await api.call('GET', '/v1/me', { token: second.body.accessToken })).status).toBe(401);
    const session = await api.prisma.staffSession.findFirstOrThrow({ where: { userId: user.id } });
    expect(session.revokedReason).toBe('refresh_reused');
  });

  it('logout.revocationCheck: after logout neither the access nor the refresh token works; other sessions do', async () => {
    const user = await newUser();
    const [a, b] = [await loginAs(user.username, user.password), await loginAs(user.username, user.password)];
    expect((await api.call('POST', '/v1/auth/logout', { token: a.accessToken })).status).toBe(204);
    expect((await api.call('GET', '/v1/me', { token: a.accessToken })).status).toBe(401);
    expect((await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: a.refreshToken } })).status).toBe(401);
    expect((await api.call('GET', '/v1/me', { token: b.accessToken })).status).toBe(200);
  });

  it('admin.revocationCheck: deactivating a user or changing the password ends every session at once', async () => {
    const admin = await api.login('admin');
    const [leaver, changer] = [await newUser('dispatcher'), await newUser('dispatcher')];
    const leaverTokens = await loginAs(leaver.username, leaver.password);
    const changerTokens = await loginAs(changer.username, changer.password);
    expect((await api.call('PATCH', `/v1/users/${leaver.id}`, { token: admin, body: { active: false } })).status).toBe(200);
    expect((await api.call('GET', '/v1/queues/triage', { token: leaverTokens.accessToken })).status).toBe(401);
    expect((await api.call('POST', '/v1/auth/refresh', { body: { refreshToken: leaverTokens.refreshToken } })).status).toBe(401);
    expect((await api.call('PATCH', `/v1/users/${changer.id}`, { token: admin, body: { password: 'a-new-password-2026' } })).status).toBe(200);
    expect((await api.call('GET', '/v1/me', { token: changerTokens.accessToken })).status).toBe(401);
    expect((await api.call('POST', '/v1/auth/login', { body: { username: changer.username, password: changer.password } })).status).toBe(401);
    expect((await api.call('POST', '/v1/auth/login', { body: { username: changer.username, password: 'a-new-password-2026' } })).status).toBe(200);
    // A role change applies to the existing token at once (its claims are not trusted for it).
    expect((await api.call('PATCH', `/v1/users/${changer.id}`, { token: admin, body: { role: 'evaluator' } })).body.role).toBe('evaluator');
  });

  it('hash.compatibilityCheck: a bcryptjs hash (as older seeds wrote) still verifies', async () => {
    const username = `legacy-${randomUUID().slice(0, 8)}`;
    await api.prisma.user.create({ data: { username, passwordHash: bcryptjs.hashSync('an-old-password-2025', 10), role: 'operator', displayName: '老用户' } });
    expect((await api.call('POST', '/v1/auth/login', { body: { username, password: 'an-old-password-2025' } })).status).toBe(200);
  });
});

describe('login lockout', () => {
  it('lockout.userCheck: 30 wrong passwords in a row get 429s with Retry-After, and then even the right one waits', async () => {
    const user = { username: `target-${randomUUID().slice(0, 8)}`, password: 'the-right-password-2026' };
    await api.prisma.user.create({ data: { username: user.username, passwordHash: await hashPassword(user.password), role: 'operator', displayName: '被猜用户' } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 30; i++) {
      const response = await api.call('POST', '/v1/auth/login', { body: { username: user.username, password: `guess-${i}` } });
      statuses.push(response.status);
      retryAfter = response.headers.get('retry-after') ?? retryAfter;
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array(25).fill(429));
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const right = await api.call('POST', '/v1/auth/login', { body: user });
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('too_many_attempts');
  });

  it('lockout.exponentialCheck: each failure past the threshold doubles the lock, up to the cap', () => {
    const limits = { baseLockoutSeconds: 30, maxLockoutSeconds: 3600 };
    expect([4, 5, 6, 7, 8, 20].map((failures) => lockoutSeconds(failures, 5, limits))).toEqual([0, 30, 60, 120, 240, 3600]);
  });
});

describe('login lockout per address', () => {
  let strict: ApiHarness;
  beforeAll(async () => {
    strict = await startApi(temporal.client, { loginLimits: { userMaxFailures: 100, addressMaxFailures: 3 } });
  });
  afterAll(async () => strict?.close());

  it('lockout.addressCheck: wrong passwords for many user names from one address lock the address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await strict.call('POST', '/v1/auth/login', { body: { username: `spray-${i}`, password: 'diandan-demo-2026' } })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

describe('audit log', () => {
  it('audit.stateCheck: logins and admin changes are recorded (who, what, when, from where), a supervisor reads them, nobody changes them', async () => {
    const admin = await api.login('admin');
    const code = `audit-${randomUUID().slice(0, 8)}`;
    expect((await api.call('POST', '/v1/categories', { token: admin, body: { code, name: '审计测试' }, headers: { 'user-agent': 'audit-test' } })).status).toBe(201);
    await api.call('POST', '/v1/auth/login', { body: { username: 'supervisor', password: 'wrong-password' } });
    const supervisor = await api.login('supervisor');
    const entries = await waitFor('the audit entry', async () => {
      const { body } = await api.call('GET', `/v1/audit?targetType=category&targetId=${code}`, { token: supervisor });
      return body.entries?.length ? body.entries : undefined;
    });
    expect(entries[0]).toMatchObject({ username: 'admin', role: 'admin', action: 'category.create', targetId: code, status: 201, address: expect.any(String), userAgent: 'audit-test' });
    expect(entries[0].details.body).toMatchObject({ code, name: '审计测试' });
    const failed = await api.call('GET', '/v1/audit?action=auth.login_failed&username=supervisor', { token: supervisor });
    expect(failed.body.entries.length).toBeGreaterThan(0);
    expect(JSON.stringify(failed.body)).not.toContain('wrong-password');
    // Append-only: the database refuses to change or remove an entry, whoever asks.
    await expect(api.prisma.auditEntry.updateMany({ where: { targetId: code }, data: { action: 'nothing' } })).rejects.toThrow(/append-only/);
    await expect(api.prisma.auditEntry.deleteMany({ where: { targetId: code } })).rejects.toThrow(/append-only/);
    // Only supervisors and admins read it.
    expect((await api.call('GET', '/v1/audit', { token: await api.login('dispatcher') })).status).toBe(403);
  });
});

describe('openapi', () => {
  it('openapi.responseCheck: the document is public and lists every action', async () => {
    const { status, body } = await api.call('GET', '/v1/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    for (const action of ['answer', 'dispatch', 'merge', 'accept', 'opinion', 'resolve', 'return', 'escalate', 'urge']) {
      expect(body.paths[`/v1/orders/{orderId}/${action}`]?.post).toBeDefined();
    }
    expect(body.paths['/v1/orders/{orderId}/resolve'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('attachments');
    for (const path of ['/v1/auth/logout', '/v1/auth/feed-ticket', '/v1/audit', '/v1/users/{userId}']) expect(body.paths[path]).toBeDefined();
    expect(body.paths['/v1/auth/login'].post.responses['429'].headers).toHaveProperty('Retry-After');
    expect(body.paths['/v1/categories/{code}'].patch.requestBody.content['application/json'].schema.properties).toHaveProperty('sensitive');
  });
});
