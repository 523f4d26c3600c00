// Personal data on every surface feedback shows outside the building: the public board (JSON and
// page) and the evaluator's export. Orders carry the shared corpus's texts (packages/domain) and
// generated ones as the resident's words, the unit's opinion and result, and the rating comment;
// no phone, ID number, e-mail or name from them may come out.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import fc from 'fast-check';
import type { PrismaClient } from '@diandan/platform';
import { env, insertOrder, seedUnits, staffToken, startApp, testPrisma, type RunningApp } from '@diandan/testkit/feedback';

interface CorpusText {
  text: string;
  gone: string[];
}
const corpus = JSON.parse(readFileSync(path.join(__dirname, '../../../packages/domain/test/fixtures/scrub-corpus.json'), 'utf8')) as CorpusText[];

/** The corpus's phones, ID numbers, e-mails and names (not house numbers: "501" may be in a date). */
export const personalOf = (gone: string[]): string[] =>
  gone.filter((g) => /\d{7,}|@/.test(g.replace(/[\s-]/g, '')) || (/^[\u4e00-\u9fa5]{2,4}$/.test(g) && !/[号栋室楼幢单元层户]/.test(g)));

let prisma: PrismaClient;
let connection: Connection;
let app: RunningApp;
const category = `fb-pii-${randomUUID().slice(0, 8)}`;
const MONTH = '2016-03';

beforeAll(async () => {
  prisma = testPrisma();
  await seedUnits(prisma);
  await prisma.category.create({ data: { code: category, name: '隐私测试' } });
  connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
  app = await startApp(prisma, new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') }));
});
afterAll(async () => {
  await app?.close();
  await connection?.close();
  await prisma?.$disconnect();
});

async function handledOrder(words: { content: string; opinion?: string; result?: string; comment?: string }, day: number): Promise<void> {
  const placedAt = new Date(Date.UTC(2016, 2, 1 + (day % 27), 2));
  await insertOrder(prisma, category, {
    unitId: 'fb-a-c1',
    status: 'closed',
    rating: 'satisfied',
    placedAt,
    resolvedAt: new Date(placedAt.getTime() + 3_600_000),
    ...words,
  });
}

/** Everything the public and the evaluator see of this test's orders, as text. */
async function everythingShown(): Promise<string> {
  const parts: string[] = [];
  for (let page = 1; ; page++) {
    const response = await fetch(`${app.url}/v1/board?category=${category}&pageSize=50&page=${page}`);
    const body = (await response.json()) as { hasNext: boolean };
    parts.push(JSON.stringify(body));
    if (!body.hasNext) break;
  }
  parts.push(await (await fetch(`${app.url}/board?category=${category}`)).text());
  // The evaluator's export (a supervisor's token: an evaluator account reaches only its cycle's year).
  const reader = await staffToken(prisma, { role: 'supervisor' });
  const csv = await fetch(`${app.url}/v1/evaluator/orders.csv?from=${MONTH}`, { headers: { authorization: `Bearer ${reader}` } });
  if (csv.status !== 200) throw new Error(`the evaluator export answered ${csv.status}`);
  parts.push(await csv.text());
  return parts.join('\n');
}

describe('public surfaces (board, board page, evaluator export)', () => {
  it('publicSurfaces.corpusCheck: no phone, ID number, e-mail or name of the shared corpus comes out', async () => {
    for (const [i, t] of corpus.entries()) {
      const next = (k: number) => corpus[(i + k) % corpus.length]!.text;
      await handledOrder({ content: t.text, opinion: next(1), result: next(2), comment: next(3) }, i);
    }
    const shown = await everythingShown();
    const leaked = corpus.flatMap((t) => personalOf(t.gone)).filter((personal) => shown.includes(personal));
    expect(leaked).toEqual([]);
    expect(shown).toContain('困难职工帮扶'); // the words themselves are still there
  }, 120_000);

  it('publicSurfaces.propertyCheck: generated names, phones, ID and e-mail never come out', async () => {
    const surname = fc.constantFrom(...'王李张刘陈杨黄赵吴周'.split(''));
    const given = fc.constantFrom('小明', '建国', '丽', '秀英', '伟', '志强');
    const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
    const mobile = fc.tuple(fc.integer({ min: 3, max: 9 }), digits(9)).map(([second, rest]) => `1${second}${rest}`);
    const idCard = fc.tuple(digits(6), fc.integer({ min: 1950, max: 2005 }), fc.integer({ min: 10, max: 12 }), fc.integer({ min: 10, max: 28 }), digits(4)).map(([a, y, m, d, s]) => `${a}${y}${m}${d}${s}`);
    const email = fc.tuple(fc.stringMatching(/^[a-z]{3,8}$/), fc.constantFrom('163.com', 'qq.com', 'example.cn')).map(([user, host]) => `${user}@${host}`);
    const samples = fc.sample(fc.record({ surname, given, mobile, idCard, email }), 25);
    for (const [i, s] of samples.entries()) {
      const name = `${s.surname}${s.given}`;
      await handledOrder(
        {
          content: `我叫${name}，电话${s.mobile}，身份证${s.idCard}，邮箱${s.email}，小区路灯坏了`,
          opinion: `联系人：${name}，已联系`,
          result: `已回电${s.mobile}`,
          comment: `${s.surname}女士满意，邮件${s.email}`,
        },
        100 + i,
      );
    }
    const shown = await everythingShown();
    for (const s of samples) {
      for (const personal of [`${s.surname}${s.given}`, s.mobile, s.idCard, s.email]) expect(shown).not.toContain(personal);
    }
  }, 120_000);
});
