// The codec server of the Temporal Web UI (and of `temporal … --codec-endpoint`): it decodes the
// encrypted payloads of a workflow history for a staff member allowed to read them, and refuses
// everyone else. The Web UI calls it from the browser (POST /decode, Temporal's remote codec
// protocol: `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`), so it answers CORS for the
// UI's origin only, with credentials.
//
// Who may decode: the caller presents a staff access token (services/dispatch's login), either as
// `Authorization: Bearer …` (CLI: --codec-auth) or as the HttpOnly cookie `diandan_codec` that
// POST /session sets (the page at / logs in through services/dispatch's own login endpoint), and
// its role must be one of `roles` (default: dispatcher, supervisor, admin — the roles whose work
// spans the district; the Web UI cannot apply a unit's scope). The cookie is SameSite=Strict and
// lives as long as the token; logging out (DELETE /session) clears it.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Logger } from './logger';

export const CODEC_COOKIE = 'diandan_codec';

export interface CodecCaller {
  username: string;
  role: string;
  /** Seconds since epoch at which the token expires. */
  expiresAt?: number;
}

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Verifies a staff access token; throws when it is not valid. */
  verifyToken: (token: string) => CodecCaller | Promise<CodecCaller>;
  /** services/dispatch's login: username + password → an access token, or null when refused. */
  login?: (username: string, password: string) => Promise<string | null>;
  roles?: readonly string[];
  /** Origins of the Temporal Web UI allowed to call from a browser. */
  uiOrigins: readonly string[];
  logger: Logger;
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function bearerOf(req: Request): string | undefined {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(req.headers.authorization ?? '');
  return match?.[1];
}

const LOGIN_PAGE = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>diandan codec — 工作人员登录</title>
<body style="font-family:sans-serif;max-width:28em;margin:4em auto">
<h1>Temporal Web UI 解密登录</h1>
<p>以调度员、督办或管理员身份登录后，Temporal Web UI 才能显示工单内容（在 UI 的 Data Encoder 设置中填写本地址并勾选 include credentials）。</p>
<form method="post" action="session"><p><label>用户名 <input name="username" autocomplete="username" required></label></p>
<p><label>密码 <input name="password" type="password" autocomplete="current-password" required></label></p><p><button>登录</button></p></form>
</body></html>`;

export function createCodecServer(options: CodecServerOptions): Express {
  const roles = new Set(options.roles ?? ['dispatcher', 'supervisor', 'admin']);
  const origins = new Set(options.uiOrigins);
  const { codec, logger } = options;
  const app = express();
  app.disable('x-powered-by');

  app.use((req, res, next) => {
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });
  app.use(express.json({ limit: '8mb' }));
  app.use(express.urlencoded({ extended: false, limit: '4kb' }));

  const authorize = async (token: string | undefined): Promise<{ caller?: CodecCaller; status?: number; message?: string }> => {
    if (!token) return { status: 401, message: 'a staff access token is required (Authorization: Bearer, or log in at /)' };
    let caller: CodecCaller;
    try {
      caller = await options.verifyToken(token);
    } catch {
      return { status: 401, message: 'token invalid or expired' };
    }
    if (!roles.has(caller.role)) return { status: 403, message: `role ${caller.role} may not read order payloads` };
    return { caller };
  };

  const requireStaff = async (req: Request, res: Response, next: NextFunction) => {
    const result = await authorize(bearerOf(req) ?? cookieOf(req, CODEC_COOKIE));
    if (!result.caller) {
      if (result.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      res.status(result.status ?? 401).json({ error: { code: result.status === 403 ? 'forbidden' : 'unauthorized', message: result.message } });
      return;
    }
    res.locals.caller = result.caller;
    next();
  };

  const codecRoute = (direction: 'encode' | 'decode') => async (req: Request, res: Response) => {
    const payloads = (req.body as { payloads?: unknown })?.payloads;
    if (!Array.isArray(payloads)) {
      res.status(400).json({ error: { code: 'invalid_request', message: 'body must be { payloads: [...] }' } });
      return;
    }
    try {
      const out = await codec[direction](payloads.map((p: JsonPayload) => fromJson(p)));
      const caller = res.locals.caller as CodecCaller;
      if (direction === 'decode') logger.info({ username: caller.username, role: caller.role, namespace: req.headers['x-namespace'], payloads: payloads.length }, 'payloads decoded for staff');
      res.json({ payloads: out.map(toJson) });
    } catch (error) {
      res.status(400).json({ error: { code: 'invalid_payload', message: error instanceof Error ? error.message : 'cannot decode' } });
    }
  };
  app.post('/decode', requireStaff, codecRoute('decode'));
  app.post('/encode', requireStaff, codecRoute('encode'));

  app.get('/', (_req, res) => {
    res.type('html').send(LOGIN_PAGE);
  });
  app.post('/session', async (req, res) => {
    let token = bearerOf(req);
    const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
    if (!token && options.login && typeof username === 'string' && typeof password === 'string') token = (await options.login(username, password)) ?? undefined;
    const result = await authorize(token);
    if (!result.caller || !token) {
      res.status(result.status ?? 401).json({ error: { code: result.status === 403 ? 'forbidden' : 'unauthorized', message: result.message } });
      return;
    }
    const maxAge = Math.max(0, (result.caller.expiresAt ?? Math.floor(Date.now() / 1000) + 900) - Math.floor(Date.now() / 1000));
    res.setHeader('Set-Cookie', `${CODEC_COOKIE}=${encodeURIComponent(token)}; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Strict`);
    logger.info({ username: result.caller.username, role: result.caller.role }, 'codec session opened');
    res.json({ username: result.caller.username, role: result.caller.role, expiresIn: maxAge });
  });
  app.delete('/session', (_req, res) => {
    res.setHeader('Set-Cookie', `${CODEC_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`);
    res.status(204).end();
  });
  return app;
}
