// Login sessions: each login opens one; its refresh token may be exchanged exactly once for a new
// pair (rotation). Presenting an already exchanged refresh token means two parties hold it — the
// session is revoked for both (reuse detection). Logout, a password change and deactivation
// revoke sessions too; every service sees it within ActiveStaff's cache time.
import { randomUUID } from 'node:crypto';
import { InvalidTokenError, staffOfUser, verifyToken, type ActiveStaff, type PrismaClient, type Staff } from '@diandan/platform';
import { issueTokens, type TokenPair, type TokenSettings } from './tokens';

export type RevokeReason = 'logout' | 'refresh_reused' | 'password_changed' | 'deactivated' | 'admin';

export class SessionError extends Error {
  constructor(
    message: string,
    readonly reason: 'invalid' | 'revoked' | 'reused' | 'inactive',
  ) {
    super(message);
    this.name = 'SessionError';
  }
}

export class StaffSessions {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly settings: TokenSettings,
    private readonly activeStaff: ActiveStaff,
  ) {}

  async open(staff: Staff, address: string | undefined): Promise<{ sessionId: string; tokens: TokenPair }> {
    const refreshJti = randomUUID();
    const session = await this.prisma.staffSession.create({
      data: { userId: staff.userId, refreshJti, expiresAt: new Date(Date.now() + this.settings.refreshTtlSeconds * 1000), address: address ?? null },
    });
    return { sessionId: session.id, tokens: issueTokens(staff, session, this.settings) };
  }

  /** A new pair for a refresh token that has not been exchanged before. */
  async refresh(refreshToken: string): Promise<{ staff: Staff; sessionId: string; tokens: TokenPair }> {
    let verified;
    try {
      verified = verifyToken(refreshToken, 'refresh', this.settings.keys);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new SessionError(error.message, 'invalid');
      throw error;
    }
    const session = await this.prisma.staffSession.findUnique({ where: { id: verified.sid }, include: { user: true } });
    if (!session || session.userId !== verified.sub) throw new SessionError('token invalid', 'invalid');
    if (session.revokedAt) throw new SessionError('session ended: log in again', 'revoked');
    const staff = staffOfUser(session.user);
    if (!staff) {
      await this.revoke(session.id, 'deactivated');
      throw new SessionError('user no longer active', 'inactive');
    }
    const refreshJti = randomUUID();
    // Only the holder of the newest refresh token may exchange it; the condition makes two
    // concurrent exchanges of the same token end with one winner and a revoked session.
    const rotated = await this.prisma.staffSession.updateMany({
      where: { id: session.id, refreshJti: verified.jti, revokedAt: null },
      data: { refreshJti, refreshedAt: new Date(), expiresAt: new Date(Date.now() + this.settings.refreshTtlSeconds * 1000) },
    });
    if (rotated.count !== 1) {
      await this.revoke(session.id, 'refresh_reused');
      throw new SessionError('refresh token already used: the session is revoked, log in again', 'reused');
    }
    return { staff, sessionId: session.id, tokens: issueTokens(staff, { id: session.id, refreshJti }, this.settings) };
  }

  async revoke(sessionId: string, reason: RevokeReason): Promise<void> {
    await this.prisma.staffSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
    this.activeStaff.forget(sessionId);
  }

  /** Ends every session of a user (password changed, deactivated, or an admin's decision). */
  async revokeAllOf(userId: string, reason: RevokeReason): Promise<number> {
    const { count } = await this.prisma.staffSession.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
    this.activeStaff.forget();
    return count;
  }
}
