// Idempotency without a store: an order's id, tracking code and secret are derived with HMAC
// under the server key from what identifies the resident's act (an Idempotency-Key, a WeChat
// MsgId, a hotline call id, an e-mail Message-ID). A retry — even after a restart — gets the same
// answer, and a second publish of the same event is harmless: downstream dedupes by order id.
import { createHmac, randomUUID } from 'node:crypto';
import { generateTrackingCode } from '@diandan/domain';
import { hashSecret } from '@diandan/platform';

export interface OrderIdentity {
  orderId: string;
  trackingCode: string;
  /** Shown to the resident once; only its hash travels and is stored. */
  secret: string;
  secretHash: string;
}

const hmac = (key: string, ...parts: string[]): Buffer => {
  const mac = createHmac('sha256', key);
  // NUL-separated so that ("a", "bc") and ("ab", "c") never collide.
  mac.update(parts.join('\0'));
  return mac.digest();
};

/** UUID layout with version 5 and the RFC 4122 variant, from the first 16 bytes of a digest. */
function uuidFrom(digest: Buffer): string {
  const b = Buffer.from(digest.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Hashing and constant-time matching of secrets live in packages/platform's auth module. */
export { hashSecret, secretMatches } from '@diandan/platform';

export class OrderIdentities {
  constructor(private readonly key: string) {}

  /**
   * `source` names the idempotency source and its scope, e.g. ['api', key] or
   * ['wechat', openid, msgId]; without one every call is a new order.
   */
  identify(source?: readonly string[]): OrderIdentity {
    const orderId = source ? uuidFrom(hmac(this.key, 'order-id', ...source)) : randomUUID();
    return this.forOrder(orderId);
  }

  forOrder(orderId: string): OrderIdentity {
    const trackingBytes = hmac(this.key, 'tracking-code', orderId);
    const trackingCode = generateTrackingCode((n) => trackingBytes.subarray(0, n));
    const secret = hmac(this.key, 'secret', orderId).subarray(0, 18).toString('base64url');
    return { orderId, trackingCode, secret, secretHash: hashSecret(secret) };
  }

  /** Deterministic bytes for other answers that must repeat exactly (e.g. WeChat's encrypted reply). */
  bytes(length: number, ...parts: string[]): Buffer {
    return hmac(this.key, 'bytes', ...parts).subarray(0, length);
  }
}
