// GET /v1/categories: the resident H5's picker — active categories only, no routing or deadlines.
import { followIntake, type RunningIntake, unique } from '@diandan/testkit/intake';

describe('public catalogue', () => {
  let intake: RunningIntake;
  let stop: () => Promise<void>;
  const active = unique('cat');
  const retired = unique('cat');

  beforeAll(async () => {
    ({ intake, stop } = await followIntake());
    await intake.prisma.category.createMany({
      data: [
        { code: active, name: '路灯维修', description: '路灯不亮', responsible: { district: 'x' } },
        { code: retired, name: '旧类别', description: '', active: false },
      ],
    });
  });
  afterAll(async () => {
    await stop();
  });

  it('catalogue.responseCheck: active categories with code, name and description only', async () => {
    const res = await fetch(`${intake.url}/v1/categories`);
    expect(res.status).toBe(200);
    const { categories } = (await res.json()) as { categories: Record<string, unknown>[] };
    expect(categories).toContainEqual({ code: active, name: '路灯维修', description: '路灯不亮' });
    expect(categories.map((c) => c.code)).not.toContain(retired);
    expect(categories.every((c) => Object.keys(c).sort().join() === 'code,description,name')).toBe(true);
  });
});
