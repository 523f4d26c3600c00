// Tracking: a resident follows an order with its tracking code and secret. The read model
// (Order, OrderEvent) is written by dispatch's projector; a wrong secret looks exactly like an
// unknown code, so the endpoint never tells whether an order exists.
import { isOverdue, parseTrackingCode, STATUS_LABELS_ZH, residentCommands, residentStory, stageForStatus, type OrderStatus, type ResidentStory, type Stage } from '@diandan/domain';
import { attachmentKey, HttpError, type AttachmentStorage, type PrismaClient } from '@diandan/platform';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { limitRate } from './edges';
import { secretMatches } from './identity';

export interface TrackedOrder {
  trackingCode: string;
  status: string;
  channel: string;
  categoryCode: string | null;
  priority: string;
  content: string;
  placedAt: string;
  updatedAt: string;
  /** 中文 name of the status, for pages that show it as is. */
  statusLabel: string;
  category: { code: string; name: string } | null;
  /** The unit holding the order now (or, once it is finished, the last one); null in the dispatch queue. */
  unit: { name: string; level: string } | null;
  timeline: ResidentStory['timeline'];
  /** 初步意见 of the unit handling the order. */
  opinion: ResidentStory['opinion'];
  /** The result (or the answer on the spot) the resident is asked to rate. */
  result: ResidentStory['result'];
  /** The clock running now: until when the current stage may take; null when none runs. */
  deadline: { stage: Stage; dueAt: string; overdue: boolean } | null;
  /** Until when the resident can rate (only while the order awaits its rating). */
  ratingDeadline: string | null;
  rating: string | null;
  /** What the resident can do now: rate (services/feedback), urge and withdraw. */
  actions: { rate: boolean; urge: boolean; withdraw: boolean };
  /** Whether the resident has already urged the current stage (once per stage). */
  urged: boolean;
}


const notFound = () => new HttpError(404, 'not_found', 'no order with this tracking code and secret (a new order can take a minute to appear)');

export class OrderTracker {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly storage?: AttachmentStorage,
  ) {}

  /** One of the resident's own attachments (metadata and bytes), or a 404 that says nothing more. */
  async attachment(code: string, secret: string, attachmentId: string) {
    const trackingCode = parseTrackingCode(code);
    if (!trackingCode || secret === '') throw notFound();
    const candidates = await this.prisma.order.findMany({ where: { trackingCode }, take: 10, select: { id: true, secretHash: true } });
    const match = candidates.find((candidate) => secretMatches(secret, candidate.secretHash));
    if (!match) throw notFound();
    const meta = await this.prisma.orderAttachment.findFirst({ where: { id: attachmentId, orderId: match.id } });
    const key = meta ? attachmentKey(match.id, meta.id) : null;
    const body = key && this.storage ? await this.storage.read(key) : null;
    if (!meta || !body) throw new HttpError(404, 'not_found', 'no such attachment');
    return { meta, body };
  }

  /** Status only, for channels whose sender is not proven (a WeChat "查询" text): no content. */
  async statusOf(code: string): Promise<{ trackingCode: string; status: string; placedAt: Date; updatedAt: Date } | null> {
    const trackingCode = parseTrackingCode(code);
    if (!trackingCode) return null;
    // Codes are not unique (35 random bits); without a secret an ambiguous code answers nothing.
    const found = await this.prisma.order.findMany({ where: { trackingCode }, take: 2, select: { trackingCode: true, status: true, placedAt: true, updatedAt: true } });
    return found.length === 1 ? found[0]! : null;
  }

  async track(code: string, secret: string): Promise<TrackedOrder> {
    // Without a secret nothing is looked up: the answer says what is missing, not that the order is late.
    if (secret === '') throw new HttpError(401, 'secret_required', "this order's secret is required: send it in the X-Order-Secret header (it came with the tracking code)");
    const trackingCode = parseTrackingCode(code);
    if (!trackingCode) throw notFound();
    // The code finds candidates (codes may collide); the secret picks the resident's own order.
    const candidates = await this.prisma.order.findMany({ where: { trackingCode }, take: 10, select: { id: true, secretHash: true } });
    const match = candidates.find((candidate) => secretMatches(secret, candidate.secretHash));
    if (!match) throw notFound();
    const order = await this.prisma.order.findUniqueOrThrow({
      where: { id: match.id },
      include: {
        events: { orderBy: { seq: 'asc' }, select: { seq: true, type: true, at: true, actor: true, data: true } },
        unit: { select: { name: true, level: true } },
        category: { select: { code: true, name: true } },
      },
    });
    const status = order.status as OrderStatus;
    // Event data may hold staff notes and internals: the domain's resident story keeps what is theirs.
    const story = residentStory(order.events.map((e) => ({ ...e, actor: e.actor as { role?: string }, data: e.data as Record<string, unknown> })));
    const stage = stageForStatus(status);
    const can = residentCommands(status, story.urges);
    return {
      trackingCode: order.trackingCode,
      status: order.status,
      channel: order.channel,
      categoryCode: order.categoryCode,
      priority: order.priority,
      content: order.content,
      placedAt: order.placedAt.toISOString(),
      updatedAt: order.updatedAt.toISOString(),
      statusLabel: STATUS_LABELS_ZH[status] ?? order.status,
      category: order.category,
      unit: order.unit ? { name: order.unit.name, level: order.unit.level } : null,
      timeline: story.timeline,
      opinion: story.opinion,
      result: story.result,
      deadline: stage && order.deadlineAt ? { stage, dueAt: order.deadlineAt.toISOString(), overdue: isOverdue(order, new Date()) } : null,
      ratingDeadline: stage === 'rating' && order.deadlineAt ? order.deadlineAt.toISOString() : null,
      rating: order.rating,
      actions: { rate: can.includes('rate'), urge: can.includes('urge'), withdraw: can.includes('withdraw') },
      urged: story.urges.byResident,
    };
  }
}

export function trackingRoutes(tracker: OrderTracker, rateLimitPerMinute: number): Router {
  const router = Router();
  router.get('/v1/orders/track/:code', limitRate(rateLimitPerMinute), async (req, res) => {
    // The secret travels only in a header: a query string ends up in proxies' and browsers'
    // histories and logs. `?secret=` was accepted (deprecated) until wave 2; now it is told so.
    if (req.query.secret !== undefined) {
      throw new HttpError(400, 'secret_in_query', 'send the secret in the X-Order-Secret header, not in the query string (query strings end up in logs)');
    }
    const secret = req.get('x-order-secret') ?? '';
    const order = await tracker.track(String(req.params.code), secret.slice(0, 200));
    res.setHeader('Cache-Control', 'no-store');
    res.json(order);
  });
  // The secret only in the header here: a file URL ends up in histories and logs.
  router.get('/v1/orders/track/:code/attachments/:attachmentId', limitRate(rateLimitPerMinute), async (req, res) => {
    const secret = (req.get('x-order-secret') ?? '').slice(0, 200);
    const { meta, body } = await tracker.attachment(String(req.params.code), secret, String(req.params.attachmentId));
    res.setHeader('Content-Type', meta.contentType);
    res.setHeader('Content-Length', String(meta.size));
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(meta.fileName)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    await pipeline(body, res);
  });
  return router;
}
