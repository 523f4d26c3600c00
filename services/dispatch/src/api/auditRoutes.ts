// GET /v1/audit: the audit log for supervisors and admins, newest first, paged by id.
import { Router } from 'express';
import { z } from 'zod';
import { validate } from '@diandan/platform';
import type { Prisma } from '@prisma/client';
import { allow } from './authenticate';
import type { ApiDeps } from './deps';

const auditQuerySchema = z.object({
  userId: z.uuid().optional(),
  username: z.string().trim().min(1).max(100).optional(),
  action: z.string().trim().min(1).max(100).optional(),
  targetType: z.string().trim().min(1).max(50).optional(),
  targetId: z.string().trim().min(1).max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Entries older than this id (the `next` of the previous page). */
  before: z.string().regex(/^\d{1,18}$/, 'an entry id').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function auditRoutes({ prisma }: ApiDeps): Router {
  const router = Router();
  router.get('/v1/audit', allow('supervisor', 'admin'), async (req, res) => {
    const q = validate(auditQuerySchema, req.query, 'query');
    const where: Prisma.AuditEntryWhereInput = {
      ...(q.userId ? { userId: q.userId } : {}),
      ...(q.username ? { username: q.username } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.targetType ? { targetType: q.targetType } : {}),
      ...(q.targetId ? { targetId: q.targetId } : {}),
      ...(q.from || q.to ? { at: { ...(q.from ? { gte: new Date(q.from) } : {}), ...(q.to ? { lt: new Date(q.to) } : {}) } } : {}),
      ...(q.before ? { id: { lt: BigInt(q.before) } } : {}),
    };
    const rows = await prisma.auditEntry.findMany({ where, orderBy: { id: 'desc' }, take: q.limit });
    const entries = rows.map((row) => ({ ...row, id: row.id.toString(), at: row.at.toISOString() }));
    res.json({ entries, next: rows.length === q.limit ? entries.at(-1)?.id : null });
  });
  return router;
}
