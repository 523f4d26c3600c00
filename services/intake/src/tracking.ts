// Tracking: a resident follows an order with its tracking code and secret. The read model
// (Order, OrderEvent) is written by dispatch's projector; a wrong secret looks exactly like an
// unknown code, so the endpoint never tells whether an order exists.
import { parseTrackingCode } from '@diandan/domain';
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
  timeline: { seq: number; type: string; at: string }[];
  /** What the resident attached; each downloads from `…/track/<code>/attachments/<id>` with the secret header. */
  attachments: { id: string; fileName: string; contentType: string; size: number }[];
}

const notFound = () => new HttpError(404, 'not_found', 'no order with this tracking code and secret (a new order can take a minute to appear)');

export class OrderTracker {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly storage?: AttachmentStorage,
  ) {}

  /** Status only, for channels whose sender is not proven (a WeChat "查询" text): no content. */
  async statusOf(code: string): Promise<{ trackingCode: string; status: string; placedAt: Date; updatedAt: Date } | null> {
    const trackingCode = parseTrackingCode(code);
    if (!trackingCode) return null;
    // Codes are not unique (35 random bits); without a secret an ambiguous code answers nothing.
    const found = await this.prisma.order.findMany({ where: { trackingCode }, take: 2, select: { trackingCode: true, status: true, placedAt: true, updatedAt: true } });
    return found.length === 1 ? found[0]! : null;
  }

  /** The resident's own order: the code finds candidates (codes may collide), the secret picks one. */
  private async own(code: string, secret: string): Promise<string> {
    const trackingCode = parseTrackingCode(code);
    if (!trackingCode || secret === '') throw notFound();
    const candidates = await this.prisma.order.findMany({ where: { trackingCode }, take: 10, select: { id: true, secretHash: true } });
    const match = candidates.find((candidate) => secretMatches(secret, candidate.secretHash));
    if (!match) throw notFound();
    return match.id;
  }

  /** One of the resident's own attachments, or a 404 that says nothing about whether it exists. */
  async attachment(code: string, secret: string, attachmentId: string) {
    const orderId = await this.own(code, secret);
    const meta = await this.prisma.orderAttachment.findFirst({ where: { id: attachmentId, orderId } });
    const key = meta ? attachmentKey(orderId, meta.id) : null;
    const body = key && this.storage ? await this.storage.read(key) : null;
    if (!meta || !body) throw new HttpError(404, 'not_found', 'no such attachment');
    return { meta, body };
  }

  async track(code: string, secret: string): Promise<TrackedOrder> {
    const order = await this.prisma.order.findUniqueOrThrow({
      where: { id: await this.own(code, secret) },
      include: {
        events: { orderBy: { seq: 'asc' }, select: { seq: true, type: true, at: true } },
        attachments: { orderBy: { id: 'asc' }, select: { id: true, fileName: true, contentType: true, size: true } },
      },
    });
    return {
      trackingCode: order.trackingCode,
      status: order.status,
      channel: order.channel,
      categoryCode: order.categoryCode,
      priority: order.priority,
      content: order.content,
      placedAt: order.placedAt.toISOString(),
      updatedAt: order.updatedAt.toISOString(),
      // Event data may hold staff notes and internals; the resident sees what happened and when.
      timeline: order.events.map((e) => ({ seq: e.seq, type: e.type, at: e.at.toISOString() })),
      attachments: order.attachments,
    };
  }
}

export function trackingRoutes(tracker: OrderTracker, rateLimitPerMinute: number): Router {
  const router = Router();
  router.get('/v1/orders/track/:code', limitRate(rateLimitPerMinute), async (req, res) => {
    const fromQuery = typeof req.query.secret === 'string' ? req.query.secret : undefined;
    const secret = req.get('x-order-secret') ?? fromQuery ?? '';
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
