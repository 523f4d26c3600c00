// Bearer tokens come from the Authorization header and nowhere else: a token in a query string
// ends up in access logs, proxies and browser history.

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  return /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(authorization)?.[1];
}

/** The challenge every 401 of a bearer-protected route carries (RFC 6750). */
export const bearerChallenge = (realm: string): Record<string, string> => ({ 'WWW-Authenticate': `Bearer realm="${realm}"` });
