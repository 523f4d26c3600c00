// What the staff API needs from the outside world; main.ts and the tests provide it.
import type { Client } from '@temporalio/client';
import type { DuplicateSettings, WorkingCalendar } from '@diandan/domain';
import type { AttachmentStorage, Logger, PrismaClient } from '@diandan/platform';
import type { LoginLimits } from '../auth/throttle';
import type { TokenSettings } from '../auth/tokens';
import type { FeedHub } from '../feed';

export interface ApiDeps {
  prisma: PrismaClient;
  temporal: Client;
  tokens: TokenSettings;
  logger: Logger;
  feed: FeedHub;
  /** Where intake stored the orders' attachments (ATTACHMENTS_DIR): served to staff in scope; a unit's result photos go there too. */
  attachments: AttachmentStorage;
  /** Limits of a unit's result photos (default: 10 MB a file, 25 MB a resolve, as for residents). */
  attachmentLimits?: { maxBytes: number; maxOrderBytes: number };
  /** Counts the remaining working time on queues; default: the domain's (office hours, holidays). */
  calendar?: WorkingCalendar;
  /** Failed-login lockout (default: DEFAULT_LOGIN_LIMITS). */
  loginLimits?: LoginLimits;
  /** Where projects and bundling runs are started (TEMPORAL_TASK_QUEUE; default 'service-orders'). */
  taskQueue?: string;
  /** How long "is this session live and its user active" is reused (default 5 s). */
  activeStaffCacheMs?: number;
  /** Likely duplicates at triage (docs/merge.md; DUPLICATE_* variables); default: the domain's. */
  duplicates?: DuplicateSettings;
}
