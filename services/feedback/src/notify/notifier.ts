// One interface for every way a resident hears from us. Each notifier speaks a real protocol
// (SMTP, the WeChat customer-service message API, an SMS gateway over HTTP) and says whether a
// failure is worth retrying.
export const NOTICE_CHANNELS = ['email', 'wechat', 'sms'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

export interface Notice {
  /** Stable per notice (`<eventId>/<kind>`): the idempotency key / Message-ID providers see. */
  id: string;
  channel: NoticeChannel;
  /** E-mail address, WeChat openid or mobile number. */
  to: string;
  subject: string;
  text: string;
}

export interface Notifier {
  readonly channel: NoticeChannel;
  send(notice: Notice): Promise<void>;
}

/** A failure the provider will repeat (bad address, rejected content): not retried. */
export class PermanentNoticeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentNoticeError';
  }
}
