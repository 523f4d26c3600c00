// JSON API and the resident H5 form: POST /v1/orders (JSON, form-encoded, or multipart with
// attachments). An Idempotency-Key makes a retry return the same order, code and secret.
import { MAX_CONTENT_LENGTH, PRIORITIES } from '@diandan/domain';
import { validate } from '@diandan/platform';
import express, { Router } from 'express';
import { z } from 'zod';
import { uploadedFiles, type AttachmentStore } from '@diandan/platform';
import { idempotencyKeyOf, limitRate, mobileSchema, optionalNumber, optionalText } from '../edges';
import type { Placer } from '../placing';

export const orderRequestSchema = z.object({
  content: z.string().trim().min(1, 'required').max(MAX_CONTENT_LENGTH, `at most ${MAX_CONTENT_LENGTH} characters`),
  categoryCode: optionalText(64),
  channel: z.enum(['api', 'web']).default('api'),
  priority: z.preprocess((v) => (v === '' ? undefined : v), z.enum(PRIORITIES).optional()),
  location: z
    .object({
      address: optionalText(500),
      lat: optionalNumber(-90, 90),
      lng: optionalNumber(-180, 180),
    })
    .optional(),
  contact: z
    .object({
      name: optionalText(100),
      phone: z.preprocess((v) => (v === '' ? undefined : v), mobileSchema.optional()),
      email: z.preprocess((v) => (v === '' ? undefined : v), z.email('not an e-mail address').max(254).optional()),
      wechatOpenId: optionalText(128),
    })
    .optional(),
});
export type OrderRequest = z.infer<typeof orderRequestSchema>;

export interface ApiChannelOptions {
  placer: Placer;
  attachments: AttachmentStore;
  /** Per file (the store enforces it). */
  attachmentMaxBytes?: number;
  rateLimitPerMinute: number;
}

export function apiChannel({ placer, attachments, rateLimitPerMinute }: ApiChannelOptions): Router {
  const router = Router();
  router.post(
    '/v1/orders',
    limitRate(rateLimitPerMinute),
    express.urlencoded({ extended: true, limit: '64kb', parameterLimit: 50 }),
    attachments.upload('files', 5),
    async (req, res) => {
      const input = validate(orderRequestSchema, req.body ?? {});
      const key = idempotencyKeyOf(req.get('idempotency-key'));
      const identity = placer.identify(key === undefined ? undefined : ['api', input.channel, key]);
      const stored = await attachments.store(identity.orderId, uploadedFiles(req));
      try {
        const placed = await placer.place({ ...input, attachments: stored }, identity);
        res
          .status(202)
          .location(`/v1/orders/track/${placed.trackingCode}`)
          .json({ ...placed, status: 'placed', track: `/v1/orders/track/${placed.trackingCode}` });
      } catch (error) {
        // Without a key, this order will never exist: leave no files behind. With one, a retry
        // rewrites the same files (and may belong to an order already placed).
        if (key === undefined) await attachments.discard(identity.orderId);
        throw error;
      }
    },
  );
  return router;
}
