// What `npm test` does to stay out of the running platform's way, and the proof that it did:
// - its own Temporal namespace (search attributes registered), deleted at the end with every
//   workflow in it;
// - its topics and consumer groups (named with the run id) deleted at the end;
// - a snapshot of the platform before and after the run — workflows in the platform's namespace,
//   topics, consumer groups, row counts of the platform's database — that must be equal.
import { execFileSync } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Kafka, logLevel } from 'kafkajs';
import Long from 'long';

export interface PlatformSnapshot {
  namespace: string;
  workflows: number;
  topics: string[];
  groups: string[];
  rows: Record<string, number>;
}

const INDEXED: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Text: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  KeywordList: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const testNamespaceFor = (runId: string): string => `diandan-test-${runId}`;

const kafkaOf = (brokers: string) => new Kafka({ clientId: 'diandan-test-isolation', brokers: brokers.split(','), logLevel: logLevel.NOTHING });

/** `Name=Type …` as infra/local/env.sh declares them (TEMPORAL_SEARCH_ATTRIBUTES). */
function searchAttributes(declared: string): Record<string, temporal.api.enums.v1.IndexedValueType> {
  return Object.fromEntries(
    declared
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => {
        const [name, type] = pair.split('=') as [string, string];
        const indexed = INDEXED[type];
        if (indexed === undefined) throw new Error(`unknown search attribute type ${type} in TEMPORAL_SEARCH_ATTRIBUTES`);
        return [name, indexed];
      }),
  );
}

/** Registers the run's namespace with the search attributes and waits until queries on them work. */
export async function createTestNamespace(address: string, namespace: string, declared: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      description: 'npm test: deleted at the end of the run',
      workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(24 * 3600) },
    });
    const attributes = searchAttributes(declared);
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: attributes });
    // The frontend learns of a new namespace on its next cache refresh (seconds): a query that
    // names a custom search attribute succeeds once both the namespace and the attributes are known.
    const [probe] = Object.keys(attributes);
    const query = probe ? `${probe} IS NOT NULL` : '';
    for (let attempt = 0; ; attempt++) {
      try {
        await connection.workflowService.countWorkflowExecutions({ namespace, query });
        return;
      } catch (error) {
        if (attempt >= 120) throw error;
        await sleep(250);
      }
    }
  } finally {
    await connection.close();
  }
}

/** Deletes the run's namespace; Temporal removes its workflows (running ones are terminated). */
export async function deleteTestNamespace(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await connection.operatorService.deleteNamespace({ namespace });
  } finally {
    await connection.close();
  }
}

/** Deletes every topic and consumer group whose name carries the run id. */
export async function deleteRunTopicsAndGroups(brokers: string, runId: string): Promise<{ topics: number; groups: number }> {
  const admin = kafkaOf(brokers).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.includes(runId));
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.includes(runId));
    // Consumers of a finished test may still be leaving their group: retry while it empties.
    for (let attempt = 0; groups.length > 0; attempt++) {
      try {
        await admin.deleteGroups(groups);
        break;
      } catch (error) {
        // A suite that failed may leave a consumer behind; its group dies with it. Say so, go on
        // deleting the topics: a failed teardown would hide the tests' own failures.
        if (attempt >= 20) {
          console.warn(`could not delete consumer groups of run ${runId}: ${(error as Error).message}`);
          break;
        }
        await sleep(500);
      }
    }
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    return { topics: topics.length, groups: groups.length };
  } finally {
    await admin.disconnect();
  }
}

function rowCounts(databaseUrl: string): Record<string, number> {
  const url = new URL(databaseUrl);
  const sql = `select table_name || '=' || (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from public.%I', table_name), false, true, '')))[1]::text
    from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`;
  try {
    const out = execFileSync('psql', ['-h', url.hostname, '-p', url.port, '-U', url.username, '-d', url.pathname.slice(1), '-tAc', sql], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return Object.fromEntries(
      out
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [table, count] = line.split('=') as [string, string];
          return [table, Number(count)];
        }),
    );
  } catch {
    return {}; // no platform database (never migrated): nothing to compare
  }
}

export async function platformSnapshot(settings: { address: string; namespace: string; brokers: string; databaseUrl: string }): Promise<PlatformSnapshot> {
  const connection = await Connection.connect({ address: settings.address });
  let workflows: number;
  try {
    const { count } = await connection.workflowService.countWorkflowExecutions({ namespace: settings.namespace, query: '' });
    workflows = Number(count ?? 0);
  } finally {
    await connection.close();
  }
  const admin = kafkaOf(settings.brokers).admin();
  await admin.connect();
  let topics: string[];
  let groups: string[];
  try {
    topics = (await admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
    groups = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
  } finally {
    await admin.disconnect();
  }
  return { namespace: settings.namespace, workflows, topics, groups, rows: rowCounts(settings.databaseUrl) };
}

/** What differs between two snapshots, in words; empty when the platform is as it was. */
export function differences(before: PlatformSnapshot, after: PlatformSnapshot): string[] {
  const found: string[] = [];
  if (after.workflows !== before.workflows)
    found.push(`workflows in namespace ${before.namespace}: ${before.workflows} before, ${after.workflows} after`);
  const added = (a: string[], b: string[]) => b.filter((x) => !a.includes(x));
  for (const [what, a, b] of [
    ['topics', before.topics, after.topics],
    ['consumer groups', before.groups, after.groups],
  ] as const) {
    const more = added(a, b);
    const fewer = added(b, a);
    if (more.length) found.push(`${what} added: ${more.join(', ')}`);
    if (fewer.length) found.push(`${what} removed: ${fewer.join(', ')}`);
  }
  for (const table of new Set([...Object.keys(before.rows), ...Object.keys(after.rows)])) {
    if (before.rows[table] !== after.rows[table]) found.push(`rows of ${table}: ${before.rows[table] ?? 'none'} before, ${after.rows[table] ?? 'none'} after`);
  }
  return found;
}
