// Typed clients over the generated OpenAPI types (openapi-fetch): paths, parameters and request
// bodies are checked against the services' documents. The staff client adds the bearer token and,
// on a 401, refreshes once silently and repeats the request; if refreshing fails the session ends
// and the console shows the login page.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths as DispatchPaths } from './dispatch';
import type { paths as FeedbackPaths } from './feedback';
import type { paths as IntakePaths } from './intake';
import { apiErrorOf } from './errors';
import { session } from './session';

const retries = new Map<string, Request>();

const staffAuth: Middleware = {
  onRequest({ request, id }) {
    const token = session.tokens?.accessToken;
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    retries.set(id, request.clone());
    return request;
  },
  async onResponse({ response, id }) {
    const original = retries.get(id);
    retries.delete(id);
    if (response.status !== 401 || !original) return response;
    const tokens = await session.refresh();
    if (!tokens) return response;
    original.headers.set('authorization', `Bearer ${tokens.accessToken}`);
    return fetch(original);
  },
  onError({ id }) {
    retries.delete(id);
  },
};

export const dispatchApi = createClient<DispatchPaths>({ baseUrl: '/api/dispatch' });
dispatchApi.use(staffAuth);

export const intakeApi = createClient<IntakePaths>({ baseUrl: '/api/intake' });

/** Staff calls to feedback typed by its document (the year-end evaluation). */
export const feedbackApi = createClient<FeedbackPaths>({ baseUrl: '/api/feedback' });
feedbackApi.use(staffAuth);

/** Staff calls to feedback (KPIs, evaluator exports) with the same token and refresh. */
export async function feedbackGet(path: string): Promise<Response> {
  const send = () => fetch(`/api/feedback${path}`, { headers: { authorization: `Bearer ${session.tokens?.accessToken ?? ''}` } });
  let response = await send();
  if (response.status === 401 && (await session.refresh())) response = await send();
  return response;
}

/** The data of an openapi-fetch answer, or an ApiError with the service's code and message. */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) throw apiErrorOf(response.status, error);
  return data as T;
}
