// Every process of the platform, started through its real entry point (compiled, as production
// runs it) in production mode with the public development secrets of infra/local/env.sh, refuses
// to start and names each variable; with secrets that are too short, the same. The check runs
// before any server is contacted.
import { SECRETS, processEnv, type ProcessName } from '@diandan/platform';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..');
const entryPoints: Record<ProcessName, string> = {
  intake: 'services/intake/src/main.ts',
  dispatch: 'services/dispatch/src/main.ts',
  feedback: 'services/feedback/src/main.ts',
  worker: 'workflows/src/worker.ts',
};

/** What infra/local/env.sh exports on a clean shell: the local platform's environment. */
function localEnvironment(): Record<string, string> {
  const out = execFileSync('env', ['-i', `ROOT=${root}`, `HOME=${os.tmpdir()}`, `PATH=${process.env.PATH}`, 'bash', '-c', 'source infra/local/env.sh && env -0'], { cwd: root });
  return Object.fromEntries(
    out
      .toString()
      .split('\0')
      .filter((entry) => entry.includes('='))
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

// tsx runs the sources, as jest does: workspace packages resolve to their src/ through these paths.
let tsconfig: string;
beforeAll(() => {
  tsconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'diandan-secrets-')), 'tsconfig.json');
  const paths = {
    '@diandan/domain/rules': ['packages/domain/src/rules.ts'],
    '@diandan/domain': ['packages/domain/src/index.ts'],
    '@diandan/platform': ['packages/platform/src/index.ts'],
    '@diandan/workflows': ['workflows/src/index.ts'],
  };
  fs.writeFileSync(tsconfig, JSON.stringify({ extends: path.join(root, 'tsconfig.base.json'), compilerOptions: { baseUrl: root, paths } }));
});
afterAll(() => fs.rmSync(path.dirname(tsconfig), { recursive: true, force: true }));

/**
 * The compiled entry point (what production runs; `npm test` builds it first) when it is at least
 * as new as its source, else the source through tsx (slower: it transpiles the import graph).
 */
function command(name: ProcessName): [string, string[]] {
  const source = path.join(root, entryPoints[name]);
  const compiled = source.replace(/\/src\/(\w+)\.ts$/, '/dist/src/$1.js');
  if (fs.existsSync(compiled) && fs.statSync(compiled).mtimeMs >= fs.statSync(source).mtimeMs) return [process.execPath, [compiled]];
  return [path.join(root, 'node_modules/.bin/tsx'), ['--tsconfig', tsconfig, source]];
}

function start(name: ProcessName, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [executable, args] = command(name);
    const child = spawn(executable, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

const processes = Object.keys(entryPoints) as ProcessName[];
const local = localEnvironment();
/** The secrets a process reads that env.sh gives a public value (the database URL has no password locally). */
const developmentSecrets = (name: ProcessName) => Object.keys(processEnv[name]).filter((variable) => variable in SECRETS && local[variable] && !SECRETS[variable]!.urlPassword);

// Eight starts at once: each spends its time loading modules before the check refuses it.
const runs = new Map<string, Promise<{ code: number | null; stderr: string }>>();
function run(kind: 'development' | 'short', name: ProcessName) {
  const key = `${kind}:${name}`;
  if (!runs.has(key)) {
    const env =
      kind === 'development'
        ? // The worker reads no secret of env.sh: its secret is the database password inside DATABASE_URL.
          { ...local, NODE_ENV: 'production', DATABASE_URL: 'postgresql://postgres:diandan@127.0.0.1:1/diandan' }
        : { ...local, ...shortSecrets(name), DIANDAN_ENV: 'production', DATABASE_URL: 'postgresql://postgres:pw0rd@127.0.0.1:1/diandan' };
    runs.set(key, start(name, env));
  }
  return runs.get(key)!;
}
const shortSecrets = (name: ProcessName) => Object.fromEntries(developmentSecrets(name).map((variable) => [variable, 'x7Kq2Lm9']));

describe('production start', () => {
  beforeAll(() => {
    for (const name of processes) for (const kind of ['development', 'short'] as const) void run(kind, name);
  });

  test('everyProcessReadsADevelopmentSecret: a process with none would prove nothing below', () => {
    expect(processes.filter((name) => developmentSecrets(name).length === 0)).toEqual(['worker']);
  });

  test.each(processes)('%s.refusesEveryDevelopmentSecretByName', async (name) => {
    const { code, stderr } = await run('development', name);
    expect(code).not.toBe(0);
    for (const variable of [...developmentSecrets(name), 'DATABASE_URL']) expect(stderr).toMatch(new RegExp(`^\\s*${variable}: a public development value`, 'm'));
  }, 240_000);

  test.each(processes)('%s.refusesShortSecretsByName', async (name) => {
    const { code, stderr } = await run('short', name);
    expect(code).not.toBe(0);
    for (const variable of [...Object.keys(shortSecrets(name)), 'DATABASE_URL']) expect(stderr).toMatch(new RegExp(`^\\s*${variable}: `, 'm'));
    expect(stderr).not.toMatch(/public development value/);
  }, 240_000);
});
