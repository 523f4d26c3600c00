// The services answer errors as {error: {code, message, details}} in English; people read Chinese.
// Known codes get a sentence of their own; the API's message is kept as the detail line so that
// nothing it said is lost (a 409 carries the workflow's reason, a 400 names each field).
import type { Lang } from '../lib/labels';

export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

const TEXT: Record<string, { zh: string; en: string }> = {
  invalid_credentials: { zh: '用户名或密码错误', en: 'Wrong username or password' },
  unauthenticated: { zh: '登录已过期，请重新登录', en: 'Your session has expired; please log in again' },
  forbidden: { zh: '您的角色无权进行此操作', en: 'Your role may not do this' },
  out_of_scope: { zh: '该工单不属于您的单位', en: 'This order is not at your unit' },
  not_found: { zh: '未找到（查询码或密码不对，或工单刚提交、还在登记中）', en: 'Not found (wrong code or secret, or the order is still being registered)' },
  illegal_transition: { zh: '工单状态已变化，无法进行此操作', en: 'The order has moved on; this step is no longer possible' },
  conflict: { zh: '工单状态已变化，无法进行此操作', en: 'The order has moved on; this step is no longer possible' },
  not_ratable: { zh: '该工单现在不能评价', en: 'This order cannot be rated now' },
  invalid_request: { zh: '填写的内容有误', en: 'Some fields are not valid' },
  invalid_input: { zh: '填写的内容有误', en: 'Some fields are not valid' },
  rate_limited: { zh: '操作太频繁，请稍后再试', en: 'Too many requests; try again shortly' },
  too_many_requests: { zh: '操作太频繁，请稍后再试', en: 'Too many requests; try again shortly' },
  payload_too_large: { zh: '文件太大（单个不超过 10 MB，合计不超过 25 MB）', en: 'A file is too large (10 MB each, 25 MB together)' },
  unsupported_media_type: { zh: '只能上传照片或 PDF 文件', en: 'Only photos or PDF files can be uploaded' },
  secret_in_query: { zh: '查询密码请放在请求头中发送', en: 'Send the secret in a header' },
  service_unavailable: { zh: '服务暂时不可用，请稍后再试', en: 'The service is not available; try again shortly' },
  unavailable: { zh: '服务暂时不可用，请稍后再试', en: 'The service is not available; try again shortly' },
};

const BY_STATUS: Record<number, string> = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 429: 'rate_limited', 502: 'service_unavailable', 503: 'service_unavailable' };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** The service's own words (English), shown as the detail. */
    readonly apiMessage: string,
    readonly details?: unknown,
  ) {
    super(`${status} ${code}: ${apiMessage}`);
  }

  get conflict(): boolean {
    return this.status === 409;
  }

  get forbidden(): boolean {
    return this.status === 403;
  }

  /** One line for people: the Chinese (or English) sentence for the code. */
  title(lang: Lang = 'zh'): string {
    return (TEXT[this.code] ?? TEXT[BY_STATUS[this.status] ?? ''] ?? { zh: `操作失败（${this.status}）`, en: `Request failed (${this.status})` })[lang];
  }

  /** Field errors of a 400 ("content: required"), if the API named them. */
  fields(): string[] {
    const fields = (this.details as { fields?: { path?: string; field?: string; message?: string }[] } | undefined)?.fields;
    return Array.isArray(fields) ? fields.map((f) => `${f.path ?? f.field ?? ''}: ${f.message ?? ''}`) : [];
  }
}

export function apiErrorOf(status: number, body: unknown): ApiError {
  const error = (body as ApiErrorBody | undefined)?.error;
  const code = error?.code ?? BY_STATUS[status] ?? 'error';
  return new ApiError(status, code, error?.message ?? `HTTP ${status}`, error?.details);
}
