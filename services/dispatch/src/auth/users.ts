// Users in the read-model database; passwords as bcrypt hashes only.
import bcrypt from 'bcryptjs';
import type { PrismaClient } from '@diandan/platform';
import { isStaffRole, UNIT_ROLES, type Staff } from './staff';

const BCRYPT_COST = 10;
// Compared against when the username is unknown, so both answers take as long (no user probing).
const DUMMY_HASH = bcrypt.hashSync('diandan-no-such-user', BCRYPT_COST);

export const hashPassword = (password: string): Promise<string> => bcrypt.hash(password, BCRYPT_COST);

interface UserRow {
  id: string;
  username: string;
  role: string;
  unitId: string | null;
  displayName: string;
  active: boolean;
}

export function staffOfUser(user: UserRow): Staff | null {
  if (!user.active || !isStaffRole(user.role)) return null;
  if ((UNIT_ROLES as readonly string[]).includes(user.role) && !user.unitId) return null;
  return { userId: user.id, username: user.username, role: user.role, unitId: user.unitId, displayName: user.displayName };
}

/** The staff member for these credentials, or null (unknown user, wrong password, inactive). */
export async function checkCredentials(prisma: PrismaClient, username: string, password: string): Promise<Staff | null> {
  const user = await prisma.user.findUnique({ where: { username } });
  const matches = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
  return user && matches ? staffOfUser(user) : null;
}

export async function activeStaff(prisma: PrismaClient, userId: string): Promise<Staff | null> {
  const user = await prisma.user.findUnique({ where: { id: userId } }).catch(() => null);
  return user ? staffOfUser(user) : null;
}
