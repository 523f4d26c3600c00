// The unit tree, the service catalogue and staff accounts. Every staff member reads the tree and
// the catalogue (forms need them); only admins change them. A change that would break the tree
// (unknown parent, cycle) is refused: the workflows route orders along it.
import { Router } from 'express';
import { z } from 'zod';
import { buildUnitTree, categoryDeadlinesSchema, LEVELS, UNIT_KINDS, type Unit } from '@diandan/domain';
import { HttpError, validate, type PrismaClient } from '@diandan/platform';
import type { Prisma } from '@prisma/client';
import { STAFF_ROLES, UNIT_ROLES } from '../auth/staff';
import { hashPassword } from '../auth/users';
import type { StaffAccounts } from './accounts';
import { allow } from './authenticate';
import type { ApiDeps } from './deps';

const unitId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes');
// Shapes without defaults: a PATCH changes only the fields sent (a `.default()` inside
// `.partial()` would fill in — and overwrite — every field that was left out).
const unitFields = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(UNIT_KINDS),
  level: z.enum(LEVELS),
  parentId: unitId.nullable(),
  active: z.boolean(),
});
export const unitSchema = unitFields.extend({ id: unitId, active: z.boolean().default(true) });
export const unitPatchSchema = unitFields.partial();

const routingSchema = z.partialRecord(z.enum(LEVELS), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]));
const categoryFields = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000),
  open311Code: z.string().min(1).max(32).nullable(),
  keywords: z.array(z.string().min(1).max(50)).max(50),
  responsible: routingSchema,
  deadlines: categoryDeadlinesSchema,
  active: z.boolean(),
  /** Orders of a sensitive category never appear on a public surface. */
  sensitive: z.boolean(),
});
export const categorySchema = categoryFields.extend({
  code: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
  description: categoryFields.shape.description.default(''),
  open311Code: categoryFields.shape.open311Code.optional(),
  keywords: categoryFields.shape.keywords.default([]),
  responsible: routingSchema.default({}),
  deadlines: categoryFields.shape.deadlines.default({}),
  active: z.boolean().default(true),
  sensitive: z.boolean().default(false),
});
export const categoryPatchSchema = categoryFields.partial();

const username = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/);
const password = z.string().min(10).max(200);
export const userSchema = z
  .object({
    username,
    password,
    role: z.enum(STAFF_ROLES),
    unitId: z.string().min(1).nullable().default(null),
    displayName: z.string().trim().min(1).max(100),
  })
  .refine((u) => !UNIT_ROLES.includes(u.role) || u.unitId !== null, { message: 'a unit handler or officer needs a unit', path: ['unitId'] });
export const userPatchSchema = z
  .object({ password, role: z.enum(STAFF_ROLES), unitId: z.string().min(1).nullable(), displayName: z.string().trim().min(1).max(100), active: z.boolean() })
  .partial();

async function assertTreeStillValid(prisma: PrismaClient, change: Unit): Promise<void> {
  const units = (await prisma.unit.findMany()).filter((u) => u.id !== change.id);
  try {
    buildUnitTree([...units, change]);
  } catch (error) {
    throw new HttpError(400, 'invalid_request', error instanceof Error ? error.message : 'unit tree would break');
  }
}

async function assertUnitsExist(prisma: PrismaClient, ids: string[]): Promise<void> {
  const found = await prisma.unit.findMany({ where: { id: { in: ids } }, select: { id: true } });
  const missing = ids.filter((id) => !found.some((u) => u.id === id));
  if (missing.length > 0) throw new HttpError(400, 'invalid_request', `unknown units: ${missing.join(', ')}`);
}

export function adminRoutes({ prisma }: ApiDeps, accounts: StaffAccounts): Router {
  const router = Router();
  const admin = allow('admin');

  router.get('/v1/units', async (_req, res) => {
    res.json({ units: await prisma.unit.findMany({ orderBy: [{ level: 'desc' }, { id: 'asc' }] }) });
  });
  router.post('/v1/units', admin, async (req, res) => {
    const unit = validate(unitSchema, req.body);
    if (await prisma.unit.findUnique({ where: { id: unit.id } })) throw new HttpError(409, 'conflict', `unit ${unit.id} exists`);
    await assertTreeStillValid(prisma, unit);
    res.status(201).json(await prisma.unit.create({ data: unit }));
  });
  router.patch('/v1/units/:unitId', admin, async (req, res) => {
    const current = await prisma.unit.findUnique({ where: { id: String(req.params.unitId) } });
    if (!current) throw new HttpError(404, 'not_found', `no unit ${String(req.params.unitId)}`);
    const patch = validate(unitPatchSchema, req.body);
    await assertTreeStillValid(prisma, { ...current, ...patch });
    res.json(await prisma.unit.update({ where: { id: current.id }, data: patch }));
  });

  router.get('/v1/categories', async (_req, res) => {
    res.json({ categories: await prisma.category.findMany({ orderBy: { code: 'asc' } }) });
  });
  router.post('/v1/categories', admin, async (req, res) => {
    const category = validate(categorySchema, req.body);
    if (await prisma.category.findUnique({ where: { code: category.code } })) throw new HttpError(409, 'conflict', `category ${category.code} exists`);
    await assertUnitsExist(prisma, Object.values(category.responsible).flat());
    res.status(201).json(await prisma.category.create({ data: { ...category, deadlines: category.deadlines as Prisma.InputJsonValue } }));
  });
  router.patch('/v1/categories/:code', admin, async (req, res) => {
    if (!(await prisma.category.findUnique({ where: { code: String(req.params.code) } }))) throw new HttpError(404, 'not_found', `no category ${String(req.params.code)}`);
    const patch = validate(categoryPatchSchema, req.body);
    if (patch.responsible) await assertUnitsExist(prisma, Object.values(patch.responsible).flat());
    const { deadlines, ...rest } = patch;
    res.json(await prisma.category.update({ where: { code: String(req.params.code) }, data: { ...rest, ...(deadlines ? { deadlines: deadlines as Prisma.InputJsonValue } : {}) } }));
  });

  const userView = { id: true, username: true, role: true, unitId: true, displayName: true, active: true, createdAt: true } as const;
  router.get('/v1/users', admin, async (_req, res) => {
    res.json({ users: await prisma.user.findMany({ select: userView, orderBy: { username: 'asc' } }) });
  });
  router.post('/v1/users', admin, async (req, res) => {
    const { password, ...user } = validate(userSchema, req.body);
    if (await prisma.user.findUnique({ where: { username: user.username } })) throw new HttpError(409, 'conflict', `user ${user.username} exists`);
    if (user.unitId) await assertUnitsExist(prisma, [user.unitId]);
    res.status(201).json(await prisma.user.create({ data: { ...user, passwordHash: await hashPassword(password) }, select: userView }));
  });
  router.patch('/v1/users/:userId', admin, async (req, res) => {
    const id = String(req.params.userId);
    const current = z.uuid().safeParse(id).success ? await prisma.user.findUnique({ where: { id } }) : null;
    if (!current) throw new HttpError(404, 'not_found', `no user ${id}`);
    const { password: newPassword, ...patch } = validate(userPatchSchema, req.body);
    const role = patch.role ?? current.role;
    const unit = patch.unitId === undefined ? current.unitId : patch.unitId;
    if ((UNIT_ROLES as readonly string[]).includes(role) && !unit) {
      throw new HttpError(400, 'invalid_request', 'unitId: a unit handler or officer needs a unit', { fields: [{ field: 'unitId', message: 'a unit handler or officer needs a unit' }] });
    }
    if (patch.unitId) await assertUnitsExist(prisma, [patch.unitId]);
    const updated = await prisma.user.update({
      where: { id },
      data: { ...patch, ...(newPassword ? { passwordHash: await hashPassword(newPassword) } : {}) },
      select: userView,
    });
    // Old tokens must not outlive what they were issued for.
    if (patch.active === false) await accounts.sessions.revokeAllOf(id, 'deactivated');
    else if (newPassword) await accounts.sessions.revokeAllOf(id, 'password_changed');
    else if (patch.role !== undefined || patch.unitId !== undefined) accounts.activeStaff.forget();
    res.json(updated);
  });
  return router;
}
