// The resident's calls: place (intake), track (intake), rate (feedback), urge and withdraw. No
// login — the tracking code and its secret prove the order. The secret is kept in this tab only
// (sessionStorage) and sent in a header, never in a URL that lands in logs or history.
import { apiErrorOf } from '../api/errors';
import type { components as IntakeComponents } from '../api/intake';

export type Accepted = IntakeComponents['schemas']['Accepted'];
export type OrderRequest = IntakeComponents['schemas']['OrderRequest'];

export interface Tracked {
  trackingCode: string;
  status: string;
  content: string;
  categoryCode: string | null;
  placedAt: string;
  updatedAt: string;
  timeline: { seq: number; type: string; at: string }[];
  /** Added by the resident-tracking work (console-api); shown when present. */
  opinion?: string | null;
  result?: string | null;
  answer?: string | null;
  unitName?: string | null;
  deadline?: string | null;
  deadlineAt?: string | null;
  ratingDeadline?: string | null;
  ratingDeadlineAt?: string | null;
  rating?: string | null;
  canUrge?: boolean;
  canWithdraw?: boolean;
  availableActions?: string[];
}

export interface PublicCategory {
  code: string;
  name: string;
  description?: string;
}

async function json<T>(response: Response): Promise<T> {
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw apiErrorOf(response.status, body);
  return body as T;
}

export const secrets = {
  get: (code: string) => sessionStorage.getItem(`diandan.secret.${code}`) ?? '',
  set: (code: string, secret: string) => sessionStorage.setItem(`diandan.secret.${code}`, secret),
};

export async function categories(): Promise<PublicCategory[]> {
  const body = await json<{ categories: PublicCategory[] }>(await fetch('/api/intake/v1/categories'));
  return body.categories;
}

export async function place(form: FormData, idempotencyKey: string): Promise<Accepted> {
  return json<Accepted>(await fetch('/api/intake/v1/orders', { method: 'POST', headers: { 'idempotency-key': idempotencyKey }, body: form }));
}

export async function track(code: string, secret: string): Promise<Tracked> {
  return json<Tracked>(await fetch(`/api/intake/v1/orders/track/${encodeURIComponent(code)}`, { headers: { 'x-order-secret': secret } }));
}

export async function rate(code: string, secret: string, rating: string, comment: string): Promise<{ message?: string; reopened?: boolean }> {
  return json(await fetch(`/api/feedback/v1/orders/track/${encodeURIComponent(code)}/rating`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secret, rating, ...(comment.trim() ? { comment: comment.trim() } : {}) }),
  }));
}

/** 催办 / 撤回 by the resident (console-api adds these to intake's tracking routes). */
export async function residentAction(code: string, secret: string, action: 'urge' | 'withdraw', reason: string): Promise<unknown> {
  return json(await fetch(`/api/intake/v1/orders/track/${encodeURIComponent(code)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-order-secret': secret },
    body: JSON.stringify({ secret, ...(reason.trim() ? { reason: reason.trim(), note: reason.trim() } : {}) }),
  }));
}
