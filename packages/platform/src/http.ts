// HTTP edges: every service gets the same health probes and the same error shape. Domain and
// validation errors are mapped to HTTP once, here; a user never sees a stack trace.
import express, { type ErrorRequestHandler, type Express, type Request } from 'express';
import type { Server } from 'node:http';
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
  jsonLimit?: string;
}

export function createHttpApp({ name, logger, readiness = {}, jsonLimit = '256kb' }: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  app.use(express.json({ limit: jsonLimit }));

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
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', service: name, checks });
  });
  return app;
}

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

export function listen(app: Express, port: number, host = '0.0.0.0'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
}

export type { Request };
