// Temporal payload codec: every payload a client or worker sends to Temporal (workflow inputs and
// results, update and query arguments, activity inputs, memos — search attributes are never
// encoded and stay non-personal) is encrypted with AES-256-GCM before it leaves the process, so a
// workflow history holds no resident text in clear. Keys come from TEMPORAL_CODEC_KEYS
// (`id:base64-of-32-bytes`, comma-separated, the first one encrypts); each encrypted payload names
// its key id in its metadata, so a rotation adds a new first key and keeps the old ones for
// decoding until the histories encrypted with them are gone.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const CIPHER = 'encryption-cipher';
const AES_256_GCM = 'AES256GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

export interface CodecKey {
  id: string;
  key: Buffer;
}

/** `id:base64,id:base64` → keys, the first one current. Throws naming what is wrong (never the key). */
export function parseCodecKeys(value: string): CodecKey[] {
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('no key: expected id:base64key[,id:base64key…]');
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new Error(`key ${i + 1}: expected id:base64key with an id of letters, digits, . _ -`);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== 32) throw new Error(`key "${id}": must be 32 bytes in base64 (e.g. openssl rand -base64 32), got ${key.length}`);
    return { id, key };
  });
  const ids = keys.map((k) => k.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw new Error(`key id "${repeated}" appears twice`);
  return keys;
}

export class UnknownCodecKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`payload encrypted with key "${keyId}", which is not among TEMPORAL_CODEC_KEYS`);
    this.name = 'UnknownCodecKeyError';
  }
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly current: CodecKey;
  private readonly byId: Map<string, Buffer>;

  constructor(keys: CodecKey[]) {
    if (keys.length === 0) throw new Error('AesGcmPayloadCodec needs at least one key');
    this.current = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  static fromConfig(value: string): AesGcmPayloadCodec {
    return new AesGcmPayloadCodec(parseCodecKeys(value));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID]: utf8(this.current.id), [CIPHER]: utf8(AES_256_GCM) },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // Payloads written before the codec was installed (or by a client without it) pass as they are.
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID]) ?? '';
      const key = this.byId.get(keyId);
      if (!key) throw new UnknownCodecKeyError(keyId);
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted payload too short');
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}

/** The `dataConverter` option of a Client or Worker that encrypts with this codec. */
export const encryptingDataConverter = (codec: PayloadCodec) => ({ payloadCodecs: [codec] });
