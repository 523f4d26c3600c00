// Structured logs (pino). Personal data (PIPL) never reaches a log in clear: the fields below are
// redacted wherever they appear in a logged object, at the top or one or two levels down.
import pino, { type Logger } from 'pino';

export type { Logger };

const personalFields = ['name', 'phone', 'mobile', 'email', 'wechatOpenId', 'openid', 'idCard', 'contact', 'secret', 'password', 'authorization'];

// Top-level `name` is pino's own logger name, so names are redacted only inside logged objects.
export const redactPaths = personalFields
  .flatMap((f) => (f === 'name' ? [`*.${f}`, `*.*.${f}`] : [f, `*.${f}`, `*.*.${f}`]))
  .concat(['req.headers.authorization', 'req.headers.cookie']);

export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
