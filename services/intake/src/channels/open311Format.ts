// Open311 GeoReport v2 wire format: the resource's extension picks XML or JSON, and errors are
// the spec's list of {code, description} with the HTTP status as code.
import { FINAL_STATUSES, type OrderStatus } from '@diandan/domain';
import type { ErrorRequestHandler, Response } from 'express';
import { HttpError } from '@diandan/platform';
import { buildXml } from '../xml';

export type Format = 'json' | 'xml';

/** "requests.xml" → { name: "requests", format: "xml" }; null when the extension is not ours. */
export function splitFormat(file: string): { name: string; format: Format } | null {
  const dot = file.lastIndexOf('.');
  if (dot <= 0) return null;
  const format = file.slice(dot + 1).toLowerCase();
  if (format !== 'json' && format !== 'xml') return null;
  return { name: file.slice(0, dot), format };
}

/** Sends `items` as a JSON array or as `<root><item>…</item></root>`. */
export function sendList(res: Response, format: Format, root: string, item: string, items: object[], status = 200): void {
  res.status(status);
  if (format === 'json') {
    res.json(items);
    return;
  }
  res.type('application/xml; charset=utf-8').send(buildXml({ [root]: { [item]: items.map(toXmlValues) } }));
}

export function sendObject(res: Response, format: Format, root: string, value: object): void {
  if (format === 'json') {
    res.json(value);
    return;
  }
  res.type('application/xml; charset=utf-8').send(buildXml({ [root]: toXmlValues(value) }));
}

/** XML has no null: an absent value is an empty element, as the spec's examples show. */
function toXmlValues(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null || v === undefined ? '' : v]));
}

export class Open311Error extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
  }
}

/** The format an error is answered in: the extension of the path, JSON when there is none. */
function formatOfPath(path: string): Format {
  return path.toLowerCase().endsWith('.xml') ? 'xml' : 'json';
}

/** Errors inside /open311 are answered in the spec's shape and the request's format. */
export const open311Errors: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  let status = 500;
  let description = 'the request could not be processed';
  if (err instanceof Open311Error) ({ status, description } = err);
  else if (err instanceof HttpError) {
    status = err.status;
    description = err.message;
    for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  } else {
    const e = err as { status?: number; statusCode?: number; type?: string };
    const s = e.status ?? e.statusCode;
    if (typeof s === 'number' && s >= 400 && s < 500) {
      status = s;
      description = e.type === 'entity.too.large' ? 'request body is too large' : 'request body could not be read';
    }
  }
  if (status >= 500 && status !== 503) {
    next(err);
    return;
  }
  sendList(res, formatOfPath(req.path), 'errors', 'error', [{ code: status, description }], status);
};

export const open311Status = (status: string): 'open' | 'closed' => (FINAL_STATUSES.includes(status as OrderStatus) ? 'closed' : 'open');
