// Open311's public GET against the shared scrub corpus (packages/domain): orders whose
// descriptions and addresses hold the corpus's texts and generated personal data are listed and
// fetched one by one; no phone, ID number, e-mail or name may come out, in JSON or XML.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { publicReferenceOf } from '@diandan/platform';
import { followIntake, insertOrder, type RunningIntake, unique } from '@diandan/testkit/intake';

interface CorpusText {
  text: string;
  gone: string[];
}
const corpus = JSON.parse(readFileSync(path.join(__dirname, '../../../packages/domain/test/fixtures/scrub-corpus.json'), 'utf8')) as CorpusText[];
const personalOf = (gone: string[]): string[] =>
  gone.filter((g) => /\d{7,}|@/.test(g.replace(/[\s-]/g, '')) || (/^[\u4e00-\u9fa5]{2,4}$/.test(g) && !/[号栋室楼幢单元层户]/.test(g)));

describe('Open311 GET and personal data', () => {
  let intake: RunningIntake;
  let stop: () => Promise<void>;
  const serviceCode = unique('311pii');
  const categoryCode = unique('catpii');
  let base: string;

  beforeAll(async () => {
    ({ intake, stop } = await followIntake());
    base = `${intake.url}/open311/v2`;
    await intake.prisma.category.create({ data: { code: categoryCode, name: '隐私测试', open311Code: serviceCode } });
  });
  afterAll(async () => stop());

  async function shown(ids: string[]): Promise<string> {
    const parts = [await (await fetch(`${base}/requests.json?service_code=${serviceCode}`)).text(), await (await fetch(`${base}/requests.xml?service_code=${serviceCode}`)).text()];
    for (const id of ids.slice(0, 10)) parts.push(await (await fetch(`${base}/requests/${publicReferenceOf(id)}.json`)).text());
    return parts.join('\n');
  }

  it('open311.corpusCheck: no phone, ID number, e-mail or name of the corpus in descriptions or addresses', async () => {
    const ids: string[] = [];
    for (const [i, t] of corpus.entries()) {
      const id = randomUUID();
      ids.push(id);
      await insertOrder(intake.prisma, { id, trackingCode: unique('TC'), categoryCode, content: t.text, address: corpus[(i + 1) % corpus.length]!.text.slice(0, 200) });
    }
    const text = await shown(ids);
    expect(corpus.flatMap((t) => personalOf(t.gone)).filter((personal) => text.includes(personal))).toEqual([]);
    for (const id of ids) expect(text).not.toContain(id);
  });

  it('open311.propertyCheck: generated names, phones, ID and e-mail never come out', async () => {
    const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
    const sample = fc.record({
      name: fc.tuple(fc.constantFrom(...'王李张刘陈杨'.split('')), fc.constantFrom('小明', '建国', '秀英', '志强')).map(([a, b]) => `${a}${b}`),
      mobile: fc.tuple(fc.integer({ min: 3, max: 9 }), digits(9)).map(([second, rest]) => `1${second}${rest}`),
      idCard: fc.tuple(digits(6), fc.integer({ min: 1950, max: 2005 }), fc.integer({ min: 10, max: 12 }), fc.integer({ min: 10, max: 28 }), digits(4)).map(([a, y, m, d, s]) => `${a}${y}${m}${d}${s}`),
      email: fc.tuple(fc.stringMatching(/^[a-z]{3,8}$/), fc.constantFrom('163.com', 'qq.com')).map(([u, h]) => `${u}@${h}`),
    });
    const samples = fc.sample(sample, 20);
    const ids: string[] = [];
    for (const s of samples) {
      const id = randomUUID();
      ids.push(id);
      await insertOrder(intake.prisma, {
        id,
        trackingCode: unique('TC'),
        categoryCode,
        content: `本人${s.name}，手机${s.mobile}，身份证号${s.idCard}，邮箱${s.email}，反映噪音扰民`,
        address: `幸福路88号，联系人：${s.name} ${s.mobile}`,
      });
    }
    const text = await shown(ids);
    for (const s of samples) for (const personal of [s.name, s.mobile, s.idCard, s.email]) expect(text).not.toContain(personal);
  });
});
