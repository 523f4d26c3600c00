// Administration keeps what it is told: a PATCH changes only the fields sent (a `.default()` in a
// partial schema used to wipe keywords and routing and re-activate deactivated units).
import { randomUUID } from 'node:crypto';
import { startApi, type ApiHarness, startFixtureWorker, type TemporalFixture } from '@diandan/testkit/dispatch';

let temporal: TemporalFixture;
let api: ApiHarness;
let admin: string;
beforeAll(async () => {
  temporal = await startFixtureWorker();
  api = await startApi(temporal.client);
  admin = await api.login('admin');
}, 120_000);
afterAll(async () => {
  await api?.close();
  await temporal?.close();
});

describe('PATCH changes only the fields sent', () => {
  it('categoryPatch.stateCheck: renaming a category keeps its keywords, routing, deadlines and flags', async () => {
    const code = `patch-${randomUUID().slice(0, 8)}`;
    const created = {
      code,
      name: '路灯维修',
      description: '路灯不亮',
      keywords: ['路灯', '照明'],
      responsible: { community: 'jianxin-north', district: 'trade-union' },
      deadlines: { normal: { resolve: { community: { amount: 2, unit: 'working_day' }, street: { amount: 4, unit: 'working_day' }, district: { amount: 6, unit: 'working_day' } } } },
      active: false,
      sensitive: true,
    };
    expect((await api.call('POST', '/v1/categories', { token: admin, body: created })).status).toBe(201);
    const patched = await api.call('PATCH', `/v1/categories/${code}`, { token: admin, body: { name: '路灯与照明' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ ...created, name: '路灯与照明' });
    const stored = await api.prisma.category.findUniqueOrThrow({ where: { code } });
    expect(stored).toMatchObject({ name: '路灯与照明', keywords: ['路灯', '照明'], responsible: created.responsible, deadlines: created.deadlines, active: false, sensitive: true });
    // And a field that is sent does change.
    expect((await api.call('PATCH', `/v1/categories/${code}`, { token: admin, body: { keywords: [] } })).body.keywords).toEqual([]);
  });

  it('unitPatch.stateCheck: renaming a deactivated unit does not re-activate it', async () => {
    const id = `patch-${randomUUID().slice(0, 8)}`;
    const body = { id, name: '测试社区', kind: 'community', level: 'community', parentId: 'guanyinqiao', active: false };
    expect((await api.call('POST', '/v1/units', { token: admin, body })).status).toBe(201);
    const patched = await api.call('PATCH', `/v1/units/${id}`, { token: admin, body: { name: '测试社区（改名）' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: '测试社区（改名）', active: false, parentId: 'guanyinqiao' });
    expect((await api.prisma.unit.findUniqueOrThrow({ where: { id } })).active).toBe(false);
  });

  it('deadlines.inputCheck: deadline overrides are checked on write, as workflows read them; a 400 names the field', async () => {
    const code = `deadline-${randomUUID().slice(0, 8)}`;
    const cases: [unknown, RegExp][] = [
      [{ normal: { resolve: { community: { amount: 2, unit: 'working_day' } } } }, /deadlines\.normal\.resolve/], // a level missing
      [{ normall: { accept: { amount: 1, unit: 'working_hour' } } }, /deadlines/], // a typo is not an override that does nothing
      [{ normal: { accept: { amount: -1, unit: 'working_hour' } } }, /deadlines\.normal\.accept/],
      [{ normal: { accept: { amount: 1, unit: 'fortnight' } } }, /deadlines\.normal\.accept/],
    ];
    for (const [deadlines, field] of cases) {
      const created = await api.call('POST', '/v1/categories', { token: admin, body: { code, name: '时限测试', deadlines } });
      expect([created.status, JSON.stringify(created.body.error)]).toEqual([400, expect.stringMatching(field)]);
    }
    expect(await api.prisma.category.findUnique({ where: { code } })).toBeNull();
    expect((await api.call('POST', '/v1/categories', { token: admin, body: { code, name: '时限测试', deadlines: { urgent: { accept: { amount: 30, unit: 'working_minute' } } } } })).status).toBe(201);
    const patched = await api.call('PATCH', `/v1/categories/${code}`, { token: admin, body: { deadlines: { normal: { rating: { amount: 0, unit: 'calendar_day' } } } } });
    expect(patched.status).toBe(400);
    expect((await api.prisma.category.findUniqueOrThrow({ where: { code } })).deadlines).toEqual({ urgent: { accept: { amount: 30, unit: 'working_minute' } } });
  });

  it('patch.inputCheck: a wrong type in a PATCH is a 400 that names the field; nothing changes', async () => {
    const code = `patch-${randomUUID().slice(0, 8)}`;
    await api.call('POST', '/v1/categories', { token: admin, body: { code, name: '原名' } });
    const bad = await api.call('PATCH', `/v1/categories/${code}`, { token: admin, body: { name: '新名', keywords: '不是数组' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/keywords/);
    expect((await api.prisma.category.findUniqueOrThrow({ where: { code } })).name).toBe('原名');
  });
});
