import { ancestry, isWithin, LEVELS, levelIndex, responsibleUnit, type CategoryRouting, type Level, type Unit, type UnitTree } from './ladder';

/**
 * The unit a dispatcher is offered for an order (派单建议): category routing and the area the
 * address names, read along the ladder from the bottom — an order starts where it is closest to
 * the resident. Only a suggestion: the dispatcher may choose any unit, and the domain's `decide`
 * judges that choice as it judges any dispatch.
 */

export const LEVEL_NAMES_ZH: Readonly<Record<Level, string>> = { community: '社区', street: '街道', district: '区' };

/** Kinds whose names people write in addresses: 建新北路社区, 观音桥街道, 鱼嘴镇. */
const AREA_KINDS = new Set<Unit['kind']>(['community', 'street']);
/** Suffixes an address often leaves out: "观音桥" for 观音桥街道. */
const AREA_SUFFIXES = ['社区居委会', '居委会', '社区', '街道办事处', '街道', '镇', '乡'];
const MIN_CORE_LENGTH = 2;

export interface AreaMatch {
  readonly unit: Unit;
  /** The words of the address that named it. */
  readonly matched: string;
}

/** A place's name as people write it: whole, and without its kind (建新北路社区 → 建新北路). */
export function placeNames(name: string): string[] {
  const suffix = AREA_SUFFIXES.find((s) => name.endsWith(s));
  const core = suffix ? name.slice(0, -suffix.length) : name;
  return core.length >= MIN_CORE_LENGTH && core !== name ? [name, core] : [name];
}

const namesOf = (unit: Unit): string[] => placeNames(unit.name);

/**
 * The community or street whose name the address contains: communities before streets (the
 * narrower area), then the longest name (建新北路 before 建新). `null` when none is named.
 */
export function areaOf(tree: UnitTree, address: string | null | undefined): AreaMatch | null {
  const text = (address ?? '').replace(/\s+/g, '');
  if (text === '') return null;
  let best: AreaMatch | null = null;
  for (const unit of tree.units.values()) {
    if (!AREA_KINDS.has(unit.kind)) continue;
    const matched = namesOf(unit).find((name) => text.includes(name));
    if (!matched) continue;
    const better =
      best === null ||
      levelIndex(unit.level) < levelIndex(best.unit.level) ||
      (unit.level === best.unit.level && matched.length > best.matched.length);
    if (better) best = { unit, matched };
  }
  return best;
}

export interface SuggestedUnit {
  readonly unit: Unit;
  /** Why, in Chinese, for the dispatcher's screen. */
  readonly reason: string;
}

export interface UnitSuggestion {
  /** `null` when nothing in the tree answers for this order: dispatch by hand. */
  readonly suggested: SuggestedUnit | null;
  readonly alternatives: readonly SuggestedUnit[];
  readonly area: AreaMatch | null;
}

export interface SuggestionRequest {
  readonly tree: UnitTree;
  readonly routing?: CategoryRouting;
  readonly category?: { readonly code: string; readonly name: string };
  readonly address?: string | null;
  /**
   * A street or district officer dispatches down: only units inside its own branch, and at or
   * below its level, other than its own unit.
   */
  readonly within?: Unit;
}

const routedAt = (routing: CategoryRouting | undefined, level: Level): readonly string[] => {
  const routed = routing?.[level];
  return routed === undefined ? [] : typeof routed === 'string' ? [routed] : routed;
};

function reasonFor(unit: Unit, level: Level, request: SuggestionRequest, area: AreaMatch | null): string {
  const categoryName = request.category?.name ?? request.category?.code;
  const where = `${LEVEL_NAMES_ZH[level]}级`;
  if (categoryName && routedAt(request.routing, level).includes(unit.id)) {
    const inArea = area && level !== 'district' ? `（地址「${area.matched}」在其辖区）` : '';
    return `分类「${categoryName}」在${where}由${unit.name}负责${inArea}`;
  }
  if (area && ancestry(request.tree, area.unit.id).some((u) => u.id === unit.id)) {
    return `地址「${area.matched}」属于${unit.name}（${where}）${categoryName ? `，分类「${categoryName}」在${where}未指定承办单位` : ''}`;
  }
  return categoryName ? `分类「${categoryName}」未指定${where}承办单位，由${unit.name}统筹` : `未选分类，由${unit.name}统筹`;
}

export function suggestUnit(request: SuggestionRequest): UnitSuggestion {
  const { tree, within } = request;
  const allowed = (unit: Unit): boolean =>
    within === undefined || (unit.id !== within.id && isWithin(tree, unit.id, within.id) && levelIndex(unit.level) <= levelIndex(within.level));
  const found = areaOf(tree, request.address);
  // An area outside the officer's branch says nothing about whom the officer can send it to.
  const area = found && (within === undefined || isWithin(tree, found.unit.id, within.id)) ? found : null;

  const picks: SuggestedUnit[] = [];
  const add = (unit: Unit, reason: string) => {
    if (allowed(unit) && !picks.some((p) => p.unit.id === unit.id)) picks.push({ unit, reason });
  };
  const undecided: Unit[] = [];
  for (const level of LEVELS) {
    const routed = routedAt(request.routing, level);
    if (!area && routed.length > 1) {
      // One section per street and no street named: any pick would be a guess; offer them all below.
      undecided.push(...routed.flatMap((id) => tree.units.get(id) ?? []));
      continue;
    }
    const responsible = responsibleUnit(tree, request.routing, area?.unit.id ?? null, level);
    if (responsible.ok) add(responsible.value, reasonFor(responsible.value, level, request, area));
  }
  const categoryName = request.category?.name ?? request.category?.code ?? '';
  for (const unit of undecided) add(unit, `分类「${categoryName}」在${LEVEL_NAMES_ZH[unit.level]}级的承办单位之一（地址未写明所在街道）`);
  // An officer with nothing routed below it still sees the units it can send work to.
  if (within) {
    for (const unit of tree.units.values()) {
      if (unit.parentId === within.id) add(unit, `${within.name}下辖单位`);
    }
  }
  const [suggested = null, ...alternatives] = picks;
  return { suggested, alternatives, area };
}
