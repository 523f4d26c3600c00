// Temporal connection factory and the start-up check that the search attributes the serviceOrder
// workflow upserts are registered (without them every upsert fails the workflow task).
import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { encryptingDataConverter } from './codec';

export interface TemporalSettings {
  address: string;
  namespace: string;
  /** Encrypts every payload (codec.ts); every client and worker of one namespace must share the keys. */
  codec: PayloadCodec;
}

export async function connectTemporal({ address, namespace, codec }: TemporalSettings): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({ address });
  return { connection, client: new Client({ connection, namespace, dataConverter: encryptingDataConverter(codec) }) };
}

/** Throws, naming each one, if a required custom search attribute is not registered. */
export async function assertSearchAttributes(connection: Connection, namespace: string, required: readonly string[]): Promise<void> {
  const response = await connection.operatorService.listSearchAttributes({ namespace });
  const registered = new Set(Object.keys(response.customAttributes ?? {}));
  const missing = required.filter((name) => !registered.has(name));
  if (missing.length > 0) {
    throw new Error(`Temporal namespace "${namespace}" lacks search attributes: ${missing.join(', ')} (see infra/local/env.sh)`);
  }
}
