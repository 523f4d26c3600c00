// Who delivers the one-time codes that prove a supporter (docs/annual-cycle.md): e-mail through
// intake's outgoing SMTP, SMS through Alibaba Cloud SMS with its official SDK
// (`@alicloud/dysmsapi20170525`, the same provider and wire format as feedback's SMS notices:
// services/feedback/src/notify/sms.ts; locally both reach the stand-in at NOTIFY_STANDIN_PORT).
// Carriers deliver only approved text, so the SMS is the provider's verification-code template
// (验证码模板, SMS_CODE_TEMPLATE_CODE) with one variable, `${code}`.
import Dysmsapi, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { SupportIdentity } from '@diandan/domain';
import type { Transporter } from 'nodemailer';
import type { CodeSender } from './proposals';

export function mailCodeSender(mailer: Transporter, from: string): CodeSender {
  return {
    kinds: ['email'],
    send: async (identity, code) => {
      await mailer.sendMail({ from, to: identity.value, subject: `附议验证码 ${code}`, text: `您的附议验证码是 ${code}，10 分钟内有效。如非本人操作，请忽略。` });
    },
  };
}

export interface SmsCodeSettings {
  /** `dysmsapi.aliyuncs.com` in production; the stand-in's `127.0.0.1:<port>` locally. */
  endpoint: string;
  protocol: 'https' | 'http';
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  /** The approved verification-code template, e.g. 「您的附议验证码为${code}，10分钟内有效。」 */
  templateCode: string;
}

export function aliyunSmsCodeSender(settings: SmsCodeSettings): CodeSender {
  const client = new Dysmsapi(
    new $OpenApiUtil.Config({
      accessKeyId: settings.accessKeyId,
      accessKeySecret: settings.accessKeySecret,
      endpoint: settings.endpoint,
      protocol: settings.protocol,
      regionId: 'cn-hangzhou',
      // The resident waits for the answer: a code that is not out in a few seconds is better asked again.
      readTimeout: 5_000,
      connectTimeout: 3_000,
    }),
  );
  return {
    kinds: ['phone'],
    send: async (identity, code) => {
      const response = await client.sendSms(
        new SendSmsRequest({ phoneNumbers: identity.value, signName: settings.signName, templateCode: settings.templateCode, templateParam: JSON.stringify({ code }) }),
      );
      const answer = response.body?.code;
      // Flow control (isv.BUSINESS_LIMIT_CONTROL), a number the carrier refuses…: not sent.
      if (answer !== 'OK') throw new Error(`Aliyun SMS ${answer ?? 'no code'}: ${response.body?.message ?? ''}`);
    },
  };
}

/** One sender for several kinds: each identity goes to the sender of its kind. */
export function combineCodeSenders(...senders: (CodeSender | undefined)[]): CodeSender | undefined {
  const present = senders.filter((s): s is CodeSender => s !== undefined);
  if (present.length === 0) return undefined;
  const byKind = new Map<SupportIdentity['kind'], CodeSender>();
  for (const sender of present) for (const kind of sender.kinds) if (!byKind.has(kind)) byKind.set(kind, sender);
  return {
    kinds: [...byKind.keys()],
    send: async (identity, code) => {
      const sender = byKind.get(identity.kind);
      if (!sender) throw new Error(`no code sender for ${identity.kind}`);
      await sender.send(identity, code);
    },
  };
}
