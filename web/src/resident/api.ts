// The resident's calls: place and track (intake), rate, urge and withdraw (feedback), all typed by
// the services' OpenAPI documents. No login — the tracking code and its secret prove the order.
// The secret is kept in this tab only (sessionStorage) and sent in a header, never in a URL that
// lands in logs or history.
import createClient from 'openapi-fetch';
import { apiErrorOf } from '../api/errors';
import type { paths as FeedbackPaths } from '../api/feedback';
import type { components as IntakeComponents, paths as IntakePaths } from '../api/intake';

export type Accepted = IntakeComponents['schemas']['Accepted'];
export type Tracked = IntakeComponents['schemas']['TrackedOrder'];
export type PublicCategory = IntakeComponents['schemas']['PublicCategory'];
export type CurrentCycle = IntakeComponents['schemas']['CurrentCycle'];
export type PublicProposal = IntakeComponents['schemas']['PublicProposal'];
export type SupportResult = IntakeComponents['schemas']['SupportResult'];

const intake = createClient<IntakePaths>({ baseUrl: '/api/intake' });
const feedback = createClient<FeedbackPaths>({ baseUrl: '/api/feedback' });

async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) throw apiErrorOf(response.status, error);
  return data as T;
}

export const secrets = {
  get: (code: string) => sessionStorage.getItem(`diandan.secret.${code}`) ?? '',
  set: (code: string, secret: string) => sessionStorage.setItem(`diandan.secret.${code}`, secret),
};

export async function categories(): Promise<PublicCategory[]> {
  return (await must(intake.GET('/v1/categories'))).categories;
}

/** Multipart (photos): built by the browser, so sent with fetch; the answer is typed. */
export async function place(form: FormData, idempotencyKey: string): Promise<Accepted> {
  const response = await fetch('/api/intake/v1/orders', { method: 'POST', headers: { 'idempotency-key': idempotencyKey }, body: form });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw apiErrorOf(response.status, body);
  return body as Accepted;
}

export function track(code: string, secret: string): Promise<Tracked> {
  return must(intake.GET('/v1/orders/track/{code}', { params: { path: { code }, header: { 'X-Order-Secret': secret } } })) as Promise<Tracked>;
}

export function rate(code: string, secret: string, rating: 'satisfied' | 'basically_satisfied' | 'dissatisfied', comment: string) {
  return must(feedback.POST('/v1/orders/track/{code}/rating', { params: { path: { code } }, body: { secret, rating, ...(comment.trim() ? { comment: comment.trim() } : {}) } }));
}

/** 催办 / 撤回 where the rules allow (the tracking answer's `actions`). */
export function residentAction(code: string, secret: string, action: 'urge' | 'withdraw', note: string) {
  const request = { params: { path: { code }, header: { 'X-Order-Secret': secret } }, body: note.trim() ? { note: note.trim() } : {} };
  return action === 'urge' ? must(feedback.POST('/v1/orders/track/{code}/urge', request as never)) : must(feedback.POST('/v1/orders/track/{code}/withdraw', request as never));
}

/** One file of the order (a result photo): bytes with the secret in a header, never in the URL. */
export async function attachment(code: string, secret: string, id: string): Promise<Blob> {
  const response = await fetch(`/api/intake/v1/orders/track/${encodeURIComponent(code)}/attachments/${encodeURIComponent(id)}`, { headers: { 'X-Order-Secret': secret } });
  if (!response.ok) throw apiErrorOf(response.status, await response.json().catch(() => undefined));
  return response.blob();
}

/** The cycle that takes proposals now (the organisation's newest; the federation's by default), with the areas a proposal may name. */
export function currentCycle(organisationId?: string): Promise<CurrentCycle> {
  return must(intake.GET('/v1/cycles/current', { params: { query: organisationId ? { organisationId } : {} } })) as Promise<CurrentCycle>;
}

/** The cycle's open proposals, most supported first (scrubbed by intake). */
export async function openProposals(cycleId: string): Promise<PublicProposal[]> {
  return (await must(intake.GET('/v1/proposals', { params: { query: { cycleId, status: 'open', limit: 200 } } }))).proposals;
}

export function propose(body: { organisationId?: string; title: string; content: string; categoryCode?: string; areaId?: string }, idempotencyKey: string) {
  return must(intake.POST('/v1/proposals', { params: { header: { 'Idempotency-Key': idempotencyKey } }, body: { ...body, channel: 'web' } }));
}

/** Where a support code can go: an e-mail address, or a mobile number by SMS where intake has an SMS sender (CurrentCycle.supportCodeKinds). */
export type CodeKind = CurrentCycle['supportCodeKinds'][number];

/** 附议: a six-digit code to the address or number, then the support with it (one code serves ten minutes). */
export function supportCode(kind: CodeKind, value: string) {
  return must(intake.POST('/v1/proposals/support-codes', { body: { kind, value } }));
}

export function support(reference: string, identity: { kind: CodeKind; value: string }, code: string): Promise<SupportResult> {
  return must(intake.POST('/v1/proposals/{reference}/supports', { params: { path: { reference } }, body: { identity, code } })) as Promise<SupportResult>;
}
