// Units and categories, read once per page load and shared by every screen that needs them.
import { dispatchApi, must } from '../../api/client';
import type { Category, OrderRow, Unit } from '../../api/views';
import { useLoad, type Loaded } from './state';

export interface Reference {
  units: Unit[];
  categories: Category[];
  unitById: Map<string, Unit>;
}

let cached: Promise<Reference> | null = null;

export function loadReference(force = false): Promise<Reference> {
  if (force || !cached) {
    cached = Promise.all([must(dispatchApi.GET('/v1/units')), must(dispatchApi.GET('/v1/categories'))]).then(([u, c]) => {
      const units = ((u as { units?: Unit[] }).units ?? (u as unknown as Unit[])) as Unit[];
      const categories = ((c as { categories?: Category[] }).categories ?? (c as unknown as Category[])) as Category[];
      return { units, categories, unitById: new Map(units.map((unit) => [unit.id, unit])) };
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
 * The unit to suggest when dispatching: the API's own suggestion when it gives one (category and
 * area routing in the domain), else the category's responsible unit from the catalogue.
 */
export function suggestUnit(reference: Reference | undefined, order: OrderRow & { suggestion?: { unitId: string; reason?: string } | null }): Suggestion | undefined {
  if (!reference) return undefined;
  const fromApi = order.suggestion && reference.unitById.get(order.suggestion.unitId);
  if (fromApi) return { unit: fromApi, reason: { zh: order.suggestion?.reason ?? '按类别和所在区域路由', en: order.suggestion?.reason ?? 'category and area routing' } };
  const category = reference.categories.find((c) => c.code === order.categoryCode);
  const routing = category?.responsible ?? {};
  for (const level of ['community', 'street', 'district']) {
    const unit = routing[level] ? reference.unitById.get(routing[level]) : undefined;
    if (unit) return { unit, reason: { zh: `类别「${category?.name}」的责任单位`, en: `responsible unit of category "${category?.name}"` } };
  }
  return undefined;
}
