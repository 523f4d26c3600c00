// The starter: orders.placed → one serviceOrder workflow per order. The workflow id is derived from
// the order id, so a redelivered message (or a second starter instance after a rebalance) meets
// the running workflow and is a no-op; runConsumer commits the offset only once the start
// succeeded. Temporal being away is transient: retried without limit, never dead-lettered.
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Kafka } from 'kafkajs';
import { orderPlacedSchema, workflowIdFor, type OrderPlaced } from '@diandan/domain';
import { jsonParser, runConsumer, type ConsumerRunner, type Logger } from '@diandan/platform';
import { searchAttributesAtStart, SERVICE_ORDER_WORKFLOW, type Activities, type ServiceOrderInput, type TriageClock } from '@diandan/workflows';
import { isTransient } from '@diandan/platform';

/**
 * What the workflow gets: only what it decides on. The resident's text, address, coordinates,
 * attachments and contact stay out of its history for good; the intake projection
 * (./intakeProjection) takes them from orders.placed to the read model.
 */
export function serviceOrderInput(placed: OrderPlaced, triage?: TriageClock): ServiceOrderInput {
  return {
    orderId: placed.orderId,
    trackingCode: placed.trackingCode,
    channel: placed.channel,
    ...(placed.categoryCode === undefined ? {} : { categoryCode: placed.categoryCode }),
    priority: placed.priority,
    placedAt: placed.placedAt,
    ...(triage ? { triage } : {}),
  };
}

/** The deadline half of the workflow's activities (`createDeadlineCalculator`). */
export type TriageDeadlines = Pick<Activities, 'computeDeadline'>;

/** The triage clock from `placedAt`, as computeDeadline answers it; undefined when it cannot be had now. */
export async function triageClock(deadlines: TriageDeadlines, placed: OrderPlaced, logger?: Logger): Promise<TriageClock | undefined> {
  try {
    const due = await deadlines.computeDeadline({
      ...(placed.categoryCode === undefined ? {} : { categoryCode: placed.categoryCode }),
      priority: placed.priority,
      level: null,
      stage: 'triage',
      from: placed.placedAt,
    });
    return { dueAt: due.dueAt, warnAt: due.warnAt, referenceVersion: due.referenceVersion, ...(due.unscheduledYears ? { unscheduledYears: due.unscheduledYears } : {}) };
  } catch (error) {
    // Not a reason to hold the order: its workflow computes the clock itself (and upserts it).
    logger?.warn({ orderId: placed.orderId, err: String(error) }, 'triage deadline not computed at start; the workflow will');
    return undefined;
  }
}

/** `running`: started now, or already running (USE_EXISTING does not say which). */
export type StartOutcome = 'running' | 'already_finished';

export interface StartOptions {
  /** Set the search attributes at start (default true; false: the workflow upserts them, as before). */
  attributesAtStart?: boolean;
  /** The triage clock to hand the workflow (and to set as OrderDeadline). */
  triage?: TriageClock;
}

export async function startServiceOrder(client: Client, taskQueue: string, placed: OrderPlaced, options: StartOptions = {}): Promise<StartOutcome> {
  const atStart = options.attributesAtStart ?? true;
  const input = serviceOrderInput(placed, atStart ? options.triage : undefined);
  try {
    await client.workflow.start(SERVICE_ORDER_WORKFLOW, {
      workflowId: workflowIdFor(placed.orderId),
      taskQueue,
      args: [input],
      ...(atStart ? { typedSearchAttributes: searchAttributesAtStart(input) } : {}),
      // Running: return the existing run. Finished (closed, withdrawn…): never a second lifecycle.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return 'running';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'already_finished';
    throw error;
  }
}

export interface StarterOptions {
  kafka: Kafka;
  client: Client;
  taskQueue: string;
  logger: Logger;
  topic: string;
  deadLetterTopic: string;
  groupId: string;
  partitionsConsumedConcurrently?: number;
  /** Computes the triage clock before the start (the worker's own deadline rules); without it the workflow does. */
  deadlines?: TriageDeadlines;
  /** Search attributes at start (default true); false only for the benchmark's before/after. */
  attributesAtStart?: boolean;
  /** The orders of one fetch start concurrently (default true); false: one after another, as before. */
  concurrentStarts?: boolean;
}

export function startStarter(options: StarterOptions): Promise<ConsumerRunner> {
  const { client, taskQueue, logger } = options;
  const attributesAtStart = options.attributesAtStart ?? true;
  const start = async (placed: OrderPlaced): Promise<void> => {
    const triage = attributesAtStart && options.deadlines ? await triageClock(options.deadlines, placed, logger) : undefined;
    const outcome = await startServiceOrder(client, taskQueue, placed, { attributesAtStart, ...(triage ? { triage } : {}) });
    logger.info({ orderId: placed.orderId, outcome }, 'serviceOrder workflow start');
  };
  return runConsumer<OrderPlaced>({
    kafka: options.kafka,
    groupId: options.groupId,
    topic: options.topic,
    deadLetterTopic: options.deadLetterTopic,
    parse: jsonParser(orderPlacedSchema),
    handle: start,
    // The orders of one fetch start side by side (each start is idempotent and independent of the
    // others; one order's events keep their order on orders.lifecycle because each order has one
    // workflow): a partition is no longer one start round trip at a time. Any failure: the runner
    // goes through the batch again one by one, and the orders already started meet their running workflow.
    ...(options.concurrentStarts === false ? {} : { handleBatch: async (messages) => void (await Promise.all(messages.map((m) => start(m.message)))) }),
    isTransient,
    logger,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 6,
  });
}
