import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { attachmentKey, LocalDiskStorage, QuotaExceededError } from '../src/storage';

/** A body that yields `chunks` of `size` bytes and counts how many were pulled. */
function body(chunks: number, size: number): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const stream = new Readable({
    read() {
      if (pulled === chunks) return void this.push(null);
      pulled++;
      this.push(Buffer.alloc(size, pulled));
    },
  });
  return { stream, pulled: () => pulled };
}

describe('LocalDiskStorage', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'storage-test-'));
  });

  test('streams in, commits under the order, reads back; size, hash and head are measured on the way', async () => {
    const storage = new LocalDiskStorage(dir);
    const received = await storage.receive(Readable.from([Buffer.from('hello '), Buffer.from('world')]), 1024);
    expect(received).toMatchObject({ size: 11, sha256: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9' });
    expect(received.head.toString()).toBe('hello world');
    await storage.commit(received.tempKey, 'c0ffee/1');
    expect(await readFile(path.join(dir, 'c0ffee/1'), 'utf8')).toBe('hello world');
    const stream = await storage.read('c0ffee/1');
    const chunks: Buffer[] = [];
    for await (const chunk of stream!) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello world');
    expect(await storage.read('c0ffee/2')).toBeNull();
  });

  test('a body over its limit stops at the limit, not after the whole body, and leaves nothing', async () => {
    const storage = new LocalDiskStorage(dir);
    const big = body(1000, 1024);
    await expect(storage.receive(big.stream, 10 * 1024)).rejects.toBeInstanceOf(QuotaExceededError);
    expect(big.pulled()).toBeLessThan(100);
  });

  test('the total quota counts what the store holds, and removal frees it', async () => {
    const storage = new LocalDiskStorage(dir, 3000);
    const first = await storage.receive(body(2, 1000).stream, 10_000);
    await storage.commit(first.tempKey, 'a/1');
    await expect(storage.receive(body(2, 1000).stream, 10_000)).rejects.toMatchObject({ quota: 'total' });
    await storage.remove('a');
    await expect(storage.receive(body(2, 1000).stream, 10_000)).resolves.toMatchObject({ size: 2000 });
  });

  test('keys cannot leave the store', async () => {
    const storage = new LocalDiskStorage(dir);
    await expect(storage.read('../etc/passwd')).rejects.toThrow(/not a storage key/);
    expect(attachmentKey('o1', 'o1-2')).toBe('o1/2');
    expect(attachmentKey('o1', 'o2-2')).toBeNull();
    expect(attachmentKey('o1', 'o1-../../x')).toBeNull();
  });
});
