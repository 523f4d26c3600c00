// Login and token refresh. Answers are deliberately alike for "no such user" and "wrong password".
import { Router } from 'express';
import { z } from 'zod';
import { HttpError, validate } from '@diandan/platform';
import { InvalidTokenError, issueTokens, verifyRefreshToken } from '../auth/tokens';
import { activeStaff, checkCredentials } from '../auth/users';
import type { ApiDeps } from './deps';

const loginSchema = z.object({ username: z.string().trim().min(1).max(100), password: z.string().min(1).max(200) });
const refreshSchema = z.object({ refreshToken: z.string().min(1) });

/** Routes that need no access token. */
export function authRoutes({ prisma, tokens }: ApiDeps): Router {
  const router = Router();
  router.post('/v1/auth/login', async (req, res) => {
    const { username, password } = validate(loginSchema, req.body);
    const staff = await checkCredentials(prisma, username, password);
    if (!staff) throw new HttpError(401, 'invalid_credentials', 'wrong username or password');
    res.json({ ...issueTokens(staff, tokens), user: staff });
  });
  router.post('/v1/auth/refresh', async (req, res) => {
    const { refreshToken } = validate(refreshSchema, req.body);
    let userId: string;
    try {
      userId = verifyRefreshToken(refreshToken, tokens.secret);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new HttpError(401, 'unauthenticated', error.message);
      throw error;
    }
    // Role and unit are read afresh: a changed or deactivated user does not keep old powers.
    const staff = await activeStaff(prisma, userId);
    if (!staff) throw new HttpError(401, 'unauthenticated', 'user no longer active');
    res.json({ ...issueTokens(staff, tokens), user: staff });
  });
  return router;
}
