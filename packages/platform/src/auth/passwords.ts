// Staff passwords as bcrypt hashes. @node-rs/bcrypt hashes and compares on libuv's thread pool
// (native code from the npm package, no download at install), so twenty clients guessing
// passwords never stall the event loop that also serves health checks and Kafka consumers —
// bcryptjs did all of it on the main thread. Hashes written by bcryptjs ($2a$/$2b$) still verify.
import { hash, verify } from '@node-rs/bcrypt';

const COST = 10;
let dummyHash: Promise<string> | undefined;

export const hashPassword = (password: string): Promise<string> => hash(password, COST);

/** Whether the password matches the hash; a malformed hash is no match, never a crash. */
export async function verifyPassword(password: string, passwordHash: string | undefined): Promise<boolean> {
  // Without a user there is still a hash to compare with, so "no such user" takes as long as
  // "wrong password" (no probing for user names).
  dummyHash ??= hashPassword('diandan-no-such-user');
  const against = passwordHash ?? (await dummyHash);
  try {
    return (await verify(password, against)) && passwordHash !== undefined;
  } catch {
    return false;
  }
}
