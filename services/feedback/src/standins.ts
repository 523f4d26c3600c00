// Local stand-ins for the two notice providers that cannot run here: the WeChat official account
// API and Alibaba Cloud SMS. They speak the providers' wire formats (the WeChat JSON APIs with an
// access token; the Aliyun RPC call the official SDK makes, `POST /?Action…` with ACS3 headers),
// keep what they receive, and show it: `GET /messages` (JSON) and `GET /` (a page). `npm run up`
// starts them (port NOTIFY_STANDIN_PORT) and points the notifiers at them; tests start their own.
// Never for production: they check only that the caller presents the configured credentials.
import express, { type Express } from 'express';
import { randomUUID } from 'node:crypto';

export interface ReceivedMessage {
  at: string;
  channel: 'wechat' | 'sms';
  /** custom (customer-service), template, subscribe; sms */
  api: 'custom' | 'template' | 'subscribe' | 'sms';
  to: string;
  /** The text as the resident would read it (custom message text, template fields, SMS variables). */
  text: string;
  /** The notice id, where the provider carries one (SMS OutId). */
  outId?: string;
  body: unknown;
}

export interface StandInOptions {
  wechatAppId: string;
  wechatAppSecret: string;
  smsAccessKeyId: string;
  /**
   * Test hooks: an errcode / provider code to answer instead of success (e.g. 45015 outside
   * WeChat's 48-hour window, `isv.BUSINESS_LIMIT_CONTROL` for SMS flow control).
   */
  wechatAnswer?: (api: ReceivedMessage['api'], body: Record<string, unknown>) => number | undefined;
  smsAnswer?: (phone: string) => string | undefined;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function createStandIns(options: StandInOptions): { app: Express; received: ReceivedMessage[] } {
  const received: ReceivedMessage[] = [];
  const token = `standin-${randomUUID()}`;
  const app = express();
  app.use(express.json({ limit: '64kb' }));

  app.get('/cgi-bin/token', (req, res) => {
    const known = req.query.appid === options.wechatAppId && req.query.secret === options.wechatAppSecret;
    res.json(known ? { access_token: token, expires_in: 7200 } : { errcode: 40013, errmsg: 'invalid appid' });
  });

  const wechat = (api: 'custom' | 'template' | 'subscribe') => (req: express.Request, res: express.Response) => {
    if (req.query.access_token !== token) return void res.json({ errcode: 40001, errmsg: 'invalid credential' });
    const body = (req.body ?? {}) as Record<string, unknown>;
    const refused = options.wechatAnswer?.(api, body);
    if (refused !== undefined) return void res.json({ errcode: refused, errmsg: `stand-in refused (${refused})` });
    const text =
      api === 'custom'
        ? String((body.text as { content?: unknown } | undefined)?.content ?? '')
        : Object.values((body.data ?? {}) as Record<string, { value?: unknown }>)
            .map((f) => String(f?.value ?? ''))
            .join(' | ');
    received.push({ at: new Date().toISOString(), channel: 'wechat', api, to: String(body.touser ?? ''), text, body });
    res.json({ errcode: 0, errmsg: 'ok', ...(api === 'custom' ? {} : { msgid: received.length }) });
  };
  app.post('/cgi-bin/message/custom/send', wechat('custom'));
  app.post('/cgi-bin/message/template/send', wechat('template'));
  app.post('/cgi-bin/message/subscribe/bizsend', wechat('subscribe'));

  // Alibaba Cloud SMS, as the official SDK calls it: RPC style, parameters in the query string.
  app.post('/', (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    const action = req.get('x-acs-action') ?? query.Action;
    const requestId = randomUUID();
    if (action !== 'SendSms') return void res.status(400).json({ Code: 'InvalidAction.NotFound', Message: `unknown action ${action}`, RequestId: requestId });
    if (!(req.get('authorization') ?? '').includes(`Credential=${options.smsAccessKeyId},`)) {
      return void res.status(400).json({ Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.', RequestId: requestId });
    }
    const phone = query.PhoneNumbers ?? '';
    const code = options.smsAnswer?.(phone);
    if (code !== undefined) return void res.json({ Code: code, Message: `stand-in answered ${code}`, RequestId: requestId });
    let params: Record<string, unknown> = {};
    try {
      params = JSON.parse(query.TemplateParam ?? '{}') as Record<string, unknown>;
    } catch {
      return void res.json({ Code: 'isv.INVALID_JSON_PARAM', Message: 'TemplateParam is not JSON', RequestId: requestId });
    }
    received.push({
      at: new Date().toISOString(),
      channel: 'sms',
      api: 'sms',
      to: phone,
      text: `【${query.SignName ?? ''}】${query.TemplateCode ?? ''} ${Object.values(params).join(' | ')}`,
      ...(query.OutId ? { outId: query.OutId } : {}),
      body: { signName: query.SignName, templateCode: query.TemplateCode, params },
    });
    res.json({ Code: 'OK', Message: 'OK', BizId: `${Date.now()}^0`, RequestId: requestId });
  });

  app.get('/messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to : undefined;
    res.json(to === undefined ? received : received.filter((m) => m.to === to));
  });
  app.get('/', (_req, res) => {
    const rows = received
      .slice()
      .reverse()
      .map((m) => `<tr><td>${escapeHtml(m.at)}</td><td>${m.channel}/${m.api}</td><td>${escapeHtml(m.to)}</td><td>${escapeHtml(m.text)}</td></tr>`)
      .join('');
    res
      .type('html')
      .set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(
        `<!doctype html><meta charset="utf-8"><title>微信与短信（本地替身）</title><h1>微信与短信（本地替身）</h1><p>${received.length} 条。JSON: <code>/messages</code></p>` +
          `<table border="1" cellpadding="4"><tr><th>时间</th><th>渠道</th><th>接收人</th><th>内容</th></tr>${rows}</table>`,
      );
  });
  return { app, received };
}
