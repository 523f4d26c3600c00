// The Order row both projections write: the intake projection (orders.placed: what the resident
// sent) and the lifecycle projector (orders.lifecycle: what happened since). Either may come
// first, so whichever does creates the row; the other fills in its part.
import type { Prisma } from '@prisma/client';

/** Tracking code of a row created by a lifecycle event before the order's intake facts arrived. */
export const PROVISIONAL_TRACKING_PREFIX = 'pending:';

export async function ensureOrderRow(tx: Prisma.TransactionClient, orderId: string, status: string, at: Date): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "Order" (id, "trackingCode", channel, status, content, "placedAt", "lastSeq", "updatedAt")
    VALUES (${orderId}::uuid, ${PROVISIONAL_TRACKING_PREFIX + orderId}, 'unknown', ${status}, '', ${at}, 0, now())
    ON CONFLICT (id) DO NOTHING`;
}
