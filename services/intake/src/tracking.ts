// Tracking: a resident follows an order with its tracking code and secret. The read model
// (Order, OrderEvent) is written by dispatch's projector; a wrong secret looks exactly like an
// unknown code, so the endpoint never tells whether an order exists.
import { parseTrackingCode } from '@diandan/domain';
import { HttpError, type PrismaClient } from '@diandan/platform';
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
}

const notFound = () => new HttpError(404, 'not_found', 'no order with this tracking code and secret (a new order can take a minute to appear)');

export class OrderTracker {
  constructor(private readonly prisma: PrismaClient) {}

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
      include: { events: { orderBy: { seq: 'asc' }, select: { seq: true, type: true, at: true } } },
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
  return router;
}
