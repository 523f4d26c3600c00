// E-mail: a real SMTP listener. Mail to the intake address becomes an order and the sender gets
// the tracking code and secret back. The answer to the sending server is given only after Kafka
// acknowledged (else 451, and the sender's server retries with the same Message-ID → same order).
// Limits hold while the message streams in: the parser stops at maxBytes (the rest is drained,
// not kept), each client address has a few connections at most, each envelope sender a few
// messages per hour. STARTTLS and AUTH are offered when configured (SMTP_TLS_*, SMTP_AUTH_*).
import { MAX_CONTENT_LENGTH } from '@diandan/domain';
import type { Logger } from '@diandan/platform';
import { MemoryStore, type Options as RateLimitOptions } from 'express-rate-limit';
import { simpleParser, type AddressObject } from 'mailparser';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { Transporter } from 'nodemailer';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions } from 'smtp-server';
import { z } from 'zod';
import type { AttachmentStore } from '@diandan/platform';
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
  /** STARTTLS with this key and certificate (PEM); none = plain SMTP only. */
  tls?: { key: Buffer; cert: Buffer };
  /** Clients must AUTH (PLAIN or LOGIN) with these credentials; only after STARTTLS when tls is set. */
  auth?: { user: string; password: string };
  /** Concurrent connections per client address (default 10). */
  maxConnectionsPerAddress?: number;
  /** Messages per envelope sender per hour (default 20); more are refused with 450 and retried later by the sender's server. */
  messagesPerSenderPerHour?: number;
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

/**
 * The message as the parser may read it: at most maxBytes. Past that the parser's input fails at
 * once and the rest of the SMTP stream is drained without being kept, so an over-size mail costs
 * no more memory than one at the limit.
 */
function limitedBody(stream: SMTPServerDataStream, maxBytes: number): { body: PassThrough; ended: Promise<boolean> } {
  const body = new PassThrough();
  let bytes = 0;
  let exceeded = false;
  stream.on('data', (chunk: Buffer) => {
    if (exceeded) return;
    bytes += chunk.length;
    if (bytes > maxBytes) {
      exceeded = true;
      body.destroy(smtpError(`message exceeds ${maxBytes} bytes`, 552));
      stream.resume();
      return;
    }
    if (!body.write(chunk)) {
      stream.pause();
      body.once('drain', () => stream.resume());
    }
  });
  const ended = new Promise<boolean>((resolve) => {
    stream.once('end', () => {
      if (!exceeded) body.end();
      resolve(exceeded || stream.sizeExceeded);
    });
  });
  return { body, ended };
}

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function emailChannel(options: EmailOptions): EmailIntake {
  const { placer, attachments, logger, address, mailer } = options;
  const maxConnectionsPerAddress = options.maxConnectionsPerAddress ?? 10;
  const connections = new Map<string, number>();
  const counted = new Set<string>();
  const senders = new MemoryStore();
  senders.init({ windowMs: 60 * 60_000 } as RateLimitOptions);
  const messagesPerSender = options.messagesPerSenderPerHour ?? 20;

  async function receive(stream: SMTPServerDataStream): Promise<void> {
    const { body, ended } = limitedBody(stream, options.maxBytes);
    let mail: Awaited<ReturnType<typeof simpleParser>>;
    try {
      mail = await simpleParser(body, { skipHtmlToText: false, skipImageLinks: true, skipTextLinks: true });
    } finally {
      // The answer goes out once the client has sent everything (SMTP answers after the final dot).
      if (await ended) body.destroy();
    }
    if (await ended) throw smtpError(`message exceeds ${options.maxBytes} bytes`, 552);
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

  const { tls, auth } = options;
  const security: Partial<SMTPServerOptions> = {
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    authOptional: !auth,
    authMethods: ['PLAIN', 'LOGIN'],
    // AUTH in clear text only when no certificate was given (a test rig, or TLS ends at a proxy).
    allowInsecureAuth: !tls,
    disabledCommands: [...(tls ? [] : ['STARTTLS']), ...(auth ? [] : ['AUTH'])],
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && sameSecret(credentials.password ?? '', auth.password)) callback(null, { user: auth.user });
      else callback(smtpError('authentication failed', 535));
    },
  };

  const server = new SMTPServer({
    name: 'diandan-intake',
    banner: 'diandan intake',
    ...security,
    size: options.maxBytes,
    logger: false,
    maxClients: 100,
    socketTimeout: 30_000,
    closeTimeout: 5_000,
    onConnect(session, callback) {
      const count = (connections.get(session.remoteAddress) ?? 0) + 1;
      if (count > maxConnectionsPerAddress) {
        callback(smtpError('too many connections from your address; try again later', 421));
        return;
      }
      connections.set(session.remoteAddress, count);
      counted.add(session.id);
      callback();
    },
    onClose(session) {
      if (!counted.delete(session.id)) return;
      const count = (connections.get(session.remoteAddress) ?? 1) - 1;
      if (count > 0) connections.set(session.remoteAddress, count);
      else connections.delete(session.remoteAddress);
    },
    onMailFrom(from, _session, callback) {
      senders.increment(from.address.toLowerCase()).then(
        ({ totalHits }) => callback(totalHits > messagesPerSender ? smtpError('too many messages from this sender; try again later', 450) : undefined),
        (err: Error) => callback(err),
      );
    },
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
    listen: (port, host = '127.0.0.1') =>
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
