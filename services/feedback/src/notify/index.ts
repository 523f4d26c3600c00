// Notifications wiring: which notifiers the configuration turns on.
import type { Notifier, NoticeChannel } from './notifier';
import { WechatNotifier } from './http';
import { AliyunSmsNotifier } from './sms';
import { SmtpNotifier } from './smtp';

export interface NotifierConfig {
  NOTIFY_SMTP_HOST: string;
  NOTIFY_SMTP_PORT: number;
  NOTIFY_MAIL_FROM: string;
  WECHAT_API_BASE: string;
  NOTIFY_WECHAT_APP_ID: string;
  NOTIFY_WECHAT_APP_SECRET: string;
  NOTIFY_WECHAT_TEMPLATE_ID: string;
  NOTIFY_WECHAT_TEMPLATE_API: 'template' | 'subscribe';
  NOTIFY_WECHAT_TEMPLATE_FIELDS: string;
  SMS_PROVIDER: '' | 'aliyun';
  SMS_ENDPOINT: string;
  SMS_PROTOCOL: 'https' | 'http';
  SMS_ACCESS_KEY_ID: string;
  SMS_ACCESS_KEY_SECRET: string;
  SMS_SIGN_NAME: string;
  SMS_TEMPLATE_CODE: string;
}

/** An empty host, app id or provider leaves that channel off: its notices are recorded as skipped. */
export function notifiersFrom(config: NotifierConfig): Partial<Record<NoticeChannel, Notifier>> {
  const [code = 'character_string1', status = 'thing2', next = 'thing3'] = config.NOTIFY_WECHAT_TEMPLATE_FIELDS.split(',');
  return {
    ...(config.NOTIFY_SMTP_HOST ? { email: new SmtpNotifier({ host: config.NOTIFY_SMTP_HOST, port: config.NOTIFY_SMTP_PORT, from: config.NOTIFY_MAIL_FROM }) } : {}),
    ...(config.NOTIFY_WECHAT_APP_ID
      ? {
          wechat: new WechatNotifier({
            apiBase: config.WECHAT_API_BASE,
            appId: config.NOTIFY_WECHAT_APP_ID,
            appSecret: config.NOTIFY_WECHAT_APP_SECRET,
            templateId: config.NOTIFY_WECHAT_TEMPLATE_ID,
            templateApi: config.NOTIFY_WECHAT_TEMPLATE_API,
            templateFields: [code, status, next],
          }),
        }
      : {}),
    ...(config.SMS_PROVIDER === 'aliyun'
      ? {
          sms: new AliyunSmsNotifier({
            endpoint: config.SMS_ENDPOINT,
            protocol: config.SMS_PROTOCOL,
            accessKeyId: config.SMS_ACCESS_KEY_ID,
            accessKeySecret: config.SMS_ACCESS_KEY_SECRET,
            signName: config.SMS_SIGN_NAME,
            templateCode: config.SMS_TEMPLATE_CODE,
          }),
        }
      : {}),
  };
}
