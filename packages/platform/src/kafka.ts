// Kafka helpers. Producers are idempotent and wait for all in-sync replicas (acks -1), so an
// acknowledged event is durable and never duplicated by a producer retry. Consumers commit an
// offset only after the handler (and so the database) succeeded; a message that keeps failing is
// parked on its dead-letter topic after bounded retries instead of blocking its partition forever,
// while a failure of the infrastructure (isTransient) is retried for as long as it lasts — with
// heartbeats, so that an outage longer than the session timeout costs no group membership.
import { Kafka, Partitioners, logLevel, type Consumer, type IHeaders, type KafkaMessage, type Producer } from 'kafkajs';
import { TOPICS } from '@diandan/domain';
import type { z } from 'zod';
import { forgetConsumerCounters, newConsumerCounters, type ConsumerCounters } from './consumerCounters';
import type { Logger } from './logger';
import type { PrismaClient } from './prisma';
import { applyKafkajsIdleFix } from './kafkajsIdle';
import { isTransient as isTransientByDefault } from './transient';

// Before any client exists: kafkajs's idle connections would otherwise spin (kafkajsIdle.ts).
applyKafkajsIdleFix();

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
}

/** The platform's topics under a prefix ('' in production). */
export function topicNames(prefix = ''): { [K in keyof typeof TOPICS]: string } {
  // Every topic of the contract, so that a topic added there is created everywhere topics are.
  return Object.fromEntries(Object.entries(TOPICS).map(([key, name]) => [key, `${prefix}${name}`])) as { [K in keyof typeof TOPICS]: string };
}

/**
 * Creates missing topics (idempotent); returns the names it created. A replicated cluster passes
 * its replication factor and `min.insync.replicas` (3 and 2 in the cluster profile: with acks -1 an
 * acknowledged event is on two brokers, and one broker may be down without stopping producers).
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: string[],
  numPartitions: number,
  replication: { replicationFactor: number; minInsyncReplicas?: number } = { replicationFactor: 1 },
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (missing.length > 0) {
      // kafkajs' own waitForLeaders retries only LEADER_NOT_AVAILABLE; a freshly formatted KRaft
      // broker first answers UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created (CI failed
      // on it), so the wait for leaders is ours and tolerates both.
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((topic) => ({
          topic,
          numPartitions,
          replicationFactor: replication.replicationFactor,
          configEntries: replication.minInsyncReplicas ? [{ name: 'min.insync.replicas', value: String(replication.minInsyncReplicas) }] : [],
        })),
      });
      await waitForLeaders(admin, missing);
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}

/** Errors a broker gives while a topic it has just created propagates through its metadata. */
const PROPAGATING = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER']);

async function waitForLeaders(admin: ReturnType<Kafka['admin']>, topics: string[], timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      if (metadata.length === topics.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (!PROPAGATING.has((error as { type?: string }).type ?? '') || Date.now() > end) throw error;
    }
    if (Date.now() > end) throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * kafkajs warnings that describe a choice we made, not a fault; logged, they teach operators to
 * ignore the log. Bounded retries on an idempotent producer "may invalidate EoS guarantees" —
 * we use no transactions, and a batch resent after the bound is absorbed by idempotent consumers
 * (stable event ids).
 */
const NOT_A_PROBLEM = ['Limiting retries for the idempotent producer'];

export function createKafka({ brokers, clientId }: KafkaSettings, logger?: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, log }) => {
      const { message, ...extra } = log;
      if (!logger || NOT_A_PROBLEM.some((known) => message.startsWith(known))) return;
      if (level <= logLevel.ERROR) logger.error(extra, `kafka: ${message}`);
      else logger.warn(extra, `kafka: ${message}`);
    },
  });
}

export function createProducer(kafka: Kafka): Producer {
  // Idempotence needs at most 5 in-flight requests; the broker de-duplicates retried batches.
  // The partitioner is named so that kafkajs need not warn about its v2 default: murmur2 on the key, as Java clients do.
  return kafka.producer({ idempotent: true, maxInFlightRequests: 5, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
}

export interface OutgoingEvent {
  key: string;
  value: unknown;
  headers?: IHeaders;
}

/** Publishes JSON events and resolves only once every replica acknowledged them. */
export async function publish(producer: Producer, topic: string, events: OutgoingEvent[]): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: events.map((e) => ({ key: e.key, value: JSON.stringify(e.value), headers: e.headers })),
  });
}

/** A message that can never succeed (bad JSON, schema violation): straight to the dead-letter topic. */
export class PoisonMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonMessageError';
  }
}

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: IHeaders;
  attempt: number;
}

export interface ConsumerRunnerOptions<T> {
  kafka: Kafka;
  groupId: string;
  topic: string;
  deadLetterTopic: string;
  /** Turns raw bytes into a message; throw PoisonMessageError for input that can never be handled. */
  parse: (value: Buffer | null) => T;
  handle: (message: NoInfer<T>, context: MessageContext) => Promise<void>;
  /**
   * Handles all the messages one fetch brought from one partition at once (the projector: one
   * database transaction for the lot), in their order; the offset after the last is committed
   * once it returned. When it throws, the runner goes through that batch again one message at a
   * time with `handle` — bounded retries, dead-letter, transient retries as for any message — so a
   * poison message costs the batch its shared transaction, never the other messages.
   */
  handleBatch?: (messages: { message: NoInfer<T>; context: MessageContext }[]) => Promise<void>;
  logger: Logger;
  /** Attempts before a failing message is parked on the dead-letter topic (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt (default 200 ms) up to maxBackoffMs (default 30 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Errors of the infrastructure (database down…) are retried without limit, never parked.
   * Default: platform's isTransient (transient.ts), a narrow list of codes.
   */
  isTransient?: (error: unknown) => boolean;
  partitionsConsumedConcurrently?: number;
  fromBeginning?: boolean;
  /** Group session timeout (default 30 s, kafkajs'); a member silent this long is evicted. */
  sessionTimeoutMs?: number;
  /** Heartbeat period, also while a message is retried (default 3 s). */
  heartbeatIntervalMs?: number;
  /**
   * First delay before the runner restarts a consumer that crashed for good (kafkajs restarts
   * only after errors it deems retriable); doubles up to 30 s while restarting fails (default 1 s).
   */
  restartDelayMs?: number;
}

export interface ConsumerRunner {
  /** The current kafkajs consumer (a new one after a restart). */
  readonly consumer: Consumer;
  /** Live counters of this runner (also listed by consumerCounters()). */
  counters: ConsumerCounters;
  stop: () => Promise<void>;
}

/** kafkajs' answer to a heartbeat once the group rebalances: eachMessage must end so it can rejoin. */
function isRebalancing(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID';
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export async function runConsumer<T>(options: ConsumerRunnerOptions<T>): Promise<ConsumerRunner> {
  const { kafka, groupId, topic, deadLetterTopic, parse, handle, logger } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 200;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3_000;
  const isTransient = options.isTransient ?? isTransientByDefault;
  const counters = newConsumerCounters(groupId, topic);

  let stopping = false;
  const deadLetters = createProducer(kafka);
  await deadLetters.connect();
  const failingSince = new Map<number, number>();
  const noteRetrying = () => {
    counters.retrying = failingSince.size;
    counters.retryingSince = failingSince.size > 0 ? Math.min(...failingSince.values()) : null;
  };

  const park = async (message: KafkaMessage, partition: number, error: unknown, attempts: number) => {
    counters.parked++;
    logger.error({ topic, partition, offset: message.offset, attempts, err: errorText(error) }, 'message parked on dead-letter topic');
    await deadLetters.send({
      topic: deadLetterTopic,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            'x-dead-letter-reason': errorText(error).slice(0, 1000),
            'x-original-topic': topic,
            'x-original-partition': String(partition),
            'x-original-offset': message.offset,
            'x-consumer-group': groupId,
            'x-attempts': String(attempts),
          },
        },
      ],
    });
  };

  /** One message, with its retries, dead-lettering and offset commit. */
  const handleOne = async (consumer: Consumer, t: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>, parsedAlready?: { value: T }) => {
    const commit = () => consumer.commitOffsets([{ topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    let parsed: T;
    if (parsedAlready) parsed = parsedAlready.value;
    else {
      try {
        parsed = parse(message.value);
      } catch (error) {
        await park(message, partition, error, 0);
        await commit();
        return;
      }
    }
    // While this message is retried (and while a slow attempt hangs), keep telling the group
    // coordinator we are alive: kafkajs heartbeats only between messages. A heartbeat refused
    // because the group rebalances ends the retrying: the offset stays uncommitted, kafkajs
    // rejoins, and whoever owns the partition next redoes the message.
    let lostGroup: unknown;
    const keepAlive = async () => {
      try {
        await heartbeat();
        counters.retryHeartbeats++;
      } catch (error) {
        if (isRebalancing(error)) lostGroup ??= error;
      }
    };
    // From the first attempt on, not only between retries: one slow attempt (a workflow start
    // retrying inside the Temporal client while the server is away) outlasted the session
    // timeout in the chaos run and cost the member its group. Fast messages never see a tick.
    let keepingAlive: NodeJS.Timeout | undefined = setInterval(() => void keepAlive(), heartbeatIntervalMs);
    const waitBeforeRetry = async (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until && !stopping && lostGroup === undefined) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(250, until - Date.now())));
      }
    };
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await handle(parsed, contextOf(t, partition, message, attempt));
          counters.handled++;
          if (attempt > 1) logger.info({ topic: t, partition, offset: message.offset, attempts: attempt }, 'handler succeeded after retries');
          break;
        } catch (error) {
          // Shutting down: leave the offset uncommitted; the next owner of the partition redoes it.
          if (stopping) throw error;
          const transient = isTransient(error);
          if (error instanceof PoisonMessageError || (!transient && attempt >= maxAttempts)) {
            await park(message, partition, error, attempt);
            break;
          }
          if (lostGroup !== undefined) throw lostGroup;
          counters.retries++;
          if (transient) counters.transientRetries++;
          if (!failingSince.has(partition)) failingSince.set(partition, Date.now());
          noteRetrying();
          keepingAlive ??= setInterval(() => void keepAlive(), heartbeatIntervalMs);
          const delayMs = Math.min(backoffMs * 2 ** (attempt - 1), maxBackoffMs);
          logger.warn(
            {
              topic: t,
              partition,
              offset: message.offset,
              attempt,
              transient,
              ...(transient ? {} : { attemptsLeft: maxAttempts - attempt }),
              retryingForMs: Date.now() - (failingSince.get(partition) ?? Date.now()),
              delayMs,
              err: errorText(error),
            },
            transient ? 'handler failed (infrastructure); retrying until it is back' : 'handler failed; retrying',
          );
          await keepAlive();
          await waitBeforeRetry(delayMs);
          if (stopping) throw error;
          if (lostGroup !== undefined) throw lostGroup;
        }
      }
    } finally {
      if (keepingAlive) clearInterval(keepingAlive);
      failingSince.delete(partition);
      noteRetrying();
    }
    await commit();
  };

  const contextOf = (t: string, partition: number, message: KafkaMessage, attempt: number): MessageContext => ({
    topic: t,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    headers: message.headers ?? {},
    attempt,
  });

  const handleBatch = options.handleBatch;
  const runOn = (consumer: Consumer) =>
    handleBatch
      ? consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
          eachBatch: async ({ batch, heartbeat, resolveOffset, isRunning, isStale }) => {
            const { topic: t, partition } = batch;
            if (batch.messages.length === 0) return;
            const last = batch.messages[batch.messages.length - 1]!;
            // Poison (unparseable) messages are parked first; the rest go through in one call.
            const good: { raw: KafkaMessage; value: T }[] = [];
            for (const message of batch.messages) {
              try {
                good.push({ raw: message, value: parse(message.value) });
              } catch (error) {
                await park(message, partition, error, 0);
              }
            }
            const keepingAlive = setInterval(() => void heartbeat().catch(() => undefined), heartbeatIntervalMs);
            let together = false;
            try {
              if (good.length > 0) await handleBatch(good.map((m) => ({ message: m.value, context: contextOf(t, partition, m.raw, 1) })));
              together = true;
            } catch (error) {
              if (stopping) throw error;
              logger.warn({ topic: t, partition, messages: good.length, err: errorText(error) }, 'batch failed; handling its messages one by one');
            } finally {
              clearInterval(keepingAlive);
            }
            if (together) {
              counters.handled += good.length;
              await consumer.commitOffsets([{ topic: t, partition, offset: (BigInt(last.offset) + 1n).toString() }]);
              resolveOffset(last.offset);
              return;
            }
            for (const m of good) {
              // A rebalance took the partition: the rest is the next owner's (offsets not committed).
              if (!isRunning() || isStale()) return;
              await handleOne(consumer, t, partition, m.raw, heartbeat, { value: m.value });
              resolveOffset(m.raw.offset);
            }
            // The parked tail (if the batch ended with poison) is done too.
            await consumer.commitOffsets([{ topic: t, partition, offset: (BigInt(last.offset) + 1n).toString() }]);
            resolveOffset(last.offset);
          },
        })
      : consumer.run({
          autoCommit: false,
          partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
          eachMessage: async ({ topic: t, partition, message, heartbeat }) => handleOne(consumer, t, partition, message, heartbeat),
        });

  // kafkajs restarts a crashed consumer only when it deems the error retriable; after any other
  // (a non-retriable error out of the handler path, a failed commit after an outage) the consumer
  // stays stopped while the process looks healthy: the starter once died for good after a
  // Temporal outage with /readyz still ready. The runner restarts it itself, with back-off, on a
  // new kafkajs consumer, and says it is down meanwhile (counters.running → consumersReady()).
  const restartDelayMs = options.restartDelayMs ?? 1_000;
  let restartTimer: NodeJS.Timeout | undefined;
  let current: Consumer;
  const start = async (): Promise<Consumer> => {
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      heartbeatInterval: heartbeatIntervalMs,
      ...(options.sessionTimeoutMs ? { sessionTimeout: options.sessionTimeoutMs } : {}),
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      counters.groupJoins++;
      logger.info({ groupId, topic, memberId: payload.memberId, isLeader: payload.isLeader, joins: counters.groupJoins }, 'consumer joined its group');
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      counters.crashes++;
      logger.error({ groupId, topic, restart: payload.restart, err: errorText(payload.error) }, 'consumer crashed');
      if (!payload.restart && !stopping && consumer === current) {
        counters.running = false;
        scheduleRestart(restartDelayMs);
      }
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
      await runOn(consumer);
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    return consumer;
  };
  const scheduleRestart = (delayMs: number) => {
    restartTimer = setTimeout(() => {
      void (async () => {
        if (stopping) return;
        try {
          await current.disconnect().catch(() => undefined);
          current = await start();
          counters.restarts++;
          counters.running = true;
          logger.warn({ groupId, topic, restarts: counters.restarts }, 'consumer restarted after a crash kafkajs does not recover from');
        } catch (error) {
          logger.error({ groupId, topic, err: errorText(error), retryInMs: Math.min(delayMs * 2, 30_000) }, 'consumer restart failed; trying again');
          scheduleRestart(Math.min(delayMs * 2, 30_000));
        }
      })();
    }, delayMs);
  };
  try {
    current = await start();
  } catch (error) {
    await deadLetters.disconnect().catch(() => undefined);
    throw error;
  }
  counters.running = true;

  return {
    get consumer() {
      return current;
    },
    counters,
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      await current.disconnect();
      await deadLetters.disconnect();
      forgetConsumerCounters(counters);
    },
  };
}

/** JSON parser for runConsumer that validates with a zod-like schema. */
export function jsonParser<S extends z.ZodType>(schema: S) {
  return (value: Buffer | null): z.infer<S> => {
    if (!value) throw new PoisonMessageError('empty message');
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch (error) {
      throw new PoisonMessageError('message is not valid JSON', { cause: error });
    }
    const result = schema.safeParse(json);
    if (!result.success) throw new PoisonMessageError(`message does not match its schema: ${result.error.message}`);
    return result.data;
  };
}

/** What every read-model projection is given: the bus, the database, where to read and where to park. */
export interface ProjectionOptions {
  kafka: Kafka;
  prisma: PrismaClient;
  logger: Logger;
  topic: string;
  deadLetterTopic: string;
  groupId: string;
  partitionsConsumedConcurrently?: number;
}

/**
 * A read-model projection of one of the contract's event topics: its schema parses each event,
 * `project` applies it in the database — idempotent by the event's id — and names what it did
 * ('applied', 'duplicate', …), logged at debug under `label`. Offsets are committed after the
 * database (runConsumer). `more` passes a batch handler through.
 */
export function runProjection<S extends z.ZodType<{ eventId: string; type: string }>>(
  options: ProjectionOptions,
  schema: S,
  label: string,
  project: (event: z.infer<S>) => Promise<string>,
  more: Pick<ConsumerRunnerOptions<z.infer<S>>, 'handleBatch'> = {},
): Promise<ConsumerRunner> {
  const { kafka, logger, topic, deadLetterTopic, groupId, partitionsConsumedConcurrently } = options;
  return runConsumer<z.infer<S>>({
    kafka,
    logger,
    topic,
    deadLetterTopic,
    groupId,
    partitionsConsumedConcurrently,
    parse: jsonParser(schema),
    handle: async (event) => {
      const outcome = await project(event);
      logger.debug({ eventId: event.eventId, type: event.type, outcome }, label);
    },
    ...more,
  });
}
