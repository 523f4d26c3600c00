// WeChat official account notices. WeChat allows a customer-service message
// (`/cgi-bin/message/custom/send`, free text) only within 48 hours of the resident's last message
// to the account; outside it, only a pre-approved template message (`/cgi-bin/message/template/send`,
// 模板消息) or subscription notice (`/cgi-bin/message/subscribe/bizsend`, 订阅通知) goes through. The
// base URL comes from configuration, so tests and the local platform point it at a stand-in.
import { PermanentNoticeError, type Notice, type Notifier } from './notifier';

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status >= 500 || response.status === 429) throw new Error(`${url}: HTTP ${response.status}`);
  if (!response.ok) throw new PermanentNoticeError(`${url}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export interface WechatSettings {
  apiBase: string;
  appId: string;
  appSecret: string;
  /** The approved template / subscription id; without it, only the 48-hour window is served. */
  templateId?: string;
  templateApi?: 'template' | 'subscribe';
  /** The template's keys for the tracking code, the status and what happens next. */
  templateFields?: readonly [string, string, string];
  /** Where the resident's tap on a template message leads (the H5 tracking page). */
  trackingUrl?: (trackingCode: string) => string;
}

/** errcodes that mean "try again with a fresh token" or "busy". */
const WECHAT_TOKEN_ERRORS = new Set([40001, 40014, 42001]);
const WECHAT_BUSY = new Set([-1, 45009]);
/** 45015: "response out of time limit" — the 48-hour window closed; 45047: too many messages in it. */
const WECHAT_OUTSIDE_WINDOW = new Set([45015, 45047]);
/** A little short of 48 hours, so that a message does not race the window's end. */
export const WECHAT_WINDOW_MS = 47 * 3600_000;

/** WeChat limits a template's `thing` value to 20 characters. */
const field = (value: string): { value: string } => ({ value: [...value].slice(0, 20).join('') });

export class WechatNotifier implements Notifier {
  readonly channel = 'wechat' as const;
  private token: { value: string; expiresAt: number } | undefined;

  constructor(
    private readonly settings: WechatSettings,
    private readonly now: () => number = Date.now,
  ) {}

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const url = new URL('/cgi-bin/token', this.settings.apiBase);
    url.search = new URLSearchParams({ grant_type: 'client_credential', appid: this.settings.appId, secret: this.settings.appSecret }).toString();
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`WeChat token: HTTP ${response.status}`);
    const body = (await response.json()) as { access_token?: string; expires_in?: number; errcode?: number; errmsg?: string };
    if (!body.access_token) throw new Error(`WeChat token: ${body.errcode} ${body.errmsg}`);
    this.token = { value: body.access_token, expiresAt: Date.now() + Math.max(60, (body.expires_in ?? 7200) - 300) * 1000 };
    return this.token.value;
  }

  /** Inside the window: a customer-service message; outside (or refused as outside): the template. */
  async send(notice: Notice): Promise<void> {
    const inWindow = notice.lastInboundAt !== undefined && this.now() - notice.lastInboundAt.getTime() < WECHAT_WINDOW_MS;
    if (inWindow || !this.settings.templateId) {
      const answer = await this.call('/cgi-bin/message/custom/send', { touser: notice.to, msgtype: 'text', text: { content: notice.message.text } });
      if (answer.errcode === 0) return;
      if (!(WECHAT_OUTSIDE_WINDOW.has(answer.errcode) && this.settings.templateId)) this.fail(answer, 'customer-service message');
    }
    const [codeKey, statusKey, nextKey] = this.settings.templateFields ?? ['character_string1', 'thing2', 'thing3'];
    const path = this.settings.templateApi === 'subscribe' ? '/cgi-bin/message/subscribe/bizsend' : '/cgi-bin/message/template/send';
    const url = this.settings.trackingUrl?.(notice.trackingCode);
    const answer = await this.call(path, {
      touser: notice.to,
      template_id: this.settings.templateId,
      ...(url ? (this.settings.templateApi === 'subscribe' ? { page: url } : { url }) : {}),
      data: { [codeKey]: { value: notice.trackingCode }, [statusKey]: field(notice.message.status), [nextKey]: field(notice.message.next) },
    });
    if (answer.errcode !== 0) this.fail(answer, 'template message');
  }

  private async call(path: string, body: unknown): Promise<{ errcode: number; errmsg: string }> {
    const url = new URL(path, this.settings.apiBase);
    url.searchParams.set('access_token', await this.accessToken());
    const answer = await postJson(url.toString(), body);
    const errcode = typeof answer.errcode === 'number' ? answer.errcode : 0;
    if (WECHAT_TOKEN_ERRORS.has(errcode)) this.token = undefined;
    return { errcode, errmsg: String(answer.errmsg ?? '') };
  }

  private fail({ errcode, errmsg }: { errcode: number; errmsg: string }, what: string): never {
    const message = `WeChat ${what} ${errcode}: ${errmsg}`;
    if (WECHAT_TOKEN_ERRORS.has(errcode) || WECHAT_BUSY.has(errcode)) throw new Error(message);
    throw new PermanentNoticeError(message);
  }
}
