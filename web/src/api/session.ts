// The staff session: tokens in sessionStorage (gone with the tab), one refresh in flight at a
// time, and a listener the console uses to go back to the login page when refreshing fails.
// Login, refresh and the feed ticket are the three calls the accounts work may change; each is
// one function here.
import { apiErrorOf } from './errors';

export interface StaffUser {
  id: string;
  username: string;
  role: string;
  unitId?: string | null;
  displayName?: string | null;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  user: StaffUser;
}

const KEY = 'diandan.session';
const AUTH = '/api/dispatch/v1/auth';
let current: Tokens | null = read();
let refreshing: Promise<Tokens | null> | null = null;
const listeners = new Set<(tokens: Tokens | null) => void>();

function read(): Tokens | null {
  try {
    const raw = globalThis.sessionStorage?.getItem(KEY);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  } catch {
    return null;
  }
}

function store(tokens: Tokens | null): void {
  current = tokens;
  if (tokens) sessionStorage.setItem(KEY, JSON.stringify(tokens));
  else sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener(tokens);
}

export const session = {
  get tokens(): Tokens | null {
    return current;
  },
  onChange(listener: (tokens: Tokens | null) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },

  async login(username: string, password: string): Promise<Tokens> {
    const response = await fetch(`${AUTH}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    const body = await response.json().catch(() => undefined);
    if (!response.ok) throw apiErrorOf(response.status, body);
    const tokens: Tokens = { accessToken: body.accessToken, refreshToken: body.refreshToken, user: body.user };
    store(tokens);
    return tokens;
  },

  /** Trades the refresh token for a new pair; null (and logged out) when that is refused. */
  refresh(): Promise<Tokens | null> {
    const refreshToken = current?.refreshToken;
    if (!refreshToken) return Promise.resolve(null);
    refreshing ??= (async () => {
      try {
        const response = await fetch(`${AUTH}/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
        if (!response.ok) {
          store(null);
          return null;
        }
        const body = await response.json();
        const tokens: Tokens = { accessToken: body.accessToken, refreshToken: body.refreshToken ?? refreshToken, user: body.user ?? current?.user };
        store(tokens);
        return tokens;
      } catch {
        return current; // offline: keep the session, the next call tries again
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  },

  logout(): void {
    // The server ends the session too (its refresh token stops working); the tab forgets at once.
    const accessToken = current?.accessToken;
    if (accessToken) void fetch(`${AUTH}/logout`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } }).catch(() => undefined);
    store(null);
  },

  /**
   * The live feed's URL. EventSource cannot send headers, and an access token in a URL ends up in
   * logs: the URL carries a single-use ticket of 30 seconds (POST /v1/auth/feed-ticket).
   */
  async feedUrl(): Promise<string> {
    const response = await fetch(`${AUTH}/feed-ticket`, { method: 'POST', headers: { authorization: `Bearer ${current?.accessToken ?? ''}` } });
    const body = (await response.json().catch(() => undefined)) as { ticket?: string } | undefined;
    return `/api/dispatch/v1/feed?ticket=${encodeURIComponent(body?.ticket ?? '')}`;
  },
};
