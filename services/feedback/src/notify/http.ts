// HTTP notifiers: the WeChat customer-service message API and an SMS gateway. Base URLs come from
// configuration, so tests (and a proxy in production) point them at a stand-in.
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
}

/** errcodes that mean "try again with a fresh token" or "busy". */
const WECHAT_TOKEN_ERRORS = new Set([40001, 40014, 42001]);
const WECHAT_BUSY = new Set([-1, 45009]);

/**
 * Customer-service text messages (`/cgi-bin/message/custom/send`) with an access token from
 * `/cgi-bin/token`, cached until shortly before it expires. WeChat accepts them within 48 hours of
 * the resident's last message; outside that window the error is permanent for this notice.
 */
export class WechatNotifier implements Notifier {
  readonly channel = 'wechat' as const;
  private token: { value: string; expiresAt: number } | undefined;

  constructor(private readonly settings: WechatSettings) {}

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

  async send(notice: Notice): Promise<void> {
    const url = new URL('/cgi-bin/message/custom/send', this.settings.apiBase);
    url.searchParams.set('access_token', await this.accessToken());
    const body = await postJson(url.toString(), { touser: notice.to, msgtype: 'text', text: { content: notice.text } });
    const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
    if (errcode === 0) return;
    if (WECHAT_TOKEN_ERRORS.has(errcode)) this.token = undefined;
    if (WECHAT_TOKEN_ERRORS.has(errcode) || WECHAT_BUSY.has(errcode)) throw new Error(`WeChat ${errcode}: ${String(body.errmsg)}`);
    throw new PermanentNoticeError(`WeChat ${errcode}: ${String(body.errmsg)}`);
  }
}

export interface SmsSettings {
  apiBase: string;
  apiKey: string;
}

/** `POST <base>/messages {to, text}` with the notice id as Idempotency-Key (gateways drop repeats). */
export class SmsNotifier implements Notifier {
  readonly channel = 'sms' as const;

  constructor(private readonly settings: SmsSettings) {}

  async send(notice: Notice): Promise<void> {
    const url = new URL('messages', this.settings.apiBase.endsWith('/') ? this.settings.apiBase : `${this.settings.apiBase}/`);
    await postJson(url.toString(), { to: notice.to, text: notice.text }, { authorization: `Bearer ${this.settings.apiKey}`, 'idempotency-key': notice.id });
  }
}
