// Attachments (scanned letters, photos): received as multipart, their type sniffed from the bytes
// (never trusted from the client), size-limited, stored on disk under the order's id.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Attachment } from '@diandan/domain';
import { HttpError } from '@diandan/platform';
import type { RequestHandler } from 'express';
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

export interface UploadedFile {
  fileName: string;
  buffer: Buffer;
}

export interface AttachmentLimits {
  maxBytes: number;
  maxFiles: number;
}

/**
 * multer with limits, whose errors (too large, malformed MIME) become 400/413 in the platform's
 * error shape instead of escaping as 500s.
 */
export function multipart(fileField: string, limits: AttachmentLimits): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
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
      if (code === 'LIMIT_FILE_SIZE') next(new HttpError(413, 'payload_too_large', `${fileField}: a file is larger than ${limits.maxBytes} bytes`));
      else if (code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE')
        next(new HttpError(400, 'invalid_request', `${fileField}: at most ${limits.maxFiles} files, in the field "${fileField}"`));
      else next(new HttpError(400, 'bad_request', `multipart body: ${err instanceof Error ? err.message : 'malformed'}`));
    });
  };
}

export function uploadedFiles(req: { files?: unknown }): UploadedFile[] {
  const files = Array.isArray(req.files) ? (req.files as Express.Multer.File[]) : [];
  return files.map((f) => ({ fileName: f.originalname, buffer: f.buffer }));
}

const safeFileName = (name: string): string => {
  const cleaned = path.basename(name).replace(/[^\p{L}\p{N}._ -]/gu, '_').trim().slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'attachment' : cleaned;
};

export class AttachmentStore {
  constructor(private readonly dir: string) {}

  /**
   * Sniffs every file first, then writes them all. A refused type is a 415 (nothing written), or
   * with `skipRefused` (e-mail, where signatures and calendars ride along) is left out.
   */
  async store(orderId: string, files: readonly UploadedFile[], field = 'files', skipRefused = false): Promise<Attachment[]> {
    const all = await Promise.all(
      files.map(async (file, index) => {
        const type = file.buffer.length > 0 ? await fromBuffer(file.buffer) : undefined;
        const ext = type ? ALLOWED_TYPES.get(type.mime) : undefined;
        if (!type || !ext) {
          if (skipRefused) return undefined;
          throw new HttpError(415, 'unsupported_media_type', `${field}[${index}]: only ${[...ALLOWED_TYPES.keys()].join(', ')} are accepted`, {
            fields: [{ field: `${field}.${index}`, message: type ? `${type.mime} is not accepted` : 'unrecognised file type' }],
          });
        }
        return { file, index, mime: type.mime, ext };
      }),
    );
    const sniffed = all.filter((s) => s !== undefined);
    if (sniffed.length === 0) return [];
    const orderDir = path.join(this.dir, orderId);
    await mkdir(orderDir, { recursive: true });
    return Promise.all(
      sniffed.map(async ({ file, index, mime, ext }) => {
        // Deterministic names: a retried request rewrites the same files.
        const id = `${orderId}-${index + 1}`;
        await writeFile(path.join(orderDir, `${index + 1}.${ext}`), file.buffer);
        return { id, fileName: safeFileName(file.fileName), contentType: mime, size: file.buffer.length };
      }),
    );
  }

  /** Removes what was stored for an order that could not be placed: nothing half-written. */
  async discard(orderId: string): Promise<void> {
    await rm(path.join(this.dir, orderId), { recursive: true, force: true });
  }
}
