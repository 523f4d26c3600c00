// What the staff API needs from the outside world; main.ts and the tests provide it.
import type { Client } from '@temporalio/client';
import type { WorkingCalendar } from '@diandan/domain';
import type { Logger, PrismaClient } from '@diandan/platform';
import type { LoginLimits } from '../auth/throttle';
import type { TokenSettings } from '../auth/tokens';
import type { FeedHub } from '../feed';

export interface ApiDeps {
  prisma: PrismaClient;
  temporal: Client;
  tokens: TokenSettings;
  logger: Logger;
  feed: FeedHub;
  /** Counts the remaining working time on queues; default: the domain's (office hours, holidays). */
  calendar?: WorkingCalendar;
  /** Failed-login lockout (default: DEFAULT_LOGIN_LIMITS). */
  loginLimits?: LoginLimits;
  /** How long "is this session live and its user active" is reused (default 5 s). */
  activeStaffCacheMs?: number;
}
