// 评单 from the WeChat official account: services/intake receives "评价 <code> 满意 …", and passes it
// here with the sender's openid (WeChat signed the callback). Intake proves itself with a service
// token; the sender proves itself by being the order's contact: the openid feedback keeps, encrypted,
// from orders.placed (notify/contacts.ts). The workflow then decides, as for the web (rating.ts).
import { Router, type Request } from 'express';
import { z } from 'zod';
import { parseTrackingCode, RATINGS } from '@diandan/domain';
import { bearerToken, constantTimeEqual, HttpError, validate, type Logger } from '@diandan/platform';
import type { ContactCipher } from './notify/contacts';
import { rateOrder, type RatingDeps } from './rating';

export interface WechatRatingDeps extends RatingDeps {
  /** The bearer token services/intake presents (FEEDBACK_SERVICE_TOKEN). */
  serviceToken: string;
  cipher: ContactCipher;
  logger: Logger;
}

/** Equal strings in constant time (packages/platform's auth module). */
export { constantTimeEqual };

export const wechatRatingBody = z.object({
  openId: z.string().min(1).max(128),
  code: z.string().min(1).max(64),
  rating: z.enum(RATINGS),
  comment: z.string().trim().max(1000).optional(),
});

// One answer for an unknown code and for somebody else's order: the endpoint never tells whether a code exists.
const notFound = () => new HttpError(404, 'not_found', 'no order with this tracking code for this sender');

function authenticate(req: Request, serviceToken: string): void {
  const presented = bearerToken(req.get('authorization'));
  // An empty configured token never matches (config requires ≥ 32 characters; this is a second guard).
  if (!presented || serviceToken.length === 0 || !constantTimeEqual(presented, serviceToken)) {
    throw new HttpError(401, 'unauthorized', 'a valid service token is required', undefined, { 'WWW-Authenticate': 'Bearer' });
  }
}

export function wechatRatingRoutes(deps: WechatRatingDeps): Router {
  const router = Router();
  router.post('/v1/wechat/rating', async (req, res) => {
    authenticate(req, deps.serviceToken);
    const body = validate(wechatRatingBody, req.body);
    const trackingCode = parseTrackingCode(body.code);
    if (!trackingCode) throw notFound();
    // Codes may collide: the sender's openid picks its own order among the candidates.
    const candidates = await deps.prisma.order.findMany({ where: { trackingCode }, take: 10, select: { id: true, trackingCode: true, status: true } });
    if (candidates.length === 0) throw notFound();
    const recipients = await deps.prisma.noticeRecipient.findMany({
      where: { orderId: { in: candidates.map((c) => c.id) }, channel: 'wechat' },
      select: { orderId: true, address: true },
    });
    const owned = new Set<string>();
    for (const recipient of recipients) {
      let openId: string;
      try {
        openId = deps.cipher.decrypt(recipient.address);
      } catch {
        // Sealed under another key (rotated) or damaged: it proves nothing.
        deps.logger.warn({ orderId: recipient.orderId }, 'stored contact could not be decrypted');
        continue;
      }
      if (constantTimeEqual(openId, body.openId)) owned.add(recipient.orderId);
    }
    const order = candidates.find((candidate) => owned.has(candidate.id));
    if (!order) throw notFound();
    // The resident just wrote to the official account: WeChat's 48-hour window for customer-service messages opens again.
    await deps.prisma.noticeRecipient.update({ where: { orderId: order.id }, data: { lastInboundAt: new Date() } });
    // A refusal carries a machine-readable `reason` (not_resolved | closed) beside the workflow's words.
    res.json(await rateOrder(deps, order, body.rating, body.comment || undefined));
  });
  return router;
}
