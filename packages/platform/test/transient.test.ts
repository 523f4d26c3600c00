// The transient classification: codes of an unreachable infrastructure, never words in a message.
import { NamespaceNotFoundError } from '@temporalio/client';
import { isTransient } from '../src';

const withCode = (message: string, code: unknown, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { code, ...extra });

describe('isTransient', () => {
  it.each([
    ['gRPC UNAVAILABLE (Temporal down)', withCode('14 UNAVAILABLE: No connection established', 14)],
    ['gRPC DEADLINE_EXCEEDED wrapped by a ServiceError', new Error('Failed to start workflow', { cause: withCode('deadline', 4) })],
    ['a refused socket', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['Prisma cannot reach the server', withCode("Can't reach database server", 'P1001')],
    ['PostgreSQL shutting down (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['PostgreSQL connection failure (08006)', withCode('connection failure', '08006')],
    ['a serialization failure (40001)', withCode('could not serialize access', '40001')],
    ['an interactive transaction that expired waiting for a row lock (P2028)', withCode('Transaction API error: A query cannot be executed on an expired transaction.', 'P2028')],
    ['a driver adapter that could not reach the database', Object.assign(new Error('adapter'), { cause: { kind: 'DatabaseNotReachable' } })],
    [
      'Prisma raw query over adapter-pg with the server down (P2010)',
      Object.assign(new Error('Raw query failed'), { code: 'P2010', meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable' } } } }),
    ],
    ['Prisma over adapter-pg while the server shuts down (57P01)', Object.assign(new Error('x'), { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', code: '57P01' } } } })],
    ['node-postgres losing its server', new Error('Connection terminated unexpectedly')],
    ['the Temporal dev server under a flood of starts: "namespace not found"', new Error('Failed to start Workflow', { cause: new NamespaceNotFoundError('default') })],
    ['a retriable kafkajs error', Object.assign(new Error('leader moved'), { name: 'KafkaJSProtocolError', retriable: true })],
  ])('transient.check(%s)', (_, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each([
    ['a deterministic error that mentions a timeout', new Error('invalid deadline: timeout must be positive')],
    ['a message about a closed connection, without a code', new Error('the connection is closed for this order')],
    ['a unique violation (23505)', withCode('duplicate key value violates unique constraint', '23505')],
    ['an integrity violation in class 40 (40002)', withCode('transaction integrity constraint violation', '40002')],
    ['gRPC INVALID_ARGUMENT', withCode('3 INVALID_ARGUMENT', 3)],
    ['gRPC INTERNAL (a bug, not an outage)', withCode('13 INTERNAL', 13)],
    ['Prisma record not found', withCode('No record', 'P2025')],
    ['a raw query that failed for its own reasons (P2010, 42601)', Object.assign(new Error('x'), { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', code: '42601' } } } })],
    ['a non-retriable kafkajs error', Object.assign(new Error('bad'), { name: 'KafkaJSNonRetriableError', retriable: false })],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('deterministic.check(%s)', (_, error) => {
    expect(isTransient(error)).toBe(false);
  });
});
