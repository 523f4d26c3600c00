import { isWithin, levelIndex, type Unit, type UnitTree } from './ladder';
import { isInScope, officerLevel, type Actor, type OrderSnapshot } from './order';
import { ok, reject, type Result } from './result';

/**
 * The scope rules of street and district officers, for `decide`: an officer needs a unit at its
 * own level, acts on orders at that level inside its branch, and dispatches down (or across)
 * inside its branch — never to its own unit, never above its level. Other roles pass through.
 */
export function checkOfficer(order: OrderSnapshot, actor: Actor, units: UnitTree, verb: string): Result<true> {
  const level = officerLevel(actor.role);
  if (level === null) return ok(true);
  const own = actor.unitId === undefined ? undefined : units.units.get(actor.unitId);
  if (!own) return reject('forbidden', `cannot ${verb}: the ${level} officer has no unit`);
  if (own.level !== level) return reject('forbidden', `cannot ${verb}: ${own.name} is not a ${level}-level unit`);
  if (!isInScope(order, actor, units)) {
    return reject(
      'out_of_scope',
      order.unitId === null
        ? `cannot ${verb}: order is not at any unit yet; the dispatcher dispatches it`
        : `cannot ${verb}: order is not at the ${level} level within ${own.name}`,
    );
  }
  return ok(true);
}

/** An officer's dispatch target: inside its own branch, at or below its level, not where the order is. */
export function checkDispatchDown(order: OrderSnapshot, unit: Unit, actor: Actor, units: UnitTree): Result<true> {
  const level = officerLevel(actor.role);
  const own = actor.unitId === undefined ? undefined : units.units.get(actor.unitId);
  if (level === null || !own) return ok(true);
  if (unit.id === order.unitId) return reject('invalid_input', `cannot dispatch: the order is already at ${unit.name}`);
  if (unit.id === own.id || !isWithin(units, unit.id, own.id) || levelIndex(unit.level) > levelIndex(level)) {
    return reject('out_of_scope', `cannot dispatch: ${unit.name} is not a unit below ${own.name}`);
  }
  return ok(true);
}
