// 派单建议: the unit the domain's routing suggests for an order (category + the area its address
// names), with the reason in words and the alternatives. The dispatcher may choose any other unit.
import { suggestUnit, type CategoryRouting, type SuggestedUnit, type UnitSuggestion, type UnitTree } from '@diandan/domain';
import { HttpError, type PrismaClient } from '@diandan/platform';
import { Router } from 'express';
import { z } from 'zod';
import type { Staff } from '../auth/staff';
import { allow, staffOf } from './authenticate';
import type { ApiDeps } from './deps';
import { canRead, loadUnitTree, officerScope } from './scope';

const unitView = ({ unit, reason }: SuggestedUnit) => ({ unitId: unit.id, unitName: unit.name, level: unit.level, kind: unit.kind, reason });

export function suggestionView(suggestion: UnitSuggestion) {
  return {
    suggested: suggestion.suggested ? unitView(suggestion.suggested) : null,
    alternatives: suggestion.alternatives.map(unitView),
    area: suggestion.area ? { unitId: suggestion.area.unit.id, unitName: suggestion.area.unit.name, level: suggestion.area.unit.level, matched: suggestion.area.matched } : null,
  };
}
export type SuggestionView = ReturnType<typeof suggestionView>;

interface SuggestInput {
  categoryCode: string | null;
  address: string | null;
}

/** Suggestions for many orders at once (the joint meeting's day): the tree and catalogue read once. */
export async function suggester(prisma: PrismaClient, staff: Staff, tree?: UnitTree): Promise<(order: SuggestInput) => SuggestionView> {
  const units = tree ?? (await loadUnitTree(prisma));
  const categories = await prisma.category.findMany({ select: { code: true, name: true, responsible: true } });
  const byCode = new Map(categories.map((c) => [c.code, c]));
  const scope = await officerScope(prisma, staff, units);
  return (order) => {
    const category = order.categoryCode ? byCode.get(order.categoryCode) : undefined;
    return suggestionView(
      suggestUnit({
        tree: units,
        ...(category ? { routing: (category.responsible ?? {}) as CategoryRouting, category: { code: category.code, name: category.name } } : {}),
        address: order.address,
        ...(scope ? { within: scope.unit } : {}),
      }),
    );
  };
}


export function suggestionRoutes({ prisma }: ApiDeps): Router {
  const router = Router();
  router.get('/v1/orders/:orderId/suggestion', allow('dispatcher', 'operator', 'supervisor', 'street_officer', 'district_officer'), async (req, res) => {
    const staff = staffOf(res);
    const orderId = String(req.params.orderId);
    if (!z.uuid().safeParse(orderId).success) throw new HttpError(404, 'not_found', `no order ${orderId}`);
    const row = await prisma.order.findUnique({ where: { id: orderId }, select: { id: true, categoryCode: true, address: true, unitId: true, level: true, status: true } });
    if (!row) throw new HttpError(404, 'not_found', `no order ${orderId}`);
    if (!(await canRead(prisma, staff, row))) throw new HttpError(403, 'out_of_scope', `order ${orderId} is not within your unit’s branch`);
    const suggest = await suggester(prisma, staff);
    res.json({ orderId: row.id, status: row.status, ...suggest(row) });
  });
  return router;
}
