// Attachments (scanned letters, photos, a unit's result photos): received as multipart and streamed to the attachment
// storage (packages/platform storage.ts) as they arrive, never buffered whole in memory; their
// type sniffed from the first bytes (never trusted from the client); per file, per order and
// total quotas enforced while streaming.
import { Readable } from 'node:stream';
import path from 'node:path';
import type { Attachment } from '@diandan/domain';
import { HttpError } from './http';
import { QuotaExceededError, type AttachmentStorage } from './storage';
import type { Request, RequestHandler } from 'express';
import { fromBuffer } from 'file-type';
import multer from 'multer';

/** What a resident or an operator may attach: pictures and PDF scans. */
export const ALLOWED_TYPES: ReadonlyMap<string, string> = new Map([
  ['image/jpeg', 'jpg'],
  ['image/png', 'png'],
  ['image/webp', 'webp'],
  ['image/gif', 'gif'],
  ['image/tiff', 'tif'],
  ['image/heic', 'heic'],
  ['application/pdf', 'pdf'],
]);

/** A file received into temporary storage, or (e-mail) one still in memory. */
export type UploadedFile = { fileName: string } & ({ tempKey: string; size: number; sha256: string; head: Buffer } | { buffer: Buffer });

export interface AttachmentLimits {
  /** Per file. */
  maxBytes: number;
  maxFiles: number;
  /** All files of one order together. */
  maxOrderBytes: number;
}

interface ReceivedFile {
  tempKey: string;
  size: number;
  sha256: string;
  head: Buffer;
}

/** multer's storage engine: each file streams into the attachment storage, within the order's quota. */
function streamingEngine(storage: AttachmentStorage, limits: AttachmentLimits): multer.StorageEngine {
  const usedBy = new WeakMap<Request, number>();
  return {
    _handleFile(req, file, done) {
      const used = usedBy.get(req) ?? 0;
      const room = limits.maxOrderBytes - used;
      const max = Math.min(limits.maxBytes, room);
      storage.receive(file.stream, max).then(
        (received) => {
          usedBy.set(req, used + received.size);
          done(null, received as Partial<Express.Multer.File>);
        },
        (error: unknown) => {
          // Drain what is left of this file so that multer can finish the request.
          file.stream.resume();
          if (error instanceof QuotaExceededError && max < limits.maxBytes && error.quota === 'file') done(new QuotaExceededError('order', limits.maxOrderBytes));
          else done(error as Error);
        },
      );
    },
    _removeFile(_req, file, done) {
      const tempKey = (file as unknown as ReceivedFile).tempKey;
      storage.remove(tempKey).then(() => done(null), done);
    },
  };
}

/**
 * multer with limits, streaming to storage; its errors (too large, quota, malformed MIME) become
 * 400/413/507 in the platform's error shape instead of escaping as 500s.
 */
export function multipart(fileField: string, limits: AttachmentLimits, storage: AttachmentStorage): RequestHandler {
  const upload = multer({
    storage: streamingEngine(storage, limits),
    // File names are UTF-8 (井盖.png); busboy's default reads them as Latin-1.
    defParamCharset: 'utf8',
    limits: { fileSize: limits.maxBytes, files: limits.maxFiles, fields: 50, fieldSize: 64 * 1024, parts: 60, headerPairs: 200 },
  }).array(fileField, limits.maxFiles);
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) {
      next();
      return;
    }
    upload(req, res, (err: unknown) => {
      if (!err) {
        next();
        return;
      }
      const code = (err as { code?: string }).code;
      if (err instanceof QuotaExceededError && err.quota === 'total') next(new HttpError(507, 'insufficient_storage', 'attachments cannot be stored right now; send the order without them or try later'));
      else if (err instanceof QuotaExceededError && err.quota === 'order')
        next(new HttpError(413, 'payload_too_large', `${fileField}: all files of an order together may have at most ${limits.maxOrderBytes} bytes`));
      else if (code === 'LIMIT_FILE_SIZE' || err instanceof QuotaExceededError) next(new HttpError(413, 'payload_too_large', `${fileField}: a file is larger than ${limits.maxBytes} bytes`));
      else if (code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE')
        next(new HttpError(400, 'invalid_request', `${fileField}: at most ${limits.maxFiles} files, in the field "${fileField}"`));
      else next(new HttpError(400, 'bad_request', `multipart body: ${err instanceof Error ? err.message : 'malformed'}`));
    });
  };
}

export function uploadedFiles(req: object): UploadedFile[] {
  const files = Array.isArray((req as { files?: unknown }).files) ? ((req as { files: unknown }).files as (Express.Multer.File & ReceivedFile)[]) : [];
  return files.map((f) => ({ fileName: f.originalname, tempKey: f.tempKey, size: f.size, sha256: f.sha256, head: f.head }));
}

const safeFileName = (name: string): string => {
  const cleaned = path.basename(name).replace(/[^\p{L}\p{N}._ -]/gu, '_').trim().slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'attachment' : cleaned;
};

export class AttachmentStore {
  constructor(
    private readonly storage: AttachmentStorage,
    private readonly limits: Omit<AttachmentLimits, 'maxFiles'>,
  ) {}

  /** The multipart middleware of a form whose files arrive in `field`. */
  upload(field: string, maxFiles: number): RequestHandler {
    return multipart(field, { ...this.limits, maxFiles }, this.storage);
  }

  /** Puts in-memory files (e-mail) through the same storage and quota as uploads. */
  private async received(file: UploadedFile): Promise<ReceivedFile & { fileName: string }> {
    if (!('buffer' in file)) return file;
    return { fileName: file.fileName, ...(await this.storage.receive(Readable.from([file.buffer]), this.limits.maxBytes)) };
  }

  /**
   * Sniffs every file first, then commits them all under `<orderId>/<n>`. A refused type is a
   * 415 (nothing kept), or with `skipRefused` (e-mail, where signatures and calendars ride
   * along) is left out.
   */
  async store(orderId: string, files: readonly UploadedFile[], field = 'files', skipRefused = false): Promise<Attachment[]> {
    const received = await Promise.all(files.map((file) => this.received(file)));
    const sniffed = await Promise.all(
      received.map(async (file, index) => {
        const type = file.size > 0 ? await fromBuffer(file.head) : undefined;
        const ext = type ? ALLOWED_TYPES.get(type.mime) : undefined;
        return { file, index, mime: type?.mime, ok: ext !== undefined };
      }),
    );
    const refused = sniffed.find((s) => !s.ok);
    if (refused && !skipRefused) {
      await Promise.all(received.map((f) => this.storage.remove(f.tempKey)));
      throw new HttpError(415, 'unsupported_media_type', `${field}[${refused.index}]: only ${[...ALLOWED_TYPES.keys()].join(', ')} are accepted`, {
        fields: [{ field: `${field}.${refused.index}`, message: refused.mime ? `${refused.mime} is not accepted` : 'unrecognised file type' }],
      });
    }
    const kept: Attachment[] = [];
    for (const { file, index, mime, ok } of sniffed) {
      if (!ok || !mime) {
        await this.storage.remove(file.tempKey);
        continue;
      }
      // Deterministic names: a retried request (same Idempotency-Key) replaces the same objects.
      const n = index + 1;
      await this.storage.commit(file.tempKey, `${orderId}/${n}`);
      kept.push({ id: `${orderId}-${n}`, fileName: safeFileName(file.fileName), contentType: mime, size: file.size, sha256: file.sha256 });
    }
    return kept;
  }

  /**
   * A unit's result photos: sniffed like a resident's, then kept under a name derived from their
   * bytes (`<orderId>/r<16 hex of sha256>`), so a retried request stores nothing twice, two
   * uploads never overwrite each other and a refused resolve leaves nothing to clean up that a
   * later one could be using. A refused type is a 415 and nothing is kept.
   */
  async storeResult(orderId: string, files: readonly UploadedFile[], field = 'files'): Promise<Attachment[]> {
    const received = await Promise.all(files.map((file) => this.received(file)));
    const kept: Attachment[] = [];
    for (const [index, file] of received.entries()) {
      const type = file.size > 0 ? await fromBuffer(file.head) : undefined;
      if (!type || !ALLOWED_TYPES.has(type.mime)) {
        await Promise.all(received.map((f) => this.storage.remove(f.tempKey)));
        throw new HttpError(415, 'unsupported_media_type', `${field}[${index}]: only ${[...ALLOWED_TYPES.keys()].join(', ')} are accepted`, {
          fields: [{ field: `${field}.${index}`, message: type ? `${type.mime} is not accepted` : 'unrecognised file type' }],
        });
      }
    }
    for (const file of received) {
      const name = `r${file.sha256.slice(0, 16)}`;
      await this.storage.commit(file.tempKey, `${orderId}/${name}`);
      const mime = (await fromBuffer(file.head))!.mime;
      kept.push({ id: `${orderId}-${name}`, fileName: safeFileName(file.fileName), contentType: mime, size: file.size, sha256: file.sha256 });
    }
    return kept;
  }

  /** Removes what was stored for an order that could not be placed: nothing half-written. */
  async discard(orderId: string): Promise<void> {
    await this.storage.remove(orderId);
  }
}
