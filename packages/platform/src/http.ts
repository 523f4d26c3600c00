// HTTP edges: every service gets the same health probes and the same error shape. Domain and
// validation errors are mapped to HTTP once, here; a user never sees a stack trace.
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler } from 'express';
import { createServer, type Server } from 'node:http';
import type { z } from 'zod';
import type { Logger } from './logger';
import { metricsText } from './metrics';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export type ReadinessCheck = () => Promise<void> | void;

export interface HttpAppOptions {
  name: string;
  logger: Logger;
  /** Each check throws when its dependency does not answer; /readyz reports them by name. */
  readiness?: Record<string, ReadinessCheck>;
  /**
   * Things a supervisor should act on that do not make the service unready (e.g. next year's
   * holiday schedule is missing): listed in /readyz as `warnings`, which still answers 200.
   */
  warnings?: () => Promise<string[]>;
  jsonLimit?: string;
}

export function createHttpApp({ name, logger, readiness = {}, warnings, jsonLimit = '256kb' }: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Nobody's X-Forwarded-For is believed until TRUST_PROXY names the proxy (listen() applies it):
  // per-address rate limits would otherwise count whatever address a client claims.
  app.set('trust proxy', false);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  app.use((req, res, next) => (req.is('application/json') ? refuseOversizeWhileStreaming(jsonLimit)(req, res, next) : next()));
  app.use(express.json({ limit: jsonLimit }));
  app.use(refuseUnrepresentableText);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: name });
  });
  // Prometheus scrapes this (packages/platform/src/metrics.ts); services bind loopback unless told otherwise.
  app.get('/metrics', async (_req, res, next) => {
    try {
      const { contentType, body } = await metricsText();
      res.type(contentType).send(body);
    } catch (err) {
      next(err);
    }
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    let ready = true;
    await Promise.all(
      Object.entries(readiness).map(async ([dependency, check]) => {
        try {
          await check();
          checks[dependency] = 'ok';
        } catch (err) {
          ready = false;
          checks[dependency] = err instanceof Error ? err.message : 'unavailable';
          logger.warn({ dependency, err }, 'readiness check failed');
        }
      }),
    );
    let notes: string[] = [];
    try {
      notes = (await warnings?.()) ?? [];
    } catch (err) {
      logger.warn({ err }, 'readiness warnings could not be computed');
    }
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', service: name, checks, ...(notes.length > 0 ? { warnings: notes } : {}) });
  });
  return app;
}

export function bytesOf(limit: string): number {
  const m = /^(\d+)\s*(b|kb|mb)?$/i.exec(limit.trim());
  if (!m) throw new Error(`not a size: ${limit}`);
  return Number(m[1]) * ({ b: 1, kb: 1024, mb: 1024 * 1024 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb']);
}

/**
 * Express's body parsers stop buffering at their limit but answer only once the client has sent
 * the whole body (they drain the rest), so a client that keeps sending holds the request until the
 * timeout. This counts the same bytes as they arrive and answers 413 at the limit, then closes the
 * connection. Put it directly before the body parser (no asynchronous middleware between): the
 * parser then attaches its own listener in the same tick, and no chunk is missed.
 */
export function refuseOversizeWhileStreaming(limit: string | number): RequestHandler {
  const limitBytes = typeof limit === 'number' ? limit : bytesOf(limit);
  return (req, res, next) => {
    let seen = 0;
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= limitBytes) return;
      req.off('data', count);
      if (res.headersSent) return;
      res.setHeader('Connection', 'close');
      res.on('finish', () => req.socket.destroy());
      res.status(413).json({ error: { code: 'payload_too_large', message: `request body is larger than ${limitBytes} bytes` } });
    };
    req.on('data', count);
    next();
  };
}

/**
 * NUL characters and lone UTF-16 surrogates are not text: PostgreSQL cannot store the first and
 * UTF-8 cannot encode the second, so they used to surface as 500s deep inside a query. They are
 * refused here, for every route, with the field that carries them.
 */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNREPRESENTABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unrepresentableField(value: unknown, where: string, depth = 0): string | undefined {
  if (typeof value === 'string') return UNREPRESENTABLE.test(value) ? where : undefined;
  if (typeof value !== 'object' || value === null || depth > 32) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const field = `${where}.${key}`;
    if (UNREPRESENTABLE.test(key)) return field;
    const found = unrepresentableField(inner, field, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const refuseUnrepresentableText: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    next(new HttpError(400, 'bad_request', 'the path is not valid percent-encoded UTF-8'));
    return;
  }
  const field = unrepresentableField(path, 'path') ?? unrepresentableField(req.query, 'query') ?? unrepresentableField(req.body, 'body');
  if (field) {
    next(new HttpError(400, 'invalid_characters', `${field}: contains a NUL character or a lone surrogate, which is not text`, { fields: [{ field, message: 'not text' }] }));
    return;
  }
  next();
};

/** Call after all routes: unknown paths → 404, errors → one JSON shape. */
export function finishHttpApp(app: Express, logger: Logger): void {
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`)));
  const handler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    const status = httpStatusOf(err);
    if (status >= 500) logger.error({ err, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return;
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    const bodyError = err as { type?: string; status?: number; message?: string };
    if (status < 500) {
      const code = bodyError.type === 'entity.too.large' ? 'payload_too_large' : 'bad_request';
      res.status(status).json({ error: { code, message: bodyError.type === 'entity.parse.failed' ? 'request body is not valid JSON' : (bodyError.message ?? 'bad request') } });
      return;
    }
    res.status(500).json({ error: { code: 'internal', message: 'internal error; it has been logged' } });
  };
  app.use(handler);
}

function httpStatusOf(err: unknown): number {
  if (err instanceof HttpError) return err.status;
  const status = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

/** Validates input with a zod schema; a failure is a 400 that names each offending field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => ({ field: i.path.join('.') || where, message: i.message }));
  throw new HttpError(400, 'invalid_request', fields.map((f) => `${f.field}: ${f.message}`).join('; '), { fields });
}

/** Express's "trust proxy" from TRUST_PROXY: '' → false, '2' → 2 hops, else the list of addresses/subnets. */
export function trustProxySetting(value: string): false | number | string[] {
  const trimmed = value.trim();
  if (trimmed === '') return false;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed.split(',').map((part) => part.trim()).filter(Boolean);
}

export interface ListenOptions {
  /** TRUST_PROXY (see trustProxySetting); default: trust no proxy. */
  trustProxy?: string;
  /** Longest time for a request's headers and body to arrive (default 30 s; Node's own is 5 minutes). */
  requestTimeoutMs?: number;
}

/**
 * Listens on loopback unless told otherwise (HOST). A request that trickles in is answered 408
 * and its connection closed after requestTimeoutMs, checked every second, so slow bodies cannot
 * hold sockets and memory for minutes.
 */
export function listen(app: Express, port: number, host = '127.0.0.1', options: ListenOptions = {}): Promise<Server> {
  if (options.trustProxy !== undefined) app.set('trust proxy', trustProxySetting(options.trustProxy));
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const server = createServer(
    { requestTimeout, headersTimeout: Math.min(requestTimeout, 10_000), connectionsCheckingInterval: Math.min(1_000, requestTimeout) },
    app,
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export type { Request };
