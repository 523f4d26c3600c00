// Who to notify: from orders.placed (the only event with contact details, sealed by intake with
// CONTACT_SEAL_KEYS), the address for the channel the order came from, encrypted again with
// FEEDBACK_CONTACT_KEY before it is stored. Lifecycle events never carry it.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { contactSchema, orderPlacedSchema, type Contact, type OrderPlaced } from '@diandan/domain';
import { jsonParser, runConsumer, type ConsumerRunner, type Logger, type PrismaClient, type Sealer } from '@diandan/platform';
import { isTransient } from '@diandan/platform';
import type { NoticeChannel } from './notifier';

export class ContactCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash('sha256').update(secret, 'utf8').digest();
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
  }

  decrypt(sealed: string): string {
    const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    if (!iv || !tag || !data) throw new Error('sealed contact is malformed');
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }
}

/**
 * The channel the resident asked for (`notifyBy`, when its address is there); else the channel the
 * order came from when we can answer on it; else a mobile, else an e-mail, else WeChat.
 */
export function recipientOf(order: Pick<OrderPlaced, 'channel'> & { contact?: Contact | undefined }): { channel: NoticeChannel; address: string } | null {
  const contact = order.contact ?? {};
  const mobileOf = (phone: string | undefined) => {
    const digits = phone?.replace(/[\s-]/g, '').replace(/^(\+?86)/, '');
    return digits && /^1[3-9]\d{9}$/.test(digits) ? digits : undefined;
  };
  const chosen = { email: contact.email, wechat: contact.wechatOpenId, sms: mobileOf(contact.phone) }[contact.notifyBy ?? 'email'];
  if (contact.notifyBy && chosen) return { channel: contact.notifyBy, address: chosen };
  if (order.channel === 'wechat' && contact.wechatOpenId) return { channel: 'wechat', address: contact.wechatOpenId };
  if (order.channel === 'email' && contact.email) return { channel: 'email', address: contact.email };
  const mobile = mobileOf(contact.phone);
  if (mobile) return { channel: 'sms', address: mobile };
  if (contact.email) return { channel: 'email', address: contact.email };
  if (contact.wechatOpenId) return { channel: 'wechat', address: contact.wechatOpenId };
  return null;
}

/** Opens the sealed contact of an order (throws for one that does not open: it is dead-lettered). */
export function contactOf(sealer: Sealer, order: Pick<OrderPlaced, 'sealedContact'>): Contact | undefined {
  return order.sealedContact === undefined ? undefined : contactSchema.parse(JSON.parse(sealer.open(order.sealedContact)));
}

export async function rememberRecipient(prisma: PrismaClient, cipher: ContactCipher, sealer: Sealer, order: OrderPlaced): Promise<boolean> {
  const recipient = recipientOf({ channel: order.channel, contact: contactOf(sealer, order) });
  if (!recipient) return false;
  await prisma.noticeRecipient.upsert({
    where: { orderId: order.orderId },
    create: {
      orderId: order.orderId,
      channel: recipient.channel,
      address: cipher.encrypt(recipient.address),
      trackingCode: order.trackingCode,
      // Placing an order by message opens WeChat's 48-hour window for customer-service messages.
      ...(order.channel === 'wechat' && recipient.channel === 'wechat' ? { lastInboundAt: new Date(order.placedAt) } : {}),
    },
    update: {},
  });
  return true;
}

export interface ContactConsumerOptions {
  kafka: Kafka;
  prisma: PrismaClient;
  cipher: ContactCipher;
  /** Opens orders.placed's sealedContact (CONTACT_SEAL_KEYS). */
  sealer: Sealer;
  logger: Logger;
  topic: string;
  deadLetterTopic: string;
  groupId: string;
}

export function startContactConsumer(options: ContactConsumerOptions): Promise<ConsumerRunner> {
  return runConsumer<OrderPlaced>({
    kafka: options.kafka,
    groupId: options.groupId,
    topic: options.topic,
    deadLetterTopic: options.deadLetterTopic,
    parse: jsonParser(orderPlacedSchema),
    handle: async (order) => {
      await rememberRecipient(options.prisma, options.cipher, options.sealer, order);
    },
    isTransient,
    logger: options.logger,
  });
}
