// Bearer-token authentication and role checks for the staff API: no token → 401, a role that may
// not use an endpoint → 403, before anything else happens.
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '@diandan/platform';
import type { Staff, StaffRole } from '../auth/staff';
import { InvalidTokenError, verifyAccessToken } from '../auth/tokens';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="diandan-staff"' };

function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1];
  }
  // EventSource cannot send headers: the live feed also takes the token as a query parameter.
  const query = req.query.access_token;
  return req.path.endsWith('/feed') && typeof query === 'string' ? query : undefined;
}

export function authenticate(secret: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = bearerToken(req);
    if (!token) throw new HttpError(401, 'unauthenticated', 'log in first: Authorization: Bearer <access token>', undefined, CHALLENGE);
    try {
      res.locals.staff = verifyAccessToken(token, secret);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new HttpError(401, 'unauthenticated', error.message, undefined, CHALLENGE);
      throw error;
    }
    next();
  };
}

export function staffOf(res: Response): Staff {
  const staff = res.locals.staff as Staff | undefined;
  if (!staff) throw new HttpError(401, 'unauthenticated', 'log in first');
  return staff;
}

export function allow(...roles: readonly StaffRole[]) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const staff = staffOf(res);
    if (!roles.includes(staff.role)) {
      throw new HttpError(403, 'forbidden', `a ${staff.role.replace('_', ' ')} may not do this (allowed: ${roles.join(', ')})`);
    }
    next();
  };
}
