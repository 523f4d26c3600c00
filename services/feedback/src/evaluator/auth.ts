// The evaluator's API authenticates staff with packages/platform's one auth module: an access
// token from services/dispatch whose session is live and whose user is active, and one of the
// read-only roles below. Every request is written to the audit log (exports are reads of many
// orders at once: who took which is recorded).
import type { RequestHandler } from 'express';
import { ActiveStaff, allowRoles, AuditLog, auditStaffRequests, requireStaff, type KeyRing, type Logger, type PrismaClient } from '@diandan/platform';

/** Read-only roles that may see anonymized orders and record callbacks. */
export const EVALUATOR_ROLES = ['evaluator', 'supervisor', 'admin'] as const;

export function evaluatorAuth(prisma: PrismaClient, keys: KeyRing, logger: Logger): RequestHandler[] {
  return [
    requireStaff({ keys, activeStaff: new ActiveStaff(prisma) }),
    allowRoles(...EVALUATOR_ROLES),
    auditStaffRequests(new AuditLog(prisma, logger), { auditedReads: [/^\/v1\/evaluator\//] }),
  ];
}
