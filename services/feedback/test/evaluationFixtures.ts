// Annual cycles for the evaluation's tests, and staff bound to them.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@diandan/platform';
import { staffToken } from '@diandan/testkit/feedback';

/** A cycle of `year` in `phase`; a unique organisation keeps every test's cycle its own. */
export async function createCycle(prisma: PrismaClient, year: number, phase: string): Promise<string> {
  const organisationId = `fb-org-${randomUUID().slice(0, 8)}`;
  const id = `cycle-${organisationId}-${year}`;
  const day = (month: number, d = 1) => new Date(Date.UTC(year, month - 1, d, 1));
  await prisma.cycle.create({
    data: {
      id,
      organisationId,
      year,
      phase,
      solicitationStartsAt: day(1, 2),
      selectionStartsAt: day(3),
      publicationStartsAt: day(4),
      implementationStartsAt: day(4, 15),
      midyearReviewStartsAt: day(7),
      evaluationStartsAt: day(11, 15),
      reportStartsAt: day(12, 20),
      closesAt: new Date(Date.UTC(year + 1, 0, 31, 1)),
      openedAt: day(1, 1),
    },
  });
  return id;
}

export const userIdOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

/** An evaluator account's token, bound to `cycleId` through the API by an administrator. */
export async function evaluatorOf(prisma: PrismaClient, appUrl: string, adminToken: string, cycleId: string): Promise<string> {
  const token = await staffToken(prisma, { role: 'evaluator' });
  const response = await fetch(`${appUrl}/v1/evaluation/cycles/${encodeURIComponent(cycleId)}/evaluators/${userIdOf(token)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}` },
  });
  if (response.status !== 200) throw new Error(`binding the evaluator answered ${response.status}: ${await response.text()}`);
  return token;
}

/** JSON calls with a staff token; the body is whatever the service answered (tests read it loosely). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field in the tests
type Answer = { status: number; body: any };
export function caller(appUrl: string) {
  return async (method: string, path: string, token: string | null, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${appUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
}
