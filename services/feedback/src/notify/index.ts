// Notifications wiring: which notifiers the configuration turns on.
import type { Notifier, NoticeChannel } from './notifier';
import { SmsNotifier, WechatNotifier } from './http';
import { SmtpNotifier } from './smtp';

export interface NotifierConfig {
  NOTIFY_SMTP_HOST: string;
  NOTIFY_SMTP_PORT: number;
  NOTIFY_MAIL_FROM: string;
  WECHAT_API_BASE: string;
  NOTIFY_WECHAT_APP_ID: string;
  NOTIFY_WECHAT_APP_SECRET: string;
  SMS_API_BASE: string;
  SMS_API_KEY: string;
}

/** An empty host, app id or base URL leaves that channel off: its notices are recorded as skipped. */
export function notifiersFrom(config: NotifierConfig): Partial<Record<NoticeChannel, Notifier>> {
  return {
    ...(config.NOTIFY_SMTP_HOST ? { email: new SmtpNotifier({ host: config.NOTIFY_SMTP_HOST, port: config.NOTIFY_SMTP_PORT, from: config.NOTIFY_MAIL_FROM }) } : {}),
    ...(config.NOTIFY_WECHAT_APP_ID
      ? { wechat: new WechatNotifier({ apiBase: config.WECHAT_API_BASE, appId: config.NOTIFY_WECHAT_APP_ID, appSecret: config.NOTIFY_WECHAT_APP_SECRET }) }
      : {}),
    ...(config.SMS_API_BASE ? { sms: new SmsNotifier({ apiBase: config.SMS_API_BASE, apiKey: config.SMS_API_KEY }) } : {}),
  };
}
