// Users in the read-model database; passwords as bcrypt hashes only (hashed off the event loop).
import { hashPassword, staffOfUser, verifyPassword, type PrismaClient, type Staff } from '@diandan/platform';

export { hashPassword };

/** The staff member for these credentials, or null (unknown user, wrong password, inactive). */
export async function checkCredentials(prisma: PrismaClient, username: string, password: string): Promise<Staff | null> {
  const user = await prisma.user.findUnique({ where: { username } });
  const matches = await verifyPassword(password, user?.passwordHash);
  return user && matches ? staffOfUser(user) : null;
}
