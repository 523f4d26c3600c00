// Attachment storage behind an interface: local disk by default (ATTACHMENTS_DIR, one directory
// per order), anything with the same four operations later (an object store). Bytes are streamed
// in and out, never held whole in memory; quotas are enforced while streaming, so an upload over
// its limit stops at the limit instead of after it.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StoredObject {
  size: number;
  /** Hex sha256 of the bytes. */
  sha256: string;
  /** The first bytes (up to 4100): enough to sniff the file type from its content. */
  head: Buffer;
}

export class QuotaExceededError extends Error {
  override readonly name = 'QuotaExceededError';
  constructor(
    readonly quota: 'file' | 'order' | 'total',
    readonly limit: number,
  ) {
    super(`${quota} quota of ${limit} bytes exceeded`);
  }
}

export interface AttachmentStorage {
  /** Streams `body` into a temporary object; throws QuotaExceededError past `maxBytes` (nothing is kept then). */
  receive(body: Readable, maxBytes: number): Promise<{ tempKey: string } & StoredObject>;
  /** Moves a received object to its final key (`<orderId>/<name>`); idempotent for a retried request. */
  commit(tempKey: string, key: string): Promise<void>;
  /** Removes a temporary object or every object under a prefix. */
  remove(keyOrPrefix: string): Promise<void>;
  /** The bytes of an object, or null when there is none. */
  read(key: string): Promise<Readable | null>;
}

const HEAD_BYTES = 4100;
const SAFE_KEY = /^[\w-]+(\/[\w.-]+)?$/;

/** Local disk: `<dir>/<orderId>/<name>`, temporary objects under `<dir>/.incoming/`. */
export class LocalDiskStorage implements AttachmentStorage {
  private used: number | undefined;

  /** `totalBytes`: the most the whole store may hold (0: unlimited). */
  constructor(
    private readonly dir: string,
    private readonly totalBytes = 0,
  ) {}

  private pathOf(key: string): string {
    if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`not a storage key: ${key}`);
    return path.join(this.dir, key);
  }

  private async usedBytes(): Promise<number> {
    if (this.used === undefined) this.used = await sizeOf(this.dir);
    return this.used;
  }

  async receive(body: Readable, maxBytes: number): Promise<{ tempKey: string } & StoredObject> {
    const limit = this.totalBytes > 0 ? Math.min(maxBytes, Math.max(0, this.totalBytes - (await this.usedBytes()))) : maxBytes;
    const quota = limit < maxBytes ? 'total' : 'file';
    const tempKey = `.incoming/${randomUUID()}`;
    const file = path.join(this.dir, tempKey);
    await mkdir(path.dirname(file), { recursive: true });
    const hash = createHash('sha256');
    const heads: Buffer[] = [];
    let size = 0;
    let headSize = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > limit) return done(new QuotaExceededError(quota, limit));
        hash.update(chunk);
        if (headSize < HEAD_BYTES) {
          heads.push(chunk.subarray(0, HEAD_BYTES - headSize));
          headSize += Math.min(chunk.length, HEAD_BYTES - headSize);
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(file));
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
    if (this.used !== undefined) this.used += size;
    return { tempKey, size, sha256: hash.digest('hex'), head: Buffer.concat(heads) };
  }

  async commit(tempKey: string, key: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(path.join(this.dir, tempKey), target);
  }

  async remove(keyOrPrefix: string): Promise<void> {
    const target = keyOrPrefix.startsWith('.incoming/') ? path.join(this.dir, keyOrPrefix) : this.pathOf(keyOrPrefix);
    const before = await sizeOf(target);
    await rm(target, { recursive: true, force: true });
    if (this.used !== undefined) this.used = Math.max(0, this.used - before);
  }

  async read(key: string): Promise<Readable | null> {
    const file = this.pathOf(key);
    try {
      if (!(await stat(file)).isFile()) return null;
    } catch {
      return null;
    }
    return createReadStream(file);
  }
}

async function sizeOf(target: string): Promise<number> {
  try {
    const info = await stat(target);
    if (!info.isDirectory()) return info.size;
    const entries = await readdir(target);
    let total = 0;
    for (const entry of entries) total += await sizeOf(path.join(target, entry));
    return total;
  } catch {
    return 0;
  }
}

/** The storage key of an attachment: `<orderId>/<n>` for the id `<orderId>-<n>`. */
export function attachmentKey(orderId: string, attachmentId: string): string | null {
  if (!attachmentId.startsWith(`${orderId}-`)) return null;
  const n = attachmentId.slice(orderId.length + 1);
  // A resident's files are numbered (1, 2, …); a unit's result photos are named by their bytes.
  return /^\d{1,3}$/.test(n) || /^r[0-9a-f]{16}$/.test(n) ? `${orderId}/${n}` : null;
}
