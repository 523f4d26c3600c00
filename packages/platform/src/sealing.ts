// Sealed values: AES-256-GCM with the key's id in the ciphertext, so keys rotate without a flag
// day. `v1.<keyId>.<iv>.<ciphertext‖tag>` (base64url). The first key of the list seals; every key
// of the list opens. Used for residents' contact details on orders.placed (and so on its
// dead-letter topic): only services/intake (seals) and services/feedback (opens) hold the keys.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

export interface SealingKey {
  id: string;
  key: Buffer;
}

const TAG_BYTES = 16;

/** `id:base64key[,id:base64key…]`, each key 32 random bytes (`openssl rand -base64 32`). */
export const sealingKeysSchema = z
  .string()
  .regex(/^[\w-]{1,32}:[A-Za-z0-9+/]{43}=(,[\w-]{1,32}:[A-Za-z0-9+/]{43}=)*$/, 'id:base64 of 32 bytes, comma-separated (openssl rand -base64 32)')
  .transform((value): SealingKey[] =>
    value.split(',').map((entry) => {
      const [id, key] = entry.split(':') as [string, string];
      return { id, key: Buffer.from(key, 'base64') };
    }),
  );

export class SealingError extends Error {
  override readonly name = 'SealingError';
}

export class Sealer {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly SealingKey[]) {
    if (keys.length === 0) throw new SealingError('at least one sealing key is needed');
    for (const k of keys) if (k.key.length !== 32) throw new SealingError(`sealing key ${k.id} is not 32 bytes`);
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  seal(plain: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    // The key id is authenticated too: a ciphertext cannot be moved under another key's name.
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return ['v1', id, iv.toString('base64url'), data.toString('base64url')].join('.');
  }

  /** Throws SealingError for a malformed value, an unknown key id or a failed authentication. */
  open(sealed: string): string {
    const [version, id, iv, data] = sealed.split('.');
    if (version !== 'v1' || !id || !iv || !data) throw new SealingError('not a sealed value');
    const key = this.byId.get(id);
    if (!key) throw new SealingError(`sealed with unknown key id ${id}`);
    const bytes = Buffer.from(data, 'base64url');
    if (bytes.length < TAG_BYTES) throw new SealingError('sealed value is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(id, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealingError(`sealed value does not authenticate under key ${id}`);
    }
  }
}
