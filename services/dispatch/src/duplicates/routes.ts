// Likely duplicates in the staff API (docs/merge.md): for an order at triage, the open orders that
// are probably the same need, with score and reason; and the merge links the order has now.
// Merging and un-merging are actions (POST /v1/orders/:id/merge | unmerge): workflow updates.
import { DEFAULT_DUPLICATE_SETTINGS } from '@diandan/domain';
import { HttpError } from '@diandan/platform';
import { Router } from 'express';
import { z } from 'zod';
import { allow } from '../api/authenticate';
import type { ApiDeps } from '../api/deps';
import { loadUnitTree } from '../api/scope';
import { lookupDuplicates, type Catalogue } from './lookup';

export function duplicateRoutes({ prisma, duplicates }: ApiDeps): Router {
  const router = Router();
  const settings = duplicates ?? DEFAULT_DUPLICATE_SETTINGS;
  // Units and categories change rarely: one read per 30 s serves every lookup (and keeps the
  // per-tree cache of address areas warm, ./lookup.ts).
  let reference: { at: number; value: Promise<Catalogue> } | undefined;
  const catalogue = (): Promise<Catalogue> => {
    if (!reference || Date.now() - reference.at > 30_000) {
      const value = Promise.all([prisma.category.findMany({ select: { code: true, name: true, keywords: true } }), loadUnitTree(prisma)]).then(([categories, tree]) => ({ categories, tree }));
      value.catch(() => (reference = undefined));
      reference = { at: Date.now(), value };
    }
    return reference.value;
  };
  router.get('/v1/orders/:orderId/duplicates', allow('operator', 'dispatcher', 'supervisor'), async (req, res) => {
    const id = String(req.params.orderId);
    if (!z.uuid().safeParse(id).success) throw new HttpError(404, 'not_found', `no order ${id}`);
    const order = await prisma.order.findUnique({
      where: { id },
      select: { id: true, status: true, categoryCode: true, content: true, address: true, lat: true, lng: true, placedAt: true, mergedIntoId: true },
    });
    if (!order) throw new HttpError(404, 'not_found', `no order ${id}`);
    const [reference, mergedInto, mergedHere] = await Promise.all([
      catalogue(),
      order.mergedIntoId ? prisma.order.findUnique({ where: { id: order.mergedIntoId }, select: { id: true, trackingCode: true, status: true, content: true } }) : null,
      prisma.order.findMany({ where: { mergedIntoId: id, status: 'merged' }, select: { id: true, trackingCode: true, status: true, content: true, placedAt: true }, orderBy: { placedAt: 'asc' } }),
    ]);
    // Only an order still in the queue (or dispatched, not yet accepted) can be merged away; the
    // candidates of the others are still shown, as the survivors they could become.
    const candidates = ['merged', 'closed', 'invalid', 'withdrawn'].includes(order.status) ? [] : await lookupDuplicates(prisma, order, reference, settings);
    res.json({
      orderId: id,
      status: order.status,
      settings: { windowDays: settings.windowDays, radiusMeters: settings.radiusMeters, threshold: settings.threshold },
      candidates,
      mergedInto,
      duplicates: mergedHere,
    });
  });
  return router;
}
