// Who staff are, as every service sees them: the identity of a verified token, read afresh from
// the database (a deactivated user, a revoked session or a changed role takes effect within
// seconds, not when the token expires).
import type { Actor, Role } from '@diandan/domain';
import type { PrismaClient } from '@prisma/client';

/** Roles a person can hold on the staff API (residents and the system never log in here). */
export const STAFF_ROLES = ['operator', 'dispatcher', 'unit_handler', 'street_officer', 'district_officer', 'supervisor', 'evaluator', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];
/** Roles that act for a unit and cannot log in without one. */
export const UNIT_ROLES: readonly StaffRole[] = ['unit_handler', 'street_officer', 'district_officer'];

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

interface UserRow {
  id: string;
  username: string;
  role: string;
  unitId: string | null;
  displayName: string;
  active: boolean;
}

/** The staff member a user row stands for, or null when it may not act (inactive, bad role). */
export function staffOfUser(user: UserRow): Staff | null {
  if (!user.active || !isStaffRole(user.role)) return null;
  if ((UNIT_ROLES as readonly string[]).includes(user.role) && !user.unitId) return null;
  return { userId: user.id, username: user.username, role: user.role, unitId: user.unitId, displayName: user.displayName };
}

export interface ActiveStaffOptions {
  /** How long an answer is reused; the delay before a revocation reaches every request. */
  cacheMs?: number;
  now?: () => number;
}

/**
 * Answers "may this session act, and as whom?" from StaffSession and User, cached briefly per
 * session so that a busy console does not cost a query per request.
 */
export class ActiveStaff {
  private readonly cache = new Map<string, { staff: Staff | null; until: number }>();
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(
    private readonly prisma: PrismaClient,
    options: ActiveStaffOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  async ofSession(sessionId: string, userId: string): Promise<Staff | null> {
    const now = this.now();
    const cached = this.cache.get(sessionId);
    if (cached && cached.until > now) return cached.staff?.userId === userId ? cached.staff : null;
    const session = await this.prisma.staffSession.findUnique({ where: { id: sessionId }, include: { user: true } }).catch(() => null);
    const live = session && session.userId === userId && !session.revokedAt && session.expiresAt.getTime() > now;
    const staff = live ? staffOfUser(session.user) : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(sessionId, { staff, until: now + this.cacheMs });
    return staff;
  }

  /** Drops what this process remembers of a session (after logout or a revocation here). */
  forget(sessionId?: string): void {
    if (sessionId) this.cache.delete(sessionId);
    else this.cache.clear();
  }
}
