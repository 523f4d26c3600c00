// One interface for every way a resident hears from us. Each notifier speaks a real protocol
// (SMTP, the WeChat official account's message APIs, an SMS provider's API through its SDK) and
// says whether a failure is worth retrying. A new provider is one more class implementing Notifier.
import type { NoticeChannel, NoticeKind, NoticeMessage } from '@diandan/domain';

export { NOTICE_CHANNELS, type NoticeChannel } from '@diandan/domain';

export interface Notice {
  /** Stable per notice (`<eventId>/<kind>`): the idempotency key / Message-ID / OutId providers see. */
  id: string;
  kind: NoticeKind;
  channel: NoticeChannel;
  /** E-mail address, WeChat openid or mobile number. */
  to: string;
  trackingCode: string;
  /** The text in every shape a channel needs (full text, template fields). */
  message: NoticeMessage;
  /** The resident's newest message to the official account, when known (WeChat's 48-hour window). */
  lastInboundAt?: Date | undefined;
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
