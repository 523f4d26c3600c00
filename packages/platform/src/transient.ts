// Which failures are the infrastructure's (retry without limit, never dead-letter) rather than the
// message's. A placed order must never be parked because Temporal or PostgreSQL was down a while.

const TRANSIENT_GRPC_CODES = new Set([
  1, // CANCELLED (connection dropped mid-call)
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED
  13, // INTERNAL (server restarting)
  14, // UNAVAILABLE
]);

const TRANSIENT_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);

const TRANSIENT_NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|Connection terminated|connection (is )?closed|timeout|Server has closed|deadlock detected|could not serialize/i;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** Walks the cause chain: Temporal's ServiceError wraps the gRPC error, Prisma wraps the driver's. */
export function isTransient(error: unknown): boolean {
  for (let at: unknown = error, depth = 0; at && depth < 6; at = (at as ErrorLike).cause, depth++) {
    const e = at as ErrorLike;
    if (typeof e.code === 'number' && TRANSIENT_GRPC_CODES.has(e.code)) return true;
    if (typeof e.code === 'string' && (TRANSIENT_PRISMA_CODES.has(e.code) || /^(08|40|53|57P)/.test(e.code))) return true;
    if (e.name === 'PrismaClientInitializationError') return true;
    if (typeof e.message === 'string' && TRANSIENT_NETWORK.test(e.message)) return true;
  }
  return false;
}
