// Configuration is read and validated once, at start-up. Every process declares the variables it
// needs by composing the fragments below; a missing or malformed variable stops the process with
// the variable's name. docker-compose.yml and infra/local/env.sh set the same names (a test checks).
import { z } from 'zod';
import { sealingKeysSchema } from './sealing';
import { parseCodecKeys } from './codec';

const port = z.coerce.number().int().min(1).max(65535);

export const baseEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** `local` (set only by infra/local/env.sh) lets the public development secrets through; anything else is production. */
  DIANDAN_ENV: z.enum(['local', 'production']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};
/** Every HTTP service: where it listens, which proxies it believes, how long a request may take to arrive. */
export const httpEnv = {
  /** Loopback unless told otherwise: containers set 0.0.0.0 (docker-compose.yml). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Empty: no proxy is trusted and X-Forwarded-For is ignored. Else a hop count or addresses/subnets (Express "trust proxy"). */
  TRUST_PROXY: z
    .string()
    .regex(/^[0-9A-Za-z.:/,\s]*$/, 'a hop count, or comma-separated addresses, subnets or loopback/linklocal/uniquelocal')
    .default(''),
  /** A request (headers and body) must arrive within this many seconds, else 408 and the connection is closed. */
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
};
export const kafkaEnv = {
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean)),
  KAFKA_CLIENT_ID: z.string().default('diandan'),
  /** Prepended to every topic name: lets a test run (or a second tenant) use its own topics. */
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, . _ - only').default(''),
};
export const databaseEnv = {
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
};
export const temporalEnv = {
  TEMPORAL_ADDRESS: z.string().min(1),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('service-orders'),
  /**
   * Payload encryption keys (codec.ts): `id:base64-of-32-bytes`, comma-separated, the first one
   * encrypts, the others only decrypt (rotation). No default: infra/local/env.sh sets a public
   * development key; anywhere else generate one with `openssl rand -base64 32`.
   */
  TEMPORAL_CODEC_KEYS: z.string().superRefine((value, ctx) => {
    try {
      parseCodecKeys(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
};

/** The codec server of the Temporal Web UI (codecServer.ts), run by services/dispatch. 0 = off. */
export const codecServerEnv = {
  CODEC_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Origins of the Temporal Web UI allowed to call it from a browser (comma-separated). */
  TEMPORAL_UI_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8233,http://localhost:8233')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
};

/**
 * Where attachments are kept (local disk) and how much: intake writes residents' files there,
 * dispatch a unit's result photos; both read them for downloads.
 */
export const attachmentsEnv = {
  ATTACHMENTS_DIR: z.string().min(1).default('.diandan/attachments'),
  /** Per file. */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  /** All attachments of one order together; enforced while streaming. */
  ATTACHMENT_ORDER_MAX_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  /** Everything the attachment store may hold (0: unlimited); past it, uploads get 507. */
  ATTACHMENTS_TOTAL_MAX_BYTES: z.coerce.number().int().min(0).default(0),
};

/** services/intake: its channels. Only the server key is required; the rest have safe defaults. */
export const intakeEnv = {
  /** HMAC key that derives order ids, tracking codes and secrets from idempotency sources. */
  INTAKE_SECRET_KEY: z.string().min(32, 'at least 32 characters'),
  /** Comma-separated Open311 api_keys allowed to POST requests. Empty: Open311 POST is closed. */
  OPEN311_API_KEYS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((k) => k.trim()).filter(Boolean)),
  /** Comma-separated bearer tokens of hotline and letter-box operators. Empty: those entries are closed. */
  INTAKE_OPERATOR_TOKENS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((k) => k.trim()).filter(Boolean)),
  /** Requests per minute and client address on the public channels. */
  INTAKE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** Origin of the resident H5 pages (CORS). */
  H5_ORIGIN: z.string().default('http://127.0.0.1:3001'),
  /** WeChat official account: token for signatures (empty: the WeChat callback is closed); app id and EncodingAESKey for safe mode. */
  WECHAT_TOKEN: z.string().regex(/^([A-Za-z0-9]{3,32})?$/, 'WeChat tokens are 3–32 letters or digits').default(''),
  WECHAT_APP_ID: z.string().default(''),
  WECHAT_AES_KEY: z
    .string()
    .regex(/^([A-Za-z0-9+/]{43})?$/, 'EncodingAESKey is 43 base64 characters')
    .default(''),
  /** A callback whose timestamp is further than this from our clock is refused (replays). */
  WECHAT_MAX_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** Messages per openid and minute; more get a "slow down" reply instead of an order. */
  WECHAT_MESSAGES_PER_OPENID_PER_MINUTE: z.coerce.number().int().positive().default(10),
  /** SMTP listener for e-mailed orders (0 = off); mail to INTAKE_MAIL_ADDRESS becomes an order. */
  SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  SMTP_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  /** STARTTLS: PEM key and certificate files (both or neither). */
  SMTP_TLS_KEY_FILE: z.string().default(''),
  SMTP_TLS_CERT_FILE: z.string().default(''),
  /** AUTH PLAIN/LOGIN required when both are set (after STARTTLS when TLS is configured). */
  SMTP_AUTH_USER: z.string().default(''),
  SMTP_AUTH_PASSWORD: z.string().default(''),
  SMTP_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().positive().default(10),
  SMTP_MESSAGES_PER_SENDER_PER_HOUR: z.coerce.number().int().positive().default(20),
  INTAKE_MAIL_ADDRESS: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'not an e-mail address').default('diandan@localhost'),
  /** Outgoing SMTP for replies with the tracking code (empty host = replies are not sent). */
  SMTP_OUT_HOST: z.string().default(''),
  SMTP_OUT_PORT: port.default(25),
  /** services/feedback's base URL: WeChat "评价" messages are passed to its rating endpoint. */
  FEEDBACK_URL: z.url().default('http://127.0.0.1:3003'),
  /** The approved verification-code template (验证码模板, variable ${code}) of support codes by SMS; empty: no codes by SMS (SMS_* as for notices). */
  SMS_CODE_TEMPLATE_CODE: z.string().default(''),
};

/**
 * Seals residents' contact details on orders.placed (services/intake) and opens them
 * (services/feedback): `id:base64(32 bytes)[,…]`, the first seals, all open (rotation by key id).
 * No default: infra/local/env.sh sets a public development value.
 */
export const contactSealEnv = {
  CONTACT_SEAL_KEYS: sealingKeysSchema,
};

/** Service-to-service bearer token: services/intake calls services/feedback's WeChat rating endpoint with it. */
export const serviceTokenEnv = {
  FEEDBACK_SERVICE_TOKEN: z.string().min(32, 'at least 32 characters'),
};

/** `kid:secret,kid:secret` → signing keys (a secret may contain anything but a comma). */
const previousKeys = z
  .string()
  .default('')
  .transform((s, ctx) =>
    s
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .flatMap((entry) => {
        const colon = entry.indexOf(':');
        const kid = entry.slice(0, colon);
        const secret = entry.slice(colon + 1);
        if (colon < 1 || secret.length < 32) {
          ctx.addIssue({ code: 'custom', message: 'each entry is kid:secret, the secret at least 32 characters' });
          return [];
        }
        return [{ kid, secret }];
      }),
  );

/**
 * Staff tokens (issued by services/dispatch, verified by dispatch and feedback): the signing key
 * and its id, keys of earlier rotations that still verify, and lifetimes (seconds).
 */
export const authEnv = {
  JWT_SECRET: z.string().min(32, 'at least 32 characters'),
  /** Names JWT_SECRET in every token's `kid` header. Rotate: move the old pair to JWT_PREVIOUS_KEYS, set a new secret and id. */
  JWT_KID: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, '1 to 32 letters, digits, . _ -').default('k1'),
  JWT_PREVIOUS_KEYS: previousKeys,
  JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().positive().default(900),
  JWT_REFRESH_TTL_SECONDS: z.coerce.number().int().positive().default(7 * 24 * 3600),
};

/** The SMS provider, shared by feedback's notices and intake's one-time codes (each with its own template). */
export const smsEnv = {
  /** SMS provider adapter; empty turns SMS off. `aliyun`: Alibaba Cloud SMS (dysmsapi 2017-05-25) through its official SDK. */
  SMS_PROVIDER: z.enum(['', 'aliyun']).default(''),
  /** The provider's API host (a stand-in's host:port locally) and protocol. */
  SMS_ENDPOINT: z.string().default('dysmsapi.aliyuncs.com'),
  SMS_PROTOCOL: z.enum(['https', 'http']).default('https'),
  SMS_ACCESS_KEY_ID: z.string().default(''),
  SMS_ACCESS_KEY_SECRET: z.string().default(''),
  /** The approved signature (签名). */
  SMS_SIGN_NAME: z.string().default('点单'),
};

/** services/feedback: the satisfaction weight (docs/kpis.md) and the notifiers. An empty host or base URL turns that channel off. */
export const feedbackEnv = {
  /** 1 = 基本满意 counts as satisfied (Beijing 12345 practice); 0.8 or 0.5 elsewhere. */
  KPI_BASICALLY_SATISFIED_WEIGHT: z.coerce.number().min(0).max(1).default(1),
  /** Encrypts residents' contact addresses kept for notices (AES-256-GCM; the key is its sha256). */
  FEEDBACK_CONTACT_KEY: z.string().min(32, 'at least 32 characters'),
  NOTIFY_SMTP_HOST: z.string().default(''),
  NOTIFY_SMTP_PORT: port.default(25),
  NOTIFY_MAIL_FROM: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'not an e-mail address').default('diandan@localhost'),
  /** WeChat official account API; off without an app id (docs/feedback.md, "Notices to residents"). */
  WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
  NOTIFY_WECHAT_APP_ID: z.string().default(''),
  NOTIFY_WECHAT_APP_SECRET: z.string().default(''),
  /** The approved template (模板消息) or subscription (订阅通知) id used outside the 48-hour window. */
  NOTIFY_WECHAT_TEMPLATE_ID: z.string().default(''),
  /** `template` (/cgi-bin/message/template/send) or `subscribe` (/cgi-bin/message/subscribe/bizsend). */
  NOTIFY_WECHAT_TEMPLATE_API: z.enum(['template', 'subscribe']).default('template'),
  /** The template's keys for tracking code, status and what happens next, in that order. */
  NOTIFY_WECHAT_TEMPLATE_FIELDS: z
    .string()
    .regex(/^\w+,\w+,\w+$/, 'three template keys, comma-separated')
    .default('character_string1,thing2,thing3'),
  ...smsEnv,
  /** The approved template (模板 code, with variables ${code} ${status} ${next}) of notices. */
  SMS_TEMPLATE_CODE: z.string().default(''),
};

/** The worker's Prometheus endpoints (0 = off): its own /metrics and the Temporal SDK's runtime metrics. */
export const workerMetricsEnv = {
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  TEMPORAL_SDK_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Interface both bind to: loopback unless told otherwise (a container sets 0.0.0.0 for Prometheus). */
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
};

/**
 * The worker's sticky cache: how many order runs it keeps in memory between their tasks. A cached
 * run's next task (a timer, an update) needs no replay; each costs memory (≈ 0.3–0.45 MB measured).
 * The SDK's own default grows with the heap (thousands on a 4 GB heap), which is what took the
 * worker past 1 GB with 10,000 open orders (docs/performance.md, "Load that grows with time").
 * 0 = the SDK's default.
 */
export const workerCacheEnv = {
  // 300 × ≈ 0.43 MB per cached run (measured with 1,000) on a worker idling at ≈ 250 MB should stay
  // under the 500 MB aim of issue 14 — not yet measured at 10,000 open orders. A district's timers
  // are hours apart, so the runs they wake have mostly left any cache anyway.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(300),
};

/** services/dispatch: likely duplicates at triage (docs/merge.md); the defaults are the domain's. */
export const duplicatesEnv = {
  /** Orders placed within this many days of each other are compared. */
  DUPLICATE_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  /** Two orders with coordinates closer than this (metres) are at the same place. */
  DUPLICATE_RADIUS_METERS: z.coerce.number().int().min(10).max(20_000).default(500),
  /** Offered as a likely duplicate from this score (0…1). */
  DUPLICATE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
};

/** The variables each process of the platform requires: the compose file must set all of them. */
export const processEnv = {
  intake: { ...baseEnv, ...httpEnv, ...kafkaEnv, ...databaseEnv, INTAKE_PORT: port, ...intakeEnv, ...smsEnv, ...attachmentsEnv, ...serviceTokenEnv, ...contactSealEnv },
  dispatch: { ...baseEnv, ...httpEnv, ...kafkaEnv, ...databaseEnv, ...temporalEnv, ...authEnv, ...codecServerEnv, ...attachmentsEnv, ...duplicatesEnv, DISPATCH_PORT: port },
  feedback: { ...baseEnv, ...httpEnv, ...kafkaEnv, ...databaseEnv, ...temporalEnv, ...authEnv, ...feedbackEnv, ...serviceTokenEnv, ...contactSealEnv, FEEDBACK_PORT: port },
  worker: { ...baseEnv, ...kafkaEnv, ...databaseEnv, ...temporalEnv, ...workerMetricsEnv, ...workerCacheEnv },
} as const;
export type ProcessName = keyof typeof processEnv;

/**
 * Every secret the platform reads, with the shortest value production accepts. A new secret joins
 * by one line here; its public development value goes into infra/local/env.sh and into
 * DEVELOPMENT_SECRET_VALUES below (packages/platform/test/secrets.test.ts fails until it does).
 * Empty optional secrets (a channel that is off) are not checked.
 */
export const SECRETS: Readonly<Record<string, SecretRule>> = {
  INTAKE_SECRET_KEY: { minLength: 32 },
  JWT_SECRET: { minLength: 32 },
  FEEDBACK_CONTACT_KEY: { minLength: 32 },
  FEEDBACK_SERVICE_TOKEN: { minLength: 32 },
  CONTACT_SEAL_KEYS: { minLength: 46, list: true },
  WECHAT_TOKEN: { minLength: 16 },
  WECHAT_AES_KEY: { minLength: 43 },
  OPEN311_API_KEYS: { minLength: 24, list: true },
  INTAKE_OPERATOR_TOKENS: { minLength: 24, list: true },
  JWT_PREVIOUS_KEYS: { minLength: 32, list: true, keyed: true },
  NOTIFY_WECHAT_APP_SECRET: { minLength: 16 },
  SMS_ACCESS_KEY_SECRET: { minLength: 16 },
  /** Not secret by itself, but it names the account: production must not run on the stand-in's id. */
  SMS_ACCESS_KEY_ID: { minLength: 16 },
  SMTP_AUTH_PASSWORD: { minLength: 16 },
  DATABASE_URL: { minLength: 16, urlPassword: true },
  TEMPORAL_CODEC_KEYS: { minLength: 40, list: true },
};

export interface SecretRule {
  minLength: number;
  /** A comma-separated list of secrets, each checked. */
  list?: boolean;
  /** List entries are `id:secret`; the secret is checked. */
  keyed?: boolean;
  /** The secret is the password inside a URL (a URL without one is left alone: socket or certificate auth). */
  urlPassword?: boolean;
}

/**
 * Public values: the defaults of infra/local/env.sh and every value this repository ever
 * published for a secret. A production process that finds one of them refuses to start.
 */
export const DEVELOPMENT_SECRET_VALUES: ReadonlySet<string> = new Set([
  // infra/local/env.sh
  'local-dev-1:ZGlhbmRhbi1sb2NhbC1kZXYtY29kZWMta2V5LTAwMDE=',
  'diandan-local-dev-intake-key-not-secret-0001',
  'diandan-local-development-secret-not-for-production',
  'diandan-local-dev-contact-key-not-secret-0001',
  'diandan-local-dev-service-token-not-secret-01',
  'dev1:ZGlhbmRhbi1sb2NhbC1kZXYtc2VhbC1rZXktMDAwMDE=',
  'diandanLocalDevWechat01',
  'ZGlhbmRhbi1sb2NhbC1kZXYtYWVzLWtleS0wMDAwMDE',
  'diandan-local-dev-open311-key-not-secret',
  'diandan-local-dev-operator-token-not-secret',
  'diandan-local-dev-wechat-app-secret',
  'diandan-local-dev-sms-access-key-secret',
  'LTAIlocalstandin0001',
  // published earlier: docker-compose.yml fallbacks, the config schema's WeChat default, the compose database password
  'diandan-compose-dev-intake-key-change-me-0001',
  'diandan-compose-development-secret-not-for-production',
  'diandan-compose-dev-contact-key-change-me-0001',
  'diandan-compose-dev-service-token-change-me-01',
  'diandan-dev-wechat-token',
  'diandan',
  'postgres',
]);
/** Words that mark a value as a placeholder whatever its exact spelling. */
const PLACEHOLDER = /not[-_ ]?(a[-_ ]?)?secret|not[-_ ]for[-_ ]production|change[-_ ]?me/i;

/** True unless the environment says it is the local development platform (and not production). */
export function isProduction(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV === 'production' || env.DIANDAN_ENV !== 'local';
}

/** The production problems of the secrets a shape reads: development values and short values, by name. */
export function secretProblems(names: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const name of names) {
    const rule = SECRETS[name];
    const raw = env[name];
    if (!rule || raw === undefined || raw.trim() === '') continue;
    const listed = rule.list ? raw.split(',').map((v) => v.trim()) : [raw];
    const values = rule.urlPassword ? [urlPassword(raw)] : rule.keyed ? listed.map((v) => v.slice(v.indexOf(':') + 1)) : listed;
    for (const value of values.filter((v): v is string => Boolean(v))) {
      if (DEVELOPMENT_SECRET_VALUES.has(value) || PLACEHOLDER.test(value)) {
        problems.push(`${name}: a public development value; set a secret of your own (see docs/security.md)`);
        break;
      }
      if (value.length < rule.minLength) {
        problems.push(`${name}: too short for production (at least ${rule.minLength} characters; see docs/security.md)`);
        break;
      }
    }
  }
  return problems;
}

function urlPassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Variables of a shape that have no default, i.e. that must be set. */
export function requiredVariables(shape: z.ZodRawShape): string[] {
  return Object.entries(shape)
    .filter(([, schema]) => !(schema as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name);
}

export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        return env[name] === undefined ? `${name} is not set` : `${name}: ${issue.message}`;
      });
  if (isProduction(env)) {
    const named = new Set(problems.map((p) => p.split(/[: ]/)[0]));
    problems.push(...secretProblems(Object.keys(shape), env).filter((p) => !named.has(p.split(':')[0])));
  }
  if (parsed.success && problems.length === 0) return parsed.data;
  throw new ConfigError(problems);
}
