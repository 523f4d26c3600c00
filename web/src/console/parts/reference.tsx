// Units and categories, read once per page load and shared by every screen that needs them.
import { buildUnitTree, type CategoryRouting, type UnitTree } from '../../../../packages/domain/src/ladder';
import { suggestUnit as suggestFromDomain } from '../../../../packages/domain/src/suggest';
import { dispatchApi, must } from '../../api/client';
import type { Category, OrderRow, Unit } from '../../api/views';
import { useLoad, type Loaded } from './state';

export interface Reference {
  units: Unit[];
  categories: Category[];
  unitById: Map<string, Unit>;
  tree: UnitTree;
}

let cached: Promise<Reference> | null = null;

export function loadReference(force = false): Promise<Reference> {
  if (force || !cached) {
    cached = Promise.all([must(dispatchApi.GET('/v1/units')), must(dispatchApi.GET('/v1/categories'))]).then(([u, c]) => {
      const units = ((u as { units?: Unit[] }).units ?? (u as unknown as Unit[])) as Unit[];
      const categories = ((c as { categories?: Category[] }).categories ?? (c as unknown as Category[])) as Category[];
      const tree = buildUnitTree(units.filter((u) => u.active !== false) as never);
      return { units, categories, unitById: new Map(units.map((unit) => [unit.id, unit])), tree };
    });
    cached.catch(() => (cached = null));
  }
  return cached;
}

export const useReference = (): Loaded<Reference> => useLoad(() => loadReference(), []);

export interface Suggestion {
  unit: Unit;
  reason: { zh: string; en: string };
}

/**
 * The unit to suggest when dispatching: the domain's own suggestion (packages/domain suggest.ts:
 * the category's routing at the level whose area holds the address), with its reason in Chinese.
 * The dispatcher can override it.
 */
export function suggestUnit(reference: Reference | undefined, order: OrderRow): Suggestion | undefined {
  if (!reference) return undefined;
  const category = reference.categories.find((c) => c.code === order.categoryCode);
  const { suggested } = suggestFromDomain({
    tree: reference.tree,
    routing: (category?.responsible ?? {}) as CategoryRouting,
    ...(category ? { category: { code: category.code, name: category.name } } : {}),
    address: order.address ?? null,
  });
  const unit = suggested && reference.unitById.get(suggested.unit.id);
  return unit && suggested ? { unit, reason: { zh: suggested.reason, en: suggested.reason } } : undefined;
}
