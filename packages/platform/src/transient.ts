// Which failures are the infrastructure's (retry for as long as they last, never dead-letter)
// rather than the message's. A placed order must never be parked because Temporal or PostgreSQL
// was down a while — and a deterministic error must never retry forever. So the list is narrow
// and made of codes, not words: an error is transient only when something in its cause chain
// carries one of these codes (or is one of the few driver errors that carry none). A message that
// merely *mentions* "timeout" or "connection" is not enough.

/** gRPC status codes (Temporal's client errors carry them, possibly as a cause). */
const TRANSIENT_GRPC_CODES = new Set([
  1, // CANCELLED: the connection dropped mid-call
  4, // DEADLINE_EXCEEDED: the server did not answer in time
  8, // RESOURCE_EXHAUSTED: rate limited
  14, // UNAVAILABLE: server down or restarting
]);

/** Node.js system errors of a socket that could not reach or lost its peer. */
const TRANSIENT_SYSTEM_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/**
 * Prisma: cannot reach / timed out / closed / pool timeout / transaction conflict or deadlock /
 * an interactive transaction that expired or could not start in time (P2028: it waited for a row
 * another transaction held — the projector's batch of the same order — or for a connection).
 */
const TRANSIENT_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 53300 too many connections, 57P01–57P03
 * (shutting down, crash, cannot connect now), 40001 serialization failure, 40P01 deadlock.
 */
const TRANSIENT_SQLSTATE = /^(08[0-9A-Z]{3}|53300|57P0[123]|40001|40P01)$/;

/** Prisma driver-adapter error kinds that mean the database was not there. */
const TRANSIENT_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TransactionWriteConflict']);

/** node-postgres errors without a code, raised when the server goes away mid-connection. */
const TRANSIENT_PG_MESSAGES = new Set(['Connection terminated unexpectedly', 'Connection terminated due to connection timeout', 'Connection terminated']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  kind?: unknown;
  retriable?: unknown;
  message?: unknown;
  cause?: unknown;
  originalCode?: unknown;
}

function isTransientOne(e: ErrorLike): boolean {
  if (typeof e.code === 'number' && TRANSIENT_GRPC_CODES.has(e.code)) return true;
  for (const code of [e.code, e.originalCode]) {
    if (typeof code !== 'string') continue;
    if (TRANSIENT_SYSTEM_CODES.has(code) || TRANSIENT_PRISMA_CODES.has(code) || TRANSIENT_SQLSTATE.test(code)) return true;
  }
  if (typeof e.kind === 'string' && TRANSIENT_ADAPTER_KINDS.has(e.kind)) return true;
  if (e.name === 'PrismaClientInitializationError') return true;
  // The Temporal dev server, flooded with starts, has answered "namespace not found" for its own
  // namespace for a moment (2026-11-30: the starter parked 5 orders of a benchmark on the
  // dead-letter topic so). A namespace that is really missing stops every start alike — the
  // consumer stalls and its lag shows it; the worker's start-up check names the cause.
  if (e.name === 'NamespaceNotFoundError') return true;
  // kafkajs marks its own retriable errors (e.g. a publish inside a handler while a broker moves).
  if (typeof e.name === 'string' && e.name.startsWith('KafkaJS') && e.retriable === true) return true;
  if (typeof e.message === 'string' && TRANSIENT_PG_MESSAGES.has(e.message)) return true;
  return false;
}

/**
 * Walks the cause chain: Temporal's ServiceError wraps the gRPC error, Prisma wraps the driver's
 * (with a driver adapter, as `meta.driverAdapterError` whose cause has a `kind` or a SQLSTATE).
 */
export function isTransient(error: unknown): boolean {
  const pending: unknown[] = [error];
  for (let seen = 0; pending.length > 0 && seen < 12; seen++) {
    const at = pending.shift();
    if (!at || typeof at !== 'object') continue;
    const e = at as ErrorLike & { meta?: { driverAdapterError?: unknown } };
    if (isTransientOne(e)) return true;
    pending.push(e.cause, e.meta?.driverAdapterError);
  }
  return false;
}
