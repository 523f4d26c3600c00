// The one way a request of a staff member is authenticated, in every service: a bearer access
// token that verifies under the key ring, whose session is live and whose user is active.
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../http';
import { bearerChallenge, bearerToken } from './bearer';
import { InvalidTokenError, verifyToken, type KeyRing } from './jwt';
import type { ActiveStaff, Staff, StaffRole } from './staff';

const REALM = 'diandan-staff';

export interface StaffAuth {
  keys: KeyRing;
  activeStaff: ActiveStaff;
}

const unauthenticated = (message: string) => new HttpError(401, 'unauthenticated', message, undefined, bearerChallenge(REALM));

/** The staff member of an access token and its session; throws HttpError 401 otherwise. */
export async function staffOfAccessToken(auth: StaffAuth, token: string): Promise<{ staff: Staff; sessionId: string }> {
  let verified;
  try {
    verified = verifyToken(token, 'access', auth.keys);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthenticated(error.message);
    throw error;
  }
  const staff = await auth.activeStaff.ofSession(verified.sid, verified.sub);
  if (!staff) throw unauthenticated('session ended or user no longer active: log in again');
  return { staff, sessionId: verified.sid };
}

/** Every request below needs `Authorization: Bearer <access token>`; the staff member lands in res.locals.staff. */
export function requireStaff(auth: StaffAuth) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = bearerToken(req.get('authorization'));
    if (!token) throw unauthenticated('log in first: Authorization: Bearer <access token>');
    const { staff, sessionId } = await staffOfAccessToken(auth, token);
    res.locals.staff = staff;
    res.locals.sessionId = sessionId;
    next();
  };
}

export function staffOf(res: Response): Staff {
  const staff = res.locals.staff as Staff | undefined;
  if (!staff) throw new HttpError(401, 'unauthenticated', 'log in first', undefined, bearerChallenge(REALM));
  return staff;
}

/** A role that may not use an endpoint gets 403, before anything else happens. */
export function allowRoles(...roles: readonly StaffRole[]) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const staff = staffOf(res);
    if (!roles.includes(staff.role)) {
      throw new HttpError(403, 'forbidden', `a ${staff.role.replace('_', ' ')} may not do this (allowed: ${roles.join(', ')})`);
    }
    next();
  };
}
