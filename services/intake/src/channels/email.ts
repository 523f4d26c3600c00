// E-mail: a real SMTP listener. Mail to the intake address becomes an order and the sender gets
// the tracking code and secret back. The answer to the sending server is given only after Kafka
// acknowledged (else 451, and the sender's server retries with the same Message-ID → same order).
import { MAX_CONTENT_LENGTH } from '@diandan/domain';
import type { Logger } from '@diandan/platform';
import { simpleParser, type AddressObject } from 'mailparser';
import type { AddressInfo } from 'node:net';
import type { Transporter } from 'nodemailer';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { z } from 'zod';
import type { AttachmentStore } from '../attachments';
import { KafkaUnavailableError, type Placer } from '../placing';

export interface EmailOptions {
  placer: Placer;
  attachments: AttachmentStore;
  logger: Logger;
  address: string;
  maxBytes: number;
  attachmentMaxBytes: number;
  /** Sends the reply with the tracking code; none = no reply (logged). */
  mailer?: Transporter;
}

export interface EmailIntake {
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode });
const isEmail = (value: string | undefined): value is string => value !== undefined && z.email().safeParse(value).success;

function firstAddress(from: AddressObject | AddressObject[] | undefined): string | undefined {
  const list = Array.isArray(from) ? from : from ? [from] : [];
  return list[0]?.value[0]?.address?.toLowerCase();
}

/** Auto-replies, bounces and list mail never get an answer: no mail loops. */
function isAutomatic(headers: Map<string, unknown>): boolean {
  const auto = String(headers.get('auto-submitted') ?? 'no').toLowerCase();
  const precedence = String(headers.get('precedence') ?? '').toLowerCase();
  return auto !== 'no' || ['bulk', 'list', 'junk'].includes(precedence) || headers.has('list-id');
}

export function emailChannel(options: EmailOptions): EmailIntake {
  const { placer, attachments, logger, address, mailer } = options;

  async function receive(stream: SMTPServerDataStream): Promise<void> {
    const mail = await simpleParser(stream, { skipHtmlToText: false, skipImageLinks: true, skipTextLinks: true });
    if (stream.sizeExceeded) throw smtpError(`message exceeds ${options.maxBytes} bytes`, 552);
    const from = firstAddress(mail.from);
    const subject = (mail.subject ?? '').trim();
    const content = [subject, (mail.text ?? '').trim()].filter(Boolean).join('\n\n').slice(0, MAX_CONTENT_LENGTH);
    if (content === '') throw smtpError('an empty message cannot be an order', 550);
    const messageId = mail.messageId?.slice(0, 998);
    const identity = placer.identify(messageId ? ['email', from ?? '', messageId] : undefined);
    const files = mail.attachments
      .filter((a) => a.content.length <= options.attachmentMaxBytes)
      .slice(0, 20)
      .map((a) => ({ fileName: a.filename ?? 'attachment', buffer: a.content }));
    const stored = await attachments.store(identity.orderId, files, 'attachments', true);
    const placed = await placer.place({ channel: 'email', content, contact: { email: isEmail(from) ? from : undefined }, attachments: stored }, identity);
    if (!mailer || !isEmail(from) || from === address.toLowerCase() || isAutomatic(mail.headers)) {
      logger.info({ orderId: placed.orderId, replied: false }, 'e-mail order placed');
      return;
    }
    // The answer to the sending server does not wait for our reply mail.
    mailer
      .sendMail({
        from: address,
        to: from,
        subject: `已受理 ${placed.trackingCode}${subject ? ` — Re: ${subject.slice(0, 150)}` : ''}`,
        inReplyTo: messageId,
        references: messageId,
        headers: { 'Auto-Submitted': 'auto-replied' },
        text: [
          '您的来信已受理。',
          `查询码：${placed.trackingCode}`,
          `密钥：${placed.secret}（请妥善保存，用于查询进度和评价）`,
          `查询：/v1/orders/track/${placed.trackingCode}`,
        ].join('\n'),
      })
      .then(
        () => logger.info({ orderId: placed.orderId, replied: true }, 'e-mail order placed'),
        (err: unknown) => logger.error({ orderId: placed.orderId, err }, 'reply with tracking code not sent'),
      );
  }

  const server = new SMTPServer({
    name: 'diandan-intake',
    banner: 'diandan intake',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: options.maxBytes,
    logger: false,
    maxClients: 100,
    socketTimeout: 30_000,
    onRcptTo(rcpt, _session, callback) {
      if (rcpt.address.toLowerCase() !== address.toLowerCase()) {
        callback(smtpError(`no mailbox here for ${rcpt.address}`, 550));
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      receive(stream).then(
        () => callback(),
        (err: unknown) => {
          stream.resume();
          if ((err as { responseCode?: number }).responseCode) callback(err as Error);
          else if (err instanceof KafkaUnavailableError) callback(smtpError('cannot record the message right now; try again later', 451));
          else {
            logger.error({ err }, 'e-mail could not be turned into an order');
            callback(smtpError('the message could not be processed', 554));
          }
        },
      );
    },
  });
  server.on('error', (err) => logger.warn({ err: err.message }, 'smtp connection error'));

  return {
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.server.address() as AddressInfo).port);
        });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
