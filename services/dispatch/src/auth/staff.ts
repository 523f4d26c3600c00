// Staff identities: who may log in to the staff API and what an access token says about them.
import type { Actor, Role } from '@diandan/domain';

/** Roles a person can hold on the staff API (residents and the system never log in here). */
export const STAFF_ROLES = ['operator', 'dispatcher', 'unit_handler', 'street_officer', 'district_officer', 'supervisor', 'evaluator', 'admin'] as const satisfies readonly Role[];
/** Roles that act for a unit and cannot log in without one. */
export const UNIT_ROLES: readonly StaffRole[] = ['unit_handler', 'street_officer', 'district_officer'];
export type StaffRole = (typeof STAFF_ROLES)[number];

export const isStaffRole = (role: string): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role);

export interface Staff {
  userId: string;
  username: string;
  role: StaffRole;
  /** Set for unit handlers and officers (required) and for staff who belong to a unit. */
  unitId: string | null;
  displayName: string;
}

/** The actor the workflow sees: role, user id and, for unit handlers and officers, the unit. */
export function actorOf(staff: Staff): Actor {
  return { role: staff.role, id: staff.userId, ...(staff.unitId ? { unitId: staff.unitId } : {}) };
}
