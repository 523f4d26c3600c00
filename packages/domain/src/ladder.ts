import { ok, reject, type Result } from './result';

/**
 * The escalation ladder. What a community cannot solve goes to its street (街道); what the street
 * cannot solve goes to the district federation (区群团联合会), which coordinates district
 * departments. There is nothing above the district in this product.
 */
export const LEVELS = ['community', 'street', 'district'] as const;
export type Level = (typeof LEVELS)[number];

export const levelIndex = (level: Level): number => LEVELS.indexOf(level);

/** `null` at the top of the ladder: a district breach is a supervision matter, not a climb. */
export const nextLevel = (level: Level): Level | null => LEVELS[levelIndex(level) + 1] ?? null;

export const isLevel = (value: unknown): value is Level => LEVELS.includes(value as Level);

export const UNIT_KINDS = [
  'district_federation',
  'district_department',
  'street',
  'street_section',
  'community',
  'service_center',
  'mass_org',
] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export interface Unit {
  readonly id: string;
  readonly name: string;
  readonly kind: UnitKind;
  /** `null` only for the root (normally the district federation). */
  readonly parentId: string | null;
  /** Stored rather than derived from kind: a service center sits at street or community level. */
  readonly level: Level;
}

export interface UnitTree {
  readonly units: ReadonlyMap<string, Unit>;
}

/**
 * Indexes the units once. Throws on a dangling parent or a cycle: the tree is configuration, and a
 * broken tree must stop the process at start-up rather than misroute orders later.
 */
export function buildUnitTree(units: readonly Unit[]): UnitTree {
  const byId = new Map<string, Unit>();
  for (const unit of units) {
    if (byId.has(unit.id)) throw new Error(`unit tree: duplicate unit id ${unit.id}`);
    byId.set(unit.id, unit);
  }
  for (const unit of units) {
    if (unit.parentId !== null && !byId.has(unit.parentId)) {
      throw new Error(`unit tree: unit ${unit.id} has unknown parent ${unit.parentId}`);
    }
    const seen = new Set<string>();
    for (let at: Unit | undefined = unit; at; at = at.parentId === null ? undefined : byId.get(at.parentId)) {
      if (seen.has(at.id)) throw new Error(`unit tree: cycle through unit ${at.id}`);
      seen.add(at.id);
    }
  }
  return { units: byId };
}

/** The unit itself first, then its parent, up to the root. */
export function ancestry(tree: UnitTree, unitId: string): Unit[] {
  const chain: Unit[] = [];
  let at = tree.units.get(unitId);
  while (at) {
    chain.push(at);
    at = at.parentId === null ? undefined : tree.units.get(at.parentId);
  }
  return chain;
}

export const isWithin = (tree: UnitTree, unitId: string, ancestorId: string): boolean =>
  ancestry(tree, unitId).some((unit) => unit.id === ancestorId);

/**
 * Which unit answers for a category at each level. A list, because at street level every street
 * has its own section for the same kind of need: the candidate inside the order's own street wins.
 */
export type CategoryRouting = Partial<Record<Level, string | readonly string[]>>;

const MAIN_KIND: Record<Level, UnitKind> = {
  community: 'community',
  street: 'street',
  district: 'district_federation',
};

/**
 * Finds the unit responsible at `level` for an order last held by `fromUnitId` (null before the
 * first dispatch). Category routing wins when one of its candidates lies within the order's own
 * branch of the tree; otherwise the order climbs to its ancestor at that level; at district level
 * the default is the district federation, which coordinates the departments.
 */
export function responsibleUnit(
  tree: UnitTree,
  routing: CategoryRouting | undefined,
  fromUnitId: string | null,
  level: Level,
): Result<Unit> {
  const from = fromUnitId === null ? undefined : tree.units.get(fromUnitId);
  if (fromUnitId !== null && !from) return reject('not_found', `unknown unit ${fromUnitId}`);

  const chain = from ? ancestry(tree, from.id) : [];
  const scope = chain.find((unit) => unit.level === level && unit.kind === MAIN_KIND[level]) ?? chain.find((unit) => unit.level === level);

  const routed = routing?.[level];
  const candidates = routed === undefined ? [] : typeof routed === 'string' ? [routed] : routed;
  for (const candidateId of candidates) {
    const candidate = tree.units.get(candidateId);
    if (!candidate || candidate.level !== level) continue;
    // A district unit serves the whole district; lower units only their own branch.
    if (level === 'district' || !scope || isWithin(tree, candidate.id, scope.id)) return ok(candidate);
  }

  if (scope) return ok(scope);
  if (level === 'district') {
    const federations = [...tree.units.values()].filter((unit) => unit.kind === 'district_federation');
    const federation = federations.find((unit) => chain.includes(unit)) ?? federations[0];
    if (federation) return ok(federation);
  }
  return reject(
    'not_found',
    fromUnitId === null
      ? `no ${level}-level unit is routed for this category; dispatch it by hand`
      : `no ${level}-level unit above ${from?.name ?? fromUnitId} in the unit tree`,
  );
}
