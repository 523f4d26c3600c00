// docker-compose.yml runs the cluster profile of infra/local on a Docker host. These checks keep the
// two from drifting: every process gets every variable its config requires, under the names
// infra/local/env.sh exports, on the same host ports, with the same Temporal search attributes, the
// same pinned versions, topics, replication settings and replica counts as infra/local/cluster.sh.
import { SEARCH_ATTRIBUTES } from '@diandan/domain';
import fs from 'node:fs';
import path from 'node:path';
import { SECRETS, processEnv, requiredVariables } from '@diandan/platform';
import { parse } from 'yaml';

type ProcessName = keyof typeof processEnv;
type PortMapping = string | number | { published?: string | number; target?: string | number };
interface ComposeService {
  environment?: Record<string, unknown> | string[];
  ports?: PortMapping[];
  command?: string | string[];
  image?: string;
  volumes?: string[];
  deploy?: { replicas?: number };
  depends_on?: string[] | Record<string, { condition?: string }>;
}
interface ComposeFile {
  services?: Record<string, ComposeService>;
}

const root = path.join(__dirname, '..', '..');
const composeText = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const envSh = fs.readFileSync(path.join(root, 'infra', 'local', 'env.sh'), 'utf8');
const clusterSh = fs.readFileSync(path.join(root, 'infra', 'local', 'cluster.sh'), 'utf8');
const haproxyCfg = fs.readFileSync(path.join(root, 'infra', 'docker', 'haproxy.cfg'), 'utf8');
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');

const processes = Object.keys(processEnv) as ProcessName[];

function loadCompose(): ComposeFile {
  // merge: true resolves `<<: *anchor` the way Compose does.
  return parse(composeText, { merge: true }) as ComposeFile;
}

function service(compose: ComposeFile, name: string): ComposeService {
  const found = compose.services?.[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** A service's environment as name → raw value, from either the map or the list syntax. */
function environmentOf(svc: ComposeService): Map<string, unknown> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return new Map(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq < 0 ? [entry, undefined] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return new Map(Object.entries(env));
}

/** Host and container port of each mapping: "3001:3001", "127.0.0.1:8233:8080/tcp" or long syntax. */
function portsOf(svc: ComposeService): { host: number; container: number }[] {
  return (svc.ports ?? []).map((mapping) => {
    if (typeof mapping === 'object') return { host: Number(mapping.published), container: Number(mapping.target) };
    const parts = String(mapping)
      .replace(/\/\w+$/, '')
      .split(':');
    const container = Number(parts[parts.length - 1]);
    return { host: parts.length > 1 ? Number(parts[parts.length - 2]) : container, container };
  });
}

/** Defaults env.sh gives: `: "${NAME:=value}"` and `export NAME="${NAME:-value}"`. */
function localDefaults(sh: string): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const m of sh.matchAll(/^:\s+"\$\{(\w+):=([^}]*)\}"/gm)) defaults.set(m[1]!, m[2]!);
  for (const m of sh.matchAll(/^export\s+(\w+)="\$\{\1:-([^}]*)\}"/gm)) defaults.set(m[1]!, m[2]!);
  return defaults;
}

/** Every name env.sh exports, from `export A B C` and `export NAME=…` lines. */
function exportedNames(sh: string): string[] {
  const names: string[] = [];
  for (const line of sh.split('\n')) {
    const m = /^export\s+(.+)$/.exec(line.trim());
    if (!m) continue;
    const assignment = /^(\w+)=/.exec(m[1]!);
    if (assignment) names.push(assignment[1]!);
    else names.push(...m[1]!.split(/\s+/).filter((word) => /^\w+$/.test(word)));
  }
  return names;
}

function localDefault(name: string, sh = envSh): string {
  const value = localDefaults(sh).get(name);
  if (value === undefined) throw new Error(`infra/local/${sh === envSh ? 'env' : 'cluster'}.sh has no default for ${name}`);
  return value;
}

const clusterDefault = (name: string): string => localDefault(name, clusterSh);
const kafkaServices = ['kafka-1', 'kafka-2', 'kafka-3'];

/** `key=value` lines of the cluster profile's broker properties (kafka_props in cluster.sh). */
function clusterBrokerProperties(): Map<string, string> {
  const body = /kafka_props\(\) \{[\s\S]*?<<EOF\n([\s\S]*?)\nEOF/.exec(clusterSh)?.[1] ?? '';
  return new Map(body.split('\n').map((line) => line.split('=', 2) as [string, string]));
}

/** The tag of an image reference. */
const tagOf = (image: string | undefined): string => String(image).split(':').pop()!;

describe('docker-compose.yml', () => {
  test('parsesAsYamlWithServices', () => {
    const compose = loadCompose();
    expect(compose).toBeInstanceOf(Object);
    expect(Object.keys(compose.services ?? {})).toEqual(
      expect.arrayContaining(['postgres', ...kafkaServices, 'temporal', 'temporal-ui', 'lb', 'prometheus', ...processes]),
    );
  });

  test.each(processes)('%s.setsEveryRequiredVariable', (name) => {
    const required = requiredVariables(processEnv[name]);
    expect(required.length).toBeGreaterThan(0);
    const env = environmentOf(service(loadCompose(), name));
    expect(required.filter((variable) => !env.has(variable))).toEqual([]);
  });

  test.each(processes)('%s.environmentValuesAreNonEmptyStrings', (name) => {
    const env = environmentOf(service(loadCompose(), name));
    const bad = [...env].filter(([, value]) => typeof value !== 'string' || value.trim() === '').map(([variable]) => variable);
    expect(bad).toEqual([]);
  });

  test.each([
    ['lb', 'INTAKE_PORT'],
    ['lb', 'DISPATCH_PORT'],
    ['lb', 'FEEDBACK_PORT'],
    ['lb', 'SMTP_PORT'],
    ['temporal-ui', 'TEMPORAL_UI_PORT'],
    ['temporal', 'TEMPORAL_PORT'],
    ['postgres', 'PGPORT'],
    ['kafka-1', 'KAFKA_PORT'],
  ])('%s.hostPortMatchesLocalDefault(%s)', (name, variable) => {
    const hostPorts = portsOf(service(loadCompose(), name)).map((p) => p.host);
    expect(hostPorts).toContain(Number(localDefault(variable)));
  });

  test.each([
    ['intake', 'INTAKE_PORT'],
    ['dispatch', 'DISPATCH_PORT'],
    ['feedback', 'FEEDBACK_PORT'],
  ])('%s.isBalancedByLbOnThePortItListensOn(%s)', (name, variable) => {
    // The load balancer publishes the local default and forwards to the port the replicas listen on.
    const listensOn = Number(environmentOf(service(loadCompose(), name)).get(variable));
    expect(portsOf(service(loadCompose(), 'lb'))).toContainEqual({ host: Number(localDefault(variable)), container: listensOn });
    expect(haproxyCfg).toMatch(new RegExp(`bind :${listensOn}\\n\\s+default_backend ${name}\\n`));
    expect(haproxyCfg).toMatch(new RegExp(`server-template ${name}- \\d+ ${name}:${listensOn} check`));
  });

  test('codec.isPublishedThroughLb: the Web UI reaches the codec server where it is told to', () => {
    const compose = loadCompose();
    const codecPort = Number(environmentOf(service(compose, 'dispatch')).get('CODEC_PORT'));
    expect(portsOf(service(compose, 'lb'))).toContainEqual({ host: codecPort, container: codecPort });
    expect(haproxyCfg).toMatch(new RegExp(`bind :${codecPort}\\n\\s+default_backend codec\\n`));
    expect(haproxyCfg).toMatch(new RegExp(`server-template codec- \\d+ dispatch:${codecPort} check`));
    expect(String(environmentOf(service(compose, 'temporal-ui')).get('TEMPORAL_CODEC_ENDPOINT'))).toBe(`http://127.0.0.1:${codecPort}`);
  });

  test('web.servesTheConsoleOnTheLocalPort: the console proxies the services through lb', () => {
    const web = service(loadCompose(), 'web');
    expect(portsOf(web)).toContainEqual({ host: Number(localDefault('WEB_PORT')), container: Number(environmentOf(web).get('WEB_PORT')) });
    for (const [variable, port] of [['INTAKE_URL', 3001], ['DISPATCH_URL', 3002], ['FEEDBACK_URL', 3003]] as const) {
      expect(environmentOf(web).get(variable)).toBe(`http://lb:${port}`);
    }
    expect(dockerfile).toMatch(/npm -w web run build/);
    expect(dockerfile).toMatch(/COPY --from=build \/app\/web\/dist/);
  });

  test.each(kafkaServices)('%s.advertisesTheHostListenerOnThePublishedPort', (name) => {
    const svc = service(loadCompose(), name);
    const advertised = String(environmentOf(svc).get('KAFKA_ADVERTISED_LISTENERS')).split(',');
    const external = advertised.find((l) => l.startsWith('EXTERNAL://127.0.0.1:'));
    expect(external).toBeDefined();
    expect(portsOf(svc).map((p) => `EXTERNAL://127.0.0.1:${p.host}`)).toContain(external);
  });

  test('usesTheVariableNamesInfraLocalExports', () => {
    const known = new Set(processes.flatMap((name) => Object.keys(processEnv[name])));
    const shared = exportedNames(envSh).filter((variable) => known.has(variable));
    // If parsing env.sh broke, the check below would pass on nothing.
    expect(shared).toEqual(expect.arrayContaining(['DATABASE_URL', 'KAFKA_BROKERS', 'TEMPORAL_ADDRESS', 'INTAKE_PORT']));
    const compose = loadCompose();
    const drift = processes.flatMap((name) => {
      const env = environmentOf(service(compose, name));
      return shared.filter((variable) => variable in processEnv[name] && !env.has(variable)).map((variable) => `${name}: ${variable}`);
    });
    expect(drift).toEqual([]);
  });

  test('worker.capsItsHeapAsTheLocalProfilesDo', () => {
    const command = [service(loadCompose(), 'worker').command ?? ''].flat().join(' ');
    expect(command).toContain(`--max-old-space-size=${localDefault('WORKER_HEAP_MB')} `);
  });

  test('registersTheSearchAttributesInfraLocalRegisters', () => {
    const local = /^TEMPORAL_SEARCH_ATTRIBUTES="([^"]*)"/m.exec(envSh)?.[1]?.split(/\s+/).filter(Boolean) ?? [];
    expect(local.length).toBeGreaterThan(0);
    const jobs = Object.entries(loadCompose().services ?? {}).filter(([, svc]) =>
      [svc.command ?? ''].flat().join(' ').includes('search-attribute create'),
    );
    expect(jobs.map(([name]) => name)).toEqual(['temporal-search-attributes']);
    const script = [jobs[0]![1].command ?? ''].flat().join(' ');
    const registered = [...script.matchAll(/--name\s+(\w+)\s+--type\s+(\w+)/g)].map((m) => `${m[1]}=${m[2]}`);
    expect([...registered].sort()).toEqual([...local].sort());
    // …and both are the attributes the domain declares (packages/domain names.ts), with their types.
    expect([...local].sort()).toEqual(Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => `${name}=${type}`).sort());
  });

  test('secretsHaveNoFallback: every secret is required (${VAR:?…}) or empty (its channel closed), never a public value', () => {
    const fallbacks = [...composeText.matchAll(/\$\{(\w+):?([-?])([^}]*)\}/g)]
      .filter(([, variable, kind, fallback]) => (variable! in SECRETS || /PASSWORD|SECRET|KEY|TOKEN/.test(variable!)) && kind === '-' && fallback !== '')
      .map(([whole]) => whole);
    expect(fallbacks).toEqual([]);
    const required = new Set([...composeText.matchAll(/\$\{(\w+):\?[^}]+\}/g)].map((m) => m[1]));
    const alwaysNeeded = processes.flatMap((name) => requiredVariables(processEnv[name])).filter((variable) => variable in SECRETS && variable !== 'DATABASE_URL');
    expect(alwaysNeeded.length).toBeGreaterThan(0);
    expect(alwaysNeeded.filter((variable) => !required.has(variable))).toEqual([]);
    expect(required.has('POSTGRES_PASSWORD')).toBe(true);
  });

  test.each(processes)('%s.isProductionAndListensInsideItsNetwork', (name) => {
    const env = environmentOf(service(loadCompose(), name));
    expect([env.get('NODE_ENV'), env.get('DIANDAN_ENV'), env.get('HOST')]).toEqual(['production', 'production', '0.0.0.0']);
  });

  test('publishesOnLoopbackOnly', () => {
    const open = Object.entries(loadCompose().services ?? {}).flatMap(([name, svc]) =>
      (svc.ports ?? []).filter((mapping) => typeof mapping !== 'string' || !mapping.startsWith('127.0.0.1:')).map((mapping) => `${name}: ${JSON.stringify(mapping)}`),
    );
    expect(open).toEqual([]);
  });

  test.each(processes)('%s.startsAfterMigrateAndTopicsSucceed', (name) => {
    const dependsOn = service(loadCompose(), name).depends_on;
    const conditions = Array.isArray(dependsOn) ? {} : (dependsOn ?? {});
    for (const job of ['migrate', 'topics']) expect(conditions[job]?.condition).toBe('service_completed_successfully');
  });

  describe('the cluster profile (infra/local/cluster.sh)', () => {
    test('versionsArePinnedToTheLocalOnes', () => {
      const compose = loadCompose();
      for (const name of kafkaServices) expect(tagOf(service(compose, name).image)).toBe(localDefault('KAFKA_VERSION'));
      expect(tagOf(service(compose, 'temporal').image)).toBe(clusterDefault('TEMPORAL_SERVER_VERSION'));
      expect(tagOf(service(compose, 'temporal-schema').image)).toBe(clusterDefault('TEMPORAL_SERVER_VERSION'));
      expect(tagOf(service(compose, 'temporal-search-attributes').image)).toBe(clusterDefault('TEMPORAL_SERVER_VERSION'));
      expect(tagOf(service(compose, 'temporal-ui').image)).toBe(clusterDefault('TEMPORAL_UI_SERVER_VERSION'));
      expect(tagOf(service(compose, 'postgres').image)).toBe(/postgresql\/(\d+)\/bin/.exec(localDefault('PG_BIN'))?.[1]);
    });

    test('temporalHasTheSameShardsAndDynamicConfig', () => {
      const temporal = service(loadCompose(), 'temporal');
      expect(environmentOf(temporal).get('NUM_HISTORY_SHARDS')).toBe(clusterDefault('CLUSTER_HISTORY_SHARDS'));
      expect(temporal.volumes?.some((v) => v.startsWith('./infra/local/cluster/dynamicconfig.yaml:'))).toBe(true);
      expect(clusterSh).toContain('$ROOT/infra/local/cluster/dynamicconfig.yaml');
    });

    test.each(kafkaServices)('%s.hasTheReplicationSettingsOfTheLocalBrokers', (name) => {
      const local = clusterBrokerProperties();
      const env = environmentOf(service(loadCompose(), name));
      const keys = [
        'default.replication.factor',
        'min.insync.replicas',
        'unclean.leader.election.enable',
        'offsets.topic.replication.factor',
        'transaction.state.log.replication.factor',
        'transaction.state.log.min.isr',
        'share.coordinator.state.topic.replication.factor',
        'share.coordinator.state.topic.min.isr',
        'auto.create.topics.enable',
        'process.roles',
      ];
      const compared = keys.map((key) => [key, local.get(key), env.get(`KAFKA_${key.toUpperCase().replaceAll('.', '_')}`)]);
      expect(compared.filter(([, want]) => want === undefined)).toEqual([]);
      expect(compared.filter(([, want, got]) => want !== got)).toEqual([]);
    });

    test('topicsAreCreatedWithTheSameReplicationAndPartitions', () => {
      const compose = loadCompose();
      const env = environmentOf(service(compose, 'topics'));
      const local = /export KAFKA_REPLICATION_FACTOR=(\d+) KAFKA_MIN_INSYNC_REPLICAS=(\d+)/.exec(clusterSh);
      expect(local).not.toBeNull();
      expect([env.get('KAFKA_REPLICATION_FACTOR'), env.get('KAFKA_MIN_INSYNC_REPLICAS')]).toEqual([local![1], local![2]]);
      expect(env.get('KAFKA_PARTITIONS')).toBe(localDefault('KAFKA_PARTITIONS'));
      const brokers = String(env.get('KAFKA_BROKERS')).split(',');
      expect(brokers.map((b) => b.split(':')[0])).toEqual(kafkaServices);
    });

    test.each(processes)('%s.runsAsManyReplicasAsTheClusterProfile', (name) => {
      const instances = /^CLUSTER_INSTANCES="([^"]*)"/m.exec(clusterSh)?.[1]?.split(/\s+/).filter(Boolean) ?? [];
      expect(instances.length).toBeGreaterThan(1);
      expect(service(loadCompose(), name).deploy?.replicas).toBe(instances.length);
    });
  });
});
