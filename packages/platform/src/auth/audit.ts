// The audit log: every staff action and admin change — who, what, when, from where — appended to
// AuditEntry, which a database trigger keeps append-only (no UPDATE, DELETE or TRUNCATE; see the
// migration). No code path here or anywhere else changes an entry. Writing never fails a request:
// a lost entry is logged as an error instead.
import type { NextFunction, Request, Response } from 'express';
import type { Prisma, PrismaClient } from '@prisma/client';
import type { Logger } from '../logger';
import type { Staff } from './staff';

export interface AuditRecord {
  staff?: Pick<Staff, 'userId' | 'username' | 'role'> | null;
  /** When nobody is logged in (a failed login): the user name that was tried. */
  username?: string;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  status: number;
  address?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
}

const SECRET_KEYS = /pass(word)?|secret|token|authorization|cookie|ticket/i;
const MAX_TEXT = 500;

/** What was sent, without credentials, with long text cut: enough to say what changed. */
export function auditDetails(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '…';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => auditDetails(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .slice(0, 50)
      .map(([key, v]) => [key, SECRET_KEYS.test(key) ? '[redacted]' : auditDetails(v, depth + 1)]),
  );
}

export class AuditLog {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
  ) {}

  async record(entry: AuditRecord): Promise<void> {
    try {
      await this.prisma.auditEntry.create({
        data: {
          userId: entry.staff?.userId ?? null,
          username: entry.staff?.username ?? entry.username?.slice(0, 100) ?? null,
          role: entry.staff?.role ?? null,
          action: entry.action,
          targetType: entry.targetType ?? null,
          targetId: entry.targetId?.slice(0, 200) ?? null,
          status: entry.status,
          address: entry.address ?? null,
          userAgent: entry.userAgent?.slice(0, 300) ?? null,
          details: (auditDetails(entry.details ?? {}) ?? {}) as Prisma.InputJsonValue,
        },
      });
    } catch (err) {
      this.logger.error({ err, action: entry.action, status: entry.status }, 'audit entry not written');
    }
  }
}

/** `/v1/orders/<id>/dispatch` → order, <id>, dispatch. */
export function auditTargetOf(path: string): { targetType: string | null; targetId: string | null; verb: string | null } {
  const [, , collection, id, verb] = path.split('/');
  if (!collection) return { targetType: null, targetId: null, verb: null };
  const targetType = collection.endsWith('ies') ? `${collection.slice(0, -3)}y` : collection.replace(/s$/, '');
  return { targetType, targetId: id ? decodeURIComponent(id) : null, verb: verb ?? null };
}

const METHOD_ACTIONS: Record<string, string> = { POST: 'create', PATCH: 'update', PUT: 'replace', DELETE: 'delete' };

export interface AuditMiddlewareOptions {
  /** Reads audited besides every change, e.g. one order's detail (whose data a staff member looked at). */
  auditedReads?: RegExp[];
}

/**
 * Records each request of a logged-in staff member when its answer has gone out: every change
 * (any method but GET/HEAD/OPTIONS) and the reads named in `auditedReads`. Mount after the
 * authentication middleware.
 */
export function auditStaffRequests(audit: AuditLog, options: AuditMiddlewareOptions = {}) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const read = req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS';
    const path = req.originalUrl.split('?')[0] ?? req.path;
    if (!read || options.auditedReads?.some((pattern) => pattern.test(path))) {
      res.on('finish', () => {
        const staff = res.locals.staff as Staff | undefined;
        if (!staff) return;
        const { targetType, targetId: idInPath, verb } = auditTargetOf(path);
        const body = (req.body ?? {}) as Record<string, unknown>;
        // A creation names its target in the body (a unit's id, a category's code, a user name).
        const created = [body.id, body.code, body.username].find((v): v is string => typeof v === 'string');
        const targetId = idInPath ?? (req.method === 'POST' ? (created ?? null) : null);
        const action = `${targetType ?? 'api'}.${verb ?? (read ? 'read' : (METHOD_ACTIONS[req.method] ?? req.method.toLowerCase()))}`;
        void audit.record({
          staff,
          action,
          targetType,
          targetId,
          status: res.statusCode,
          address: req.ip ?? null,
          userAgent: req.get('user-agent') ?? null,
          details: { method: req.method, path, ...(read ? {} : { body: req.body as unknown }), ...(Object.keys(req.query).length ? { query: req.query } : {}) },
        });
      });
    }
    next();
  };
}
