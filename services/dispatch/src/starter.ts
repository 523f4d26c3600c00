// The starter: orders.placed → one serviceOrder workflow per order. The workflow id is derived from
// the order id, so a redelivered message (or a second starter instance after a rebalance) meets
// the running workflow and is a no-op; runConsumer commits the offset only once the start
// succeeded. Temporal being away is transient: retried without limit, never dead-lettered.
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Kafka } from 'kafkajs';
import { orderPlacedSchema, workflowIdFor, type OrderPlaced } from '@diandan/domain';
import { jsonParser, runConsumer, type ConsumerRunner, type Logger } from '@diandan/platform';
import { SERVICE_ORDER_WORKFLOW, type ServiceOrderInput } from '@diandan/workflows';
import { isTransient } from '@diandan/platform';

/**
 * What the workflow gets: only what it decides on. The resident's text, address, coordinates,
 * attachments and contact stay out of its history for good; the intake projection
 * (./intakeProjection) takes them from orders.placed to the read model.
 */
export function serviceOrderInput(placed: OrderPlaced): ServiceOrderInput {
  return {
    orderId: placed.orderId,
    trackingCode: placed.trackingCode,
    channel: placed.channel,
    ...(placed.categoryCode === undefined ? {} : { categoryCode: placed.categoryCode }),
    priority: placed.priority,
    placedAt: placed.placedAt,
  };
}

/** `running`: started now, or already running (USE_EXISTING does not say which). */
export type StartOutcome = 'running' | 'already_finished';

export async function startServiceOrder(client: Client, taskQueue: string, placed: OrderPlaced): Promise<StartOutcome> {
  try {
    await client.workflow.start(SERVICE_ORDER_WORKFLOW, {
      workflowId: workflowIdFor(placed.orderId),
      taskQueue,
      args: [serviceOrderInput(placed)],
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
}

export function startStarter(options: StarterOptions): Promise<ConsumerRunner> {
  const { client, taskQueue, logger } = options;
  return runConsumer<OrderPlaced>({
    kafka: options.kafka,
    groupId: options.groupId,
    topic: options.topic,
    deadLetterTopic: options.deadLetterTopic,
    parse: jsonParser(orderPlacedSchema),
    handle: async (placed) => {
      const outcome = await startServiceOrder(client, taskQueue, placed);
      logger.info({ orderId: placed.orderId, outcome }, 'serviceOrder workflow start');
    },
    isTransient,
    logger,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 6,
  });
}
