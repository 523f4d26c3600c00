// Brute-force protection of staff login: failed attempts are counted per user name and per
// client address in PostgreSQL (so every dispatch instance sees the same counts). Past a
// threshold the key is locked, and each further failure doubles the lock: 30 s, 1 min, 2 min, …
// up to an hour. While locked, login answers 429 with Retry-After and does not even look at the
// password. A success clears the user's count (not the address's: an attacker who owns one
// account must not reset the counter of the address he guesses from).
import type { PrismaClient } from '@diandan/platform';

export interface LoginLimits {
  /** Failures of one user name before it locks. */
  userMaxFailures: number;
  /** Failures from one address (any user names) before it locks. */
  addressMaxFailures: number;
  baseLockoutSeconds: number;
  maxLockoutSeconds: number;
  /** A key with no failure for this long starts again from zero. */
  forgetAfterSeconds: number;
  /** Prefix of every key (tests use their own, so that parallel files do not lock each other). */
  scope?: string;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  userMaxFailures: 5,
  addressMaxFailures: 20,
  baseLockoutSeconds: 30,
  maxLockoutSeconds: 3600,
  forgetAfterSeconds: 3600,
};

/** How long a key is locked after `failures` failures (0 below the threshold). */
export function lockoutSeconds(failures: number, maxFailures: number, limits: Pick<LoginLimits, 'baseLockoutSeconds' | 'maxLockoutSeconds'>): number {
  if (failures < maxFailures) return 0;
  const doublings = Math.min(failures - maxFailures, 30);
  return Math.min(limits.baseLockoutSeconds * 2 ** doublings, limits.maxLockoutSeconds);
}

export class LoginThrottle {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  private keys(username: string, address: string | undefined) {
    const scope = this.limits.scope ?? '';
    return [
      { key: `${scope}user:${username.toLowerCase()}`, max: this.limits.userMaxFailures },
      ...(address ? [{ key: `${scope}addr:${address}`, max: this.limits.addressMaxFailures }] : []),
    ];
  }

  /** Seconds until a login for this user from this address may be tried again (0: now). */
  async retryAfter(username: string, address: string | undefined): Promise<number> {
    const rows = await this.prisma.loginThrottle.findMany({ where: { key: { in: this.keys(username, address).map((k) => k.key) } } });
    const now = Date.now();
    const until = Math.max(0, ...rows.map((row) => row.lockedUntil?.getTime() ?? 0));
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  async failed(username: string, address: string | undefined): Promise<void> {
    for (const { key, max } of this.keys(username, address)) {
      // One statement, so that concurrent failures all count.
      const [row] = await this.prisma.$queryRaw<{ failures: number }[]>`
        INSERT INTO "LoginThrottle" ("key", "failures", "lastFailureAt") VALUES (${key}, 1, now())
        ON CONFLICT ("key") DO UPDATE SET
          "failures" = CASE WHEN "LoginThrottle"."lastFailureAt" < now() - make_interval(secs => ${this.limits.forgetAfterSeconds}::int)
                            THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
          "lastFailureAt" = now()
        RETURNING "failures"`;
      const seconds = lockoutSeconds(row?.failures ?? 0, max, this.limits);
      if (seconds > 0) {
        await this.prisma.loginThrottle.update({ where: { key }, data: { lockedUntil: new Date(Date.now() + seconds * 1000) } });
      }
    }
  }

  async succeeded(username: string): Promise<void> {
    const [user] = this.keys(username, undefined);
    await this.prisma.loginThrottle.deleteMany({ where: { key: user!.key } });
  }
}
