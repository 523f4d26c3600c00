// Structured logs (pino). Personal data (PIPL) never reaches a log in clear: the fields below are
// redacted wherever they appear in a logged object, at any depth — pino's path redaction covers
// the first levels cheaply, and a walk of the rest catches a phone four objects down.
import pino, { type Logger } from 'pino';

export type { Logger };

const personalFields = ['name', 'phone', 'mobile', 'email', 'wechatOpenId', 'openid', 'idCard', 'contact', 'secret', 'password', 'authorization', 'cookie', 'address', 'to', 'recipient'];
const PERSONAL = new Set(personalFields.map((f) => f.toLowerCase()));
const CENSOR = '[redacted]';
const MAX_DEPTH = 32;

// Top-level `name` is pino's own logger name, so names are redacted only inside logged objects.
export const redactPaths = personalFields
  .flatMap((f) => (f === 'name' ? [`*.${f}`, `*.*.${f}`] : [f, `*.${f}`, `*.*.${f}`]))
  .concat(['req.headers.authorization', 'req.headers.cookie']);

/**
 * A copy of a log object with every personal field redacted, however deep (errors keep their
 * message and stack; cycles are cut). Values that need no change are returned as they are.
 */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH || seen.has(value)) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = value instanceof Error ? { type: value.name, message: value.message, stack: value.stack } : {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = PERSONAL.has(key.toLowerCase()) && !(depth === 0 && key === 'name') ? CENSOR : redactDeep(v, depth + 1, seen);
  }
  return out;
}

/** `destination` defaults to stdout (tests pass a stream of their own). */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: { paths: redactPaths, censor: CENSOR },
    formatters: { log: (object) => redactDeep(object) as Record<string, unknown> },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
