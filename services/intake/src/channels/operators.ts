// Operator entries: the call centre's hotline webhook (one order per call id) and the letter box,
// where an operator types in a letter and attaches its scan. Both need an operator token.
import { MAX_CONTENT_LENGTH, PRIORITIES } from '@diandan/domain';
import { validate } from '@diandan/platform';
import express, { Router } from 'express';
import { z } from 'zod';
import { uploadedFiles, type AttachmentStore } from '@diandan/platform';
import { callerNumberSchema, idempotencyKeyOf, mobileSchema, optionalNumber, optionalText, requireOperator } from '../edges';
import type { Placer } from '../placing';

const content = z.string().trim().min(1, 'required').max(MAX_CONTENT_LENGTH, `at most ${MAX_CONTENT_LENGTH} characters`);
const priority = z.preprocess((v) => (v === '' ? undefined : v), z.enum(PRIORITIES).optional());

export const hotlineCallSchema = z.object({
  callId: z.string().trim().min(1, 'required').max(128),
  callerNumber: callerNumberSchema,
  agentId: z.string().trim().min(1, 'required').max(64),
  notes: content,
  callerName: optionalText(100),
  categoryCode: optionalText(64),
  priority,
  address: optionalText(500),
});

export const letterSchema = z.object({
  content,
  /** The letter's registration number in the letter box's log: one order per letter. */
  letterId: optionalText(128),
  senderName: optionalText(100),
  senderPhone: z.preprocess((v) => (v === '' ? undefined : v), mobileSchema.optional()),
  senderAddress: optionalText(500),
  categoryCode: optionalText(64),
  priority,
  lat: optionalNumber(-90, 90),
  lng: optionalNumber(-180, 180),
});

export interface OperatorOptions {
  placer: Placer;
  attachments: AttachmentStore;
  /** Per file (the store enforces it). */
  attachmentMaxBytes?: number;
  operatorTokens: readonly string[];
}

const accepted = (placed: { orderId: string; trackingCode: string; secret: string; placedAt: string }) => ({
  ...placed,
  status: 'placed',
  track: `/v1/orders/track/${placed.trackingCode}`,
});

export function operatorChannels({ placer, attachments, operatorTokens }: OperatorOptions): Router {
  const router = Router();
  const operator = requireOperator(operatorTokens);

  router.post('/v1/hotline/calls', operator, async (req, res) => {
    const call = validate(hotlineCallSchema, req.body ?? {});
    // The agent reads the tracking code and the secret to the caller.
    const placed = await placer.place(
      {
        channel: 'hotline',
        content: call.notes,
        categoryCode: call.categoryCode,
        priority: call.priority,
        location: { address: call.address },
        contact: { name: call.callerName, phone: call.callerNumber },
      },
      placer.identify(['hotline', call.callId]),
    );
    res.status(202).json({ ...accepted(placed), callId: call.callId });
  });

  router.post(
    '/v1/letters',
    operator,
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 }),
    attachments.upload('scans', 10),
    async (req, res) => {
      const letter = validate(letterSchema, req.body ?? {});
      const key = letter.letterId ?? idempotencyKeyOf(req.get('idempotency-key'));
      const identity = placer.identify(key === undefined ? undefined : ['letter', key]);
      const stored = await attachments.store(identity.orderId, uploadedFiles(req), 'scans');
      try {
        const placed = await placer.place(
          {
            channel: 'letter',
            content: letter.content,
            categoryCode: letter.categoryCode,
            priority: letter.priority,
            location: { address: letter.senderAddress, lat: letter.lat, lng: letter.lng },
            contact: { name: letter.senderName, phone: letter.senderPhone },
            attachments: stored,
          },
          identity,
        );
        res.status(202).json(accepted(placed));
      } catch (error) {
        if (key === undefined) await attachments.discard(identity.orderId);
        throw error;
      }
    },
  );
  return router;
}
