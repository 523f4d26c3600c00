// The public reference of an order: what the board and Open311 call it. A one-way digest of the
// order id, so that knowing it unlocks nothing — not the id, hence not the secret derived from the
// id, not tracking, not rating. The read model stores it as a generated column computed by the
// same formula (migration 20261130044500); a test compares the two.
import { createHash } from 'node:crypto';

const PREFIX = Buffer.from('diandan-public-ref:', 'utf8');

export const PUBLIC_REF = /^[0-9a-f]{20}$/;

export function publicReferenceOf(orderId: string): string {
  const idBytes = Buffer.from(orderId.replace(/-/g, ''), 'hex');
  return createHash('sha256').update(Buffer.concat([PREFIX, idBytes])).digest('hex').slice(0, 20);
}
