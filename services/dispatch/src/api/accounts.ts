// The staff-account machinery one dispatch API holds: who is active (cached briefly), sessions
// with refresh rotation, the login throttle, the audit log.
import { ActiveStaff, AuditLog } from '@diandan/platform';
import { StaffSessions } from '../auth/sessions';
import { DEFAULT_LOGIN_LIMITS, LoginThrottle } from '../auth/throttle';
import type { ApiDeps } from './deps';

export interface StaffAccounts {
  activeStaff: ActiveStaff;
  sessions: StaffSessions;
  throttle: LoginThrottle;
  audit: AuditLog;
}

export function staffAccounts(deps: ApiDeps): StaffAccounts {
  const activeStaff = new ActiveStaff(deps.prisma, { cacheMs: deps.activeStaffCacheMs ?? 5_000 });
  return {
    activeStaff,
    sessions: new StaffSessions(deps.prisma, deps.tokens, activeStaff),
    throttle: new LoginThrottle(deps.prisma, deps.loginLimits ?? DEFAULT_LOGIN_LIMITS),
    audit: new AuditLog(deps.prisma, deps.logger),
  };
}
