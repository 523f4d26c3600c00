// The intake projection: orders.placed → the read model's intake facts (the resident's text,
// address, coordinates, attachments' metadata, the secret's hash). They come straight from what
// intake accepted, not through the workflow: the workflow's input carries only what it decides on,
// so resident text never sits in a Temporal history, and nothing intake accepted can be lost on
// the way (docs/architecture.md, "Two projections"). Idempotent: the same facts written again
// change nothing; runConsumer commits the offset after the database commit.
import { orderPlacedSchema, type OrderPlaced } from '@diandan/domain';
import { isTransient, jsonParser, runConsumer, type ConsumerRunner, type Logger, type PrismaClient, type ProjectionOptions } from '@diandan/platform';
import { ensureOrderRow } from './orderRow';

export async function projectPlaced(prisma: PrismaClient, placed: OrderPlaced, logger?: Logger): Promise<void> {
  const placedAt = new Date(placed.placedAt);
  await prisma.$transaction(async (tx) => {
    await ensureOrderRow(tx, placed.orderId, 'placed', placedAt);
    // Reference data may lag intake's: an unknown category is left to the workflow's event.
    const category =
      placed.categoryCode === undefined ? null : await tx.category.findUnique({ where: { code: placed.categoryCode }, select: { code: true } });
    if (placed.categoryCode !== undefined && !category) logger?.warn({ categoryCode: placed.categoryCode }, 'intake projection: unknown category');
    const location = placed.location ?? {};
    await tx.order.update({
      where: { id: placed.orderId },
      data: {
        trackingCode: placed.trackingCode,
        secretHash: placed.secretHash,
        channel: placed.channel,
        content: placed.content,
        priority: placed.priority,
        placedAt,
        ...(category ? { categoryCode: category.code } : {}),
        ...(location.address === undefined ? {} : { address: location.address }),
        ...(location.lat === undefined ? {} : { lat: location.lat }),
        ...(location.lng === undefined ? {} : { lng: location.lng }),
      },
    });
    if (placed.attachments.length > 0) {
      await tx.orderAttachment.createMany({
        data: placed.attachments.map((a) => ({
          id: a.id,
          orderId: placed.orderId,
          fileName: a.fileName,
          contentType: a.contentType,
          size: a.size,
          sha256: a.sha256 ?? null,
          createdAt: placedAt,
        })),
        skipDuplicates: true,
      });
    }
  },
  // The row may be locked by the lifecycle projector's batch of the same order (one transaction
  // per fetched batch): wait for it rather than fail after Prisma's default 5 s.
  { timeout: 60_000, maxWait: 30_000 });
}

export function startIntakeProjection(options: ProjectionOptions): Promise<ConsumerRunner> {
  const { prisma, logger } = options;
  return runConsumer<OrderPlaced>({
    kafka: options.kafka,
    groupId: options.groupId,
    topic: options.topic,
    deadLetterTopic: options.deadLetterTopic,
    parse: jsonParser(orderPlacedSchema),
    handle: async (placed) => {
      await projectPlaced(prisma, placed, logger);
      logger.debug({ orderId: placed.orderId }, 'intake facts projected');
    },
    isTransient,
    logger,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
  });
}
