// The notification outbox. The consumer of orders.lifecycle turns an event into notice rows keyed
// `<eventId>/<kind>` (insert-if-absent, then the offset is committed): a redelivered event, a
// restart mid-batch or a second consumer adds nothing. The sender claims due rows with a lease
// (SKIP LOCKED, so senders never share a row), sends, and marks them sent; a sender that dies
// mid-send leaves the lease to expire and the row is sent again — the one window where a notice
// can repeat, which is why providers get the notice id as idempotency key / Message-ID.
import {
  lifecycleEventSchema,
  noticeMessage,
  noticesFor,
  projectNotices,
  projectNoticeEventSchema,
  scrub,
  type LifecycleEvent,
  type NoticeKind,
  type PlannedNotice,
  type ProjectNoticeEvent,
} from '@diandan/domain';
import { jsonParser, runConsumer, type ConsumerRunner, type Logger, type PrismaClient, type ProjectionOptions } from '@diandan/platform';
import { isTransient } from '@diandan/platform';
import type { ContactCipher } from './contacts';
import { PermanentNoticeError, type NoticeChannel, type Notifier } from './notifier';

export { noticesFor, type PlannedNotice };

/**
 * Older events give no notice: a new consumer group reads orders.lifecycle from the beginning (so
 * that nothing is missed on its first start), and residents must not hear about last year's orders.
 */
export const NOTICE_MAX_AGE_MS = 24 * 3600_000;

export async function enqueueNotices(prisma: PrismaClient, event: LifecycleEvent, now: Date = new Date()): Promise<number> {
  if (now.getTime() - Date.parse(event.at) > NOTICE_MAX_AGE_MS) return 0;
  // "Redispatched" rather than "dispatched" once the order was returned (退单): the resident was told.
  const returnedBefore =
    event.type === 'order.dispatched' && (await prisma.noticeOutbox.count({ where: { orderId: event.orderId, kind: 'returned' } })) > 0;
  const planned = noticesFor(event, { returnedBefore });
  // "Merged into DD-…": the resident can follow the order that carries on for both (older events
  // do not carry its code: the read model knows it).
  if (event.type === 'order.merged' && event.data.intoTrackingCode === undefined) {
    const into = await prisma.order.findUnique({ where: { id: event.data.intoOrderId }, select: { trackingCode: true } });
    for (const notice of planned) if (into) notice.data = { ...notice.data, intoTrackingCode: into.trackingCode };
  }
  return insertNotices(prisma, event.eventId, event.orderId, planned);
}

/** Outbox rows `<sourceId>/<kind>`, insert-if-absent: the same source never gives a notice twice. */
export async function insertNotices(prisma: PrismaClient, sourceId: string, orderId: string, planned: readonly PlannedNotice[]): Promise<number> {
  if (planned.length === 0) return 0;
  const { count } = await prisma.noticeOutbox.createMany({
    data: planned.map((n) => ({ id: `${sourceId}/${n.kind}`, orderId, kind: n.kind, data: n.data })),
    skipDuplicates: true,
  });
  return count;
}

/** A project event: a project_progress notice for each linked order (keyed `<eventId>/<orderId>/project_progress`). */
export async function enqueueProjectNotices(prisma: PrismaClient, event: ProjectNoticeEvent, now: Date = new Date()): Promise<number> {
  if (now.getTime() - Date.parse(event.at) > NOTICE_MAX_AGE_MS) return 0;
  let count = 0;
  for (const { orderId, notice } of projectNotices(event)) count += await insertNotices(prisma, `${event.eventId}/${orderId}`, orderId, [notice]);
  return count;
}

/** Consumer of projects.lifecycle (the project workflow's events): progress notices for the linked orders. */
export function startProjectNoticeConsumer(options: NoticeConsumerOptions): Promise<ConsumerRunner> {
  return runConsumer<ProjectNoticeEvent>({
    kafka: options.kafka,
    groupId: options.groupId,
    topic: options.topic,
    deadLetterTopic: options.deadLetterTopic,
    parse: jsonParser(projectNoticeEventSchema),
    handle: async (event) => {
      await enqueueProjectNotices(options.prisma, event);
    },
    isTransient,
    logger: options.logger,
  });
}

/** The outbox's consumers take what a read-model projection takes (they write the outbox rows). */
export type NoticeConsumerOptions = ProjectionOptions;

export function startNoticeConsumer(options: NoticeConsumerOptions): Promise<ConsumerRunner> {
  return runConsumer<LifecycleEvent>({
    kafka: options.kafka,
    groupId: options.groupId,
    topic: options.topic,
    deadLetterTopic: options.deadLetterTopic,
    parse: jsonParser(lifecycleEventSchema),
    handle: async (event) => {
      await enqueueNotices(options.prisma, event);
    },
    isTransient,
    logger: options.logger,
    partitionsConsumedConcurrently: 3,
  });
}

export interface SenderOptions {
  batchSize?: number;
  maxAttempts?: number;
  /** How long a claimed row stays reserved for its sender. */
  leaseSeconds?: number;
  /** How long to wait for the contact (orders.placed may arrive after the lifecycle event). */
  recipientWaitMs?: number;
}

interface ClaimedRow {
  id: string;
  orderId: string;
  kind: NoticeKind;
  data: Record<string, string>;
  attempts: number;
  createdAt: Date;
}

export type SendOutcome = 'sent' | 'skipped' | 'failed' | 'retry';

/**
 * A provider's error as it may be stored (NoticeOutbox.lastError) and logged: providers often
 * quote the recipient ("550 <zs@example.cn>: mailbox unavailable"), so the recipient's address
 * goes, and then whatever else the one scrubber recognises (phones, e-mail, names).
 */
export function providerErrorText(error: unknown, to: string): string {
  const raw = error instanceof Error ? error.message : String(error);
  return scrub(to ? raw.split(to).join('[recipient]') : raw).slice(0, 1000);
}

export class NoticeSender {
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly leaseSeconds: number;
  private readonly recipientWaitMs: number;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly cipher: ContactCipher,
    private readonly notifiers: Partial<Record<NoticeChannel, Notifier>>,
    private readonly logger: Logger,
    options: SenderOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 20;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.leaseSeconds = options.leaseSeconds ?? 60;
    this.recipientWaitMs = options.recipientWaitMs ?? 10 * 60_000;
  }

  /**
   * One pass over the due rows; returns what happened to each claimed row. A notice waits while an
   * older one of its order is still pending: the rows of a pass are delivered side by side, and a
   * resident once got 已撤回 before 已受理 (the next pass, at once, takes the next notice).
   */
  async sendDue(): Promise<SendOutcome[]> {
    const claimed = await this.prisma.$queryRawUnsafe<ClaimedRow[]>(
      `UPDATE "NoticeOutbox" SET attempts = attempts + 1, "nextAttemptAt" = now() + make_interval(secs => $2)
       WHERE id IN (SELECT n.id FROM "NoticeOutbox" n WHERE n.status = 'pending' AND n."nextAttemptAt" <= now()
                      AND NOT EXISTS (SELECT 1 FROM "NoticeOutbox" o WHERE o."orderId" = n."orderId" AND o.status = 'pending'
                                        AND (o."createdAt", o.id) < (n."createdAt", n.id))
                    ORDER BY n."createdAt" LIMIT $1 FOR UPDATE OF n SKIP LOCKED)
       RETURNING id, "orderId", kind, data, attempts, "createdAt"`,
      this.batchSize,
      this.leaseSeconds,
    );
    return Promise.all(claimed.map((row) => this.deliver(row)));
  }

  private async deliver(row: ClaimedRow): Promise<SendOutcome> {
    const recipient = await this.prisma.noticeRecipient.findUnique({ where: { orderId: row.orderId } });
    if (!recipient) {
      if (Date.now() - row.createdAt.getTime() > this.recipientWaitMs) return this.finish(row, 'skipped', null, 'no contact for this order');
      // The contact (orders.placed) may still be on its way: look again soon, without using up an attempt.
      await this.prisma.noticeOutbox.update({ where: { id: row.id }, data: { attempts: { decrement: 1 }, nextAttemptAt: new Date(Date.now() + 2000) } });
      return 'retry';
    }
    const channel = recipient.channel as NoticeChannel;
    const notifier = this.notifiers[channel];
    if (!notifier) return this.finish(row, 'skipped', channel, `channel ${channel} is not configured`);
    const message = noticeMessage(row.kind, { ...row.data, trackingCode: recipient.trackingCode });
    const to = this.cipher.decrypt(recipient.address);
    try {
      await notifier.send({
        id: row.id,
        kind: row.kind,
        channel,
        to,
        trackingCode: recipient.trackingCode,
        message,
        ...(recipient.lastInboundAt ? { lastInboundAt: recipient.lastInboundAt } : {}),
      });
      return this.finish(row, 'sent', channel, null);
    } catch (error) {
      const reason = providerErrorText(error, to);
      if (error instanceof PermanentNoticeError || row.attempts >= this.maxAttempts) {
        this.logger.warn({ notice: row.id, channel, reason }, 'notice failed for good');
        return this.finish(row, 'failed', channel, reason);
      }
      this.logger.info({ notice: row.id, channel, attempt: row.attempts, reason }, 'notice will be retried');
      await this.prisma.noticeOutbox.update({
        where: { id: row.id },
        data: { lastError: reason.slice(0, 1000), nextAttemptAt: new Date(Date.now() + Math.min(2 ** row.attempts * 1000, 15 * 60_000)) },
      });
      return 'retry';
    }
  }

  private async finish(row: ClaimedRow, status: 'sent' | 'skipped' | 'failed', channel: NoticeChannel | null, reason: string | null): Promise<SendOutcome> {
    await this.prisma.noticeOutbox.update({
      where: { id: row.id },
      data: { status, channel, lastError: reason?.slice(0, 1000) ?? null, ...(status === 'sent' ? { sentAt: new Date() } : {}) },
    });
    return status;
  }

  /** Polls every `intervalMs` until stopped; a pass that found work runs again at once. */
  start(intervalMs = 1000): { stop: () => Promise<void> } {
    let stopped = false;
    let wake: (() => void) | undefined;
    const loop = (async () => {
      while (!stopped) {
        let outcomes: SendOutcome[] = [];
        try {
          outcomes = await this.sendDue();
        } catch (error) {
          this.logger.error({ err: error }, 'notice sender pass failed');
        }
        if (outcomes.length === 0 && !stopped) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, intervalMs)));
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        wake?.();
        await loop;
      },
    };
  }
}
