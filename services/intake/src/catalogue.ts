// GET /v1/categories: the active service catalogue for the resident H5's category picker — code,
// name and description only (routing, deadlines and staff notes stay in the staff API).
import type { PrismaClient } from '@diandan/platform';
import { Router } from 'express';

export function catalogueRoutes(prisma: PrismaClient): Router {
  const router = Router();
  router.get('/v1/categories', async (_req, res) => {
    const categories = await prisma.category.findMany({ where: { active: true }, select: { code: true, name: true, description: true }, orderBy: { code: 'asc' } });
    res.set('cache-control', 'public, max-age=60').json({ categories });
  });
  return router;
}
