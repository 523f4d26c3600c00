// Unit scope of the staff API, from the unit tree in the read model: a unit handler sees its own
// unit's orders; a street or district officer the orders at its level within its branch (the
// domain's isInScope); everybody else is not limited by unit.
import { buildUnitTree, isWithin, officerLevel, type Level, type Unit, type UnitTree } from '@diandan/domain';
import { HttpError, type PrismaClient } from '@diandan/platform';
import type { Staff } from '../auth/staff';

export async function loadUnitTree(prisma: PrismaClient): Promise<UnitTree> {
  const units = await prisma.unit.findMany({ select: { id: true, name: true, kind: true, level: true, parentId: true } });
  return buildUnitTree(units.map((u) => ({ ...u, parentId: u.parentId ?? null })));
}

export interface OfficerScope {
  level: Level;
  unit: Unit;
  /** The officer's unit and every unit below it. */
  unitIds: string[];
}

/** The officer's level, unit and branch; null for roles that are not officers. */
export async function officerScope(prisma: PrismaClient, staff: Staff, tree?: UnitTree): Promise<OfficerScope | null> {
  const level = officerLevel(staff.role);
  if (level === null) return null;
  const units = tree ?? (await loadUnitTree(prisma));
  const unit = staff.unitId ? units.units.get(staff.unitId) : undefined;
  if (!unit || unit.level !== level) throw new HttpError(403, 'forbidden', `a ${level} officer needs a ${level}-level unit`);
  const unitIds = [...units.units.values()].filter((u) => isWithin(units, u.id, unit.id)).map((u) => u.id);
  return { level, unit, unitIds };
}

/** Whether the staff member may read an order now at `unitId` (null: in the dispatch queue) and `level`. */
export async function canRead(prisma: PrismaClient, staff: Staff, row: { unitId: string | null; level: string | null }): Promise<boolean> {
  if (staff.role === 'unit_handler') return row.unitId !== null && row.unitId === staff.unitId;
  const scope = await officerScope(prisma, staff);
  if (scope === null) return true;
  // An officer follows what it sent down as well: any order held inside its branch.
  return row.unitId !== null && scope.unitIds.includes(row.unitId);
}
