// Production secrets: one list of secrets (SECRETS) and one list of public development values
// (DEVELOPMENT_SECRET_VALUES), kept equal to what infra/local/env.sh sets. A production process
// refuses every public value and every short one, naming the variable.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigError, DEVELOPMENT_SECRET_VALUES, SECRETS, isProduction, loadConfig, processEnv } from '../src';

const root = path.join(__dirname, '..', '..', '..');

/** What infra/local/env.sh exports when nothing is set beforehand. */
function envShDefaults(): Map<string, string> {
  const out = execFileSync('env', ['-i', `ROOT=${root}`, 'HOME=/nonexistent', 'bash', '-c', 'source infra/local/env.sh && env -0'], { cwd: root });
  return new Map(
    out
      .toString()
      .split('\0')
      .filter((entry) => entry.includes('='))
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

const allVariables = new Map(Object.values(processEnv).flatMap((shape) => Object.entries(shape) as [string, z.ZodType][]));

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const strong = (n = 48) => 'Q7fz9Kx2'.repeat(8).slice(0, n);
const intakeEnv = {
  KAFKA_BROKERS: 'k:9092',
  INTAKE_PORT: '3001',
  DATABASE_URL: 'postgresql://app@db/diandan',
  INTAKE_SECRET_KEY: strong(),
  FEEDBACK_SERVICE_TOKEN: strong(),
};

describe('secrets', () => {
  test('everySecretLookingVariableIsInTheList: a new key, token, secret or password cannot skip the check', () => {
    // `…_FILE` variables name where a secret lies (a TLS key file), not the secret itself.
    const looksSecret = [...allVariables.keys()].filter((name) => /SECRET|KEY|TOKEN|PASSWORD/.test(name) && !name.endsWith('_FILE'));
    expect(looksSecret.length).toBeGreaterThan(5);
    expect(looksSecret.filter((name) => !(name in SECRETS))).toEqual([]);
  });

  test('noSecretHasADefault: outside infra/local/env.sh a secret is set or empty (its channel off)', () => {
    const withDefault = Object.keys(SECRETS)
      .filter((name) => allVariables.has(name))
      .filter((name) => {
        const parsed = allVariables.get(name)!.safeParse(undefined);
        return parsed.success && !(parsed.data === '' || (Array.isArray(parsed.data) && parsed.data.length === 0));
      });
    expect(withDefault).toEqual([]);
  });

  test('developmentValuesComeFromEnvSh: every secret env.sh sets is a known public value', () => {
    const defaults = envShDefaults();
    const secretsSet = Object.keys(SECRETS).filter((name) => defaults.has(name) && !SECRETS[name]!.urlPassword);
    // If parsing env.sh broke, the check below would pass on nothing.
    expect(secretsSet).toEqual(expect.arrayContaining(['JWT_SECRET', 'INTAKE_SECRET_KEY', 'WECHAT_AES_KEY', 'OPEN311_API_KEYS']));
    const unknown = secretsSet.flatMap((name) =>
      (SECRETS[name]!.list ? defaults.get(name)!.split(',') : [defaults.get(name)!]).filter((v) => !DEVELOPMENT_SECRET_VALUES.has(v)).map((v) => `${name}=${v}`),
    );
    expect(unknown).toEqual([]);
    expect(defaults.get('DIANDAN_ENV')).toBe('local');
  });

  test('isProduction: production unless explicitly local, and NODE_ENV=production always wins', () => {
    expect(isProduction({})).toBe(true);
    expect(isProduction({ DIANDAN_ENV: 'local' })).toBe(false);
    expect(isProduction({ DIANDAN_ENV: 'local', NODE_ENV: 'production' })).toBe(true);
    expect(isProduction({ DIANDAN_ENV: 'production', NODE_ENV: 'development' })).toBe(true);
  });

  test.each([...envShDefaults()].filter(([name]) => name in SECRETS && name in processEnv.intake && !SECRETS[name]!.urlPassword))(
    'productionRefusesTheDevelopmentValue(%s)',
    (name, value) => {
      const problems = problemsOf(() => loadConfig(processEnv.intake, { ...intakeEnv, NODE_ENV: 'production', [name]: value }));
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^${name}: a public development value`))]);
    },
  );

  test('productionRefusesPublishedValuesAndPlaceholders: old compose fallbacks, the old WeChat default, a database password', () => {
    const env = {
      ...intakeEnv,
      INTAKE_SECRET_KEY: 'diandan-compose-dev-intake-key-change-me-0001',
      FEEDBACK_SERVICE_TOKEN: 'our-service-token-CHANGE-ME-before-going-live',
      WECHAT_TOKEN: 'diandandevwechattoken1',
      DATABASE_URL: 'postgresql://postgres:diandan@db:5432/diandan',
    };
    const problems = problemsOf(() => loadConfig(processEnv.intake, env));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'FEEDBACK_SERVICE_TOKEN', 'INTAKE_SECRET_KEY']);
  });

  test('productionRefusesShortValues: each list element, the database password, optional secrets once set', () => {
    const env = {
      ...intakeEnv,
      OPEN311_API_KEYS: `${strong(30)},short-key`,
      WECHAT_TOKEN: 'abc123',
      DATABASE_URL: 'postgresql://app:s3cret@db/diandan',
    };
    const problems = problemsOf(() => loadConfig(processEnv.intake, env));
    expect(problems.sort()).toEqual([
      expect.stringMatching(/^DATABASE_URL: too short for production \(at least 16/),
      expect.stringMatching(/^OPEN311_API_KEYS: too short for production \(at least 24/),
      expect.stringMatching(/^WECHAT_TOKEN: too short for production \(at least 16/),
    ]);
  });

  test('productionAcceptsRealSecretsAndClosedChannels', () => {
    const config = loadConfig(processEnv.intake, { ...intakeEnv, NODE_ENV: 'production', DATABASE_URL: `postgresql://app:${strong(20)}@db/diandan` });
    expect(config).toMatchObject({ WECHAT_TOKEN: '', OPEN311_API_KEYS: [], INTAKE_OPERATOR_TOKENS: [] });
  });

  test('localAcceptsTheDevelopmentValues: the local platform runs on env.sh as it is', () => {
    const defaults = Object.fromEntries(envShDefaults());
    const env = { ...intakeEnv, ...defaults };
    expect(() => loadConfig(processEnv.intake, env)).not.toThrow();
    expect(problemsOf(() => loadConfig(processEnv.intake, { ...env, NODE_ENV: 'production' })).length).toBeGreaterThanOrEqual(5);
  });
});
