// Configuration is read and validated once, at start-up. Every process declares the variables it
// needs by composing the fragments below; a missing or malformed variable stops the process with
// the variable's name. docker-compose.yml and infra/local/env.sh set the same names (a test checks).
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);

export const baseEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
};

/** The variables each process of the platform requires: the compose file must set all of them. */
export const processEnv = {
  intake: { ...baseEnv, ...kafkaEnv, INTAKE_PORT: port },
  dispatch: { ...baseEnv, ...kafkaEnv, ...databaseEnv, ...temporalEnv, DISPATCH_PORT: port },
  feedback: { ...baseEnv, ...kafkaEnv, ...databaseEnv, ...temporalEnv, FEEDBACK_PORT: port },
  worker: { ...baseEnv, ...kafkaEnv, ...temporalEnv },
} as const;
export type ProcessName = keyof typeof processEnv;

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
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return env[name] === undefined ? `${name} is not set` : `${name}: ${issue.message}`;
    }),
  );
}
