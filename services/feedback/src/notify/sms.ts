// SMS through Alibaba Cloud SMS (阿里云短信服务, API dysmsapi 2017-05-25) with its official SDK
// (`@alicloud/dysmsapi20170525`). Chinese carriers deliver only pre-approved text: every SMS is an
// approved template (模板 code) under an approved signature (签名), filled with variables — ours are
// `${code}` (tracking code), `${status}` and `${next}`, e.g. 「您的诉求${code}${status}，${next}。」.
// The notice id travels as OutId, so a resend after a crash is recognisable in the provider's
// records. Another provider (Tencent Cloud SMS…) is one more class implementing Notifier.
import Dysmsapi, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { PermanentNoticeError, type Notice, type Notifier } from './notifier';

export interface AliyunSmsSettings {
  /** API host, `dysmsapi.aliyuncs.com` in production; a stand-in's `127.0.0.1:<port>` locally. */
  endpoint: string;
  protocol: 'https' | 'http';
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  templateCode: string;
}

/**
 * Codes worth another try later: flow control (per number per minute/hour/day), the provider's own
 * faults. Everything else (an illegal number, a template or signature not approved, a blacklisted
 * number, missing parameters) is refused for good.
 */
const TRANSIENT_CODES = new Set(['isv.BUSINESS_LIMIT_CONTROL', 'isp.SYSTEM_ERROR', 'Throttling.User', 'ServiceUnavailable']);

/** SMS variables are at most 35 characters each. */
const variable = (value: string): string => [...value].slice(0, 35).join('');

export class AliyunSmsNotifier implements Notifier {
  readonly channel = 'sms' as const;
  private readonly client: Dysmsapi;

  constructor(private readonly settings: AliyunSmsSettings) {
    this.client = new Dysmsapi(
      new $OpenApiUtil.Config({
        accessKeyId: settings.accessKeyId,
        accessKeySecret: settings.accessKeySecret,
        endpoint: settings.endpoint,
        protocol: settings.protocol,
        regionId: 'cn-hangzhou',
        readTimeout: 10_000,
        connectTimeout: 5_000,
      }),
    );
  }

  async send(notice: Notice): Promise<void> {
    const request = new SendSmsRequest({
      phoneNumbers: notice.to,
      signName: this.settings.signName,
      templateCode: this.settings.templateCode,
      templateParam: JSON.stringify({ code: notice.trackingCode, status: variable(notice.message.status), next: variable(notice.message.next) }),
      outId: notice.id,
    });
    let code: string | undefined;
    let message: string | undefined;
    try {
      const response = await this.client.sendSms(request);
      code = response.body?.code;
      message = response.body?.message;
    } catch (error) {
      // The SDK throws for HTTP errors with the provider's code and status; network errors have neither.
      const failure = error as { code?: string; statusCode?: number; message?: string };
      const status = failure.statusCode;
      if (status !== undefined && status >= 400 && status < 500 && status !== 429 && !TRANSIENT_CODES.has(failure.code ?? '')) {
        throw new PermanentNoticeError(`Aliyun SMS HTTP ${status} ${failure.code ?? ''}: ${failure.message ?? ''}`);
      }
      throw new Error(`Aliyun SMS ${status ?? 'network'} ${failure.code ?? ''}: ${failure.message ?? String(error)}`);
    }
    if (code === 'OK') return;
    if (code !== undefined && TRANSIENT_CODES.has(code)) throw new Error(`Aliyun SMS ${code}: ${message ?? ''}`);
    throw new PermanentNoticeError(`Aliyun SMS ${code ?? 'no code'}: ${message ?? ''}`);
  }
}
