// Open311 GeoReport v2 server, to the letter of the spec: services and service definitions from
// the category catalogue, POST requests (form-encoded, api_key), GET requests with its filters
// and limits, GET requests/{id}, tokens; XML and JSON; errors as [{code, description}]. GET answers
// never carry contact data: no names, phones, e-mails; descriptions and addresses pass the one
// scrubber (packages/domain). Orders are called by their public reference, which unlocks nothing
// (not the order id, hence not its secret), and orders of sensitive categories are never listed.
import { MAX_CONTENT_LENGTH, scrub, scrubOptional } from '@diandan/domain';
import { PUBLIC_REF, publicReferenceOf, refuseOversizeWhileStreaming, unrepresentableField, type PrismaClient } from '@diandan/platform';
import express, { Router, type Request } from 'express';
import { isAllowedToken, limitRate, mobileSchema } from '../edges';
import type { Placer } from '../placing';
import { Open311Error, open311Errors, open311Status, sendList, sendObject, splitFormat, type Format } from './open311Format';

export interface Open311Options {
  placer: Placer;
  prisma: PrismaClient;
  apiKeys: readonly string[];
  rateLimitPerMinute: number;
}

const MAX_REQUESTS = 1000;
const DEFAULT_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;
/** Only what the public may see: never an order of a sensitive category (e.g. domestic violence). */
const PUBLIC_ORDERS = { OR: [{ categoryCode: null }, { category: { sensitive: false } }] };

function formatted(file: string, expected: string): Format {
  const parts = splitFormat(file);
  if (!parts || parts.name !== expected) throw new Open311Error(404, `no resource ${file}; use ${expected}.xml or ${expected}.json`);
  return parts.format;
}

function idAndFormat(file: string, what: string): { id: string; format: Format } {
  const parts = splitFormat(file);
  if (!parts || parts.name === '') throw new Open311Error(404, `${what} not found; append .xml or .json`);
  return { id: parts.name, format: parts.format };
}

/** A form value as one string: repeated fields (`a=1&a=2`) and nested ones are refused. */
function field(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new Open311Error(400, `${name} must be given once, as text`);
  return value.trim() === '' ? undefined : value.trim();
}

const EARLIEST_DATE = new Date('1970-01-01T00:00:00Z');
const LATEST_DATE = new Date('3000-01-01T00:00:00Z');

function optionalDate(query: Request['query'], name: string): Date | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new Open311Error(400, `${name} must be an ISO 8601 date-time`);
  // The 90-day window around a date must stay a date PostgreSQL and JavaScript both write the same way.
  if (date < EARLIEST_DATE || date >= LATEST_DATE) throw new Open311Error(400, `${name} must be between 1970-01-01 and 2999-12-31`);
  return date;
}

function coordinate(body: Record<string, unknown>, name: string, limit: number): number | undefined {
  const raw = field(body, name);
  if (raw === undefined) return undefined;
  const value = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!(Math.abs(value) <= limit)) throw new Open311Error(400, `${name} must be a number between -${limit} and ${limit}`);
  return value;
}

const requestSelect = {
  publicRef: true,
  status: true,
  content: true,
  address: true,
  lat: true,
  lng: true,
  placedAt: true,
  updatedAt: true,
  deadlineAt: true,
  category: { select: { name: true, open311Code: true } },
  unit: { select: { name: true } },
} as const;

type RequestRow = {
  publicRef: string | null;
  status: string;
  content: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  placedAt: Date;
  updatedAt: Date;
  deadlineAt: Date | null;
  category: { name: string; open311Code: string | null } | null;
  unit: { name: string } | null;
};

/** The spec's service request, with nothing personal in it. */
const serviceRequest = (row: RequestRow) => ({
  service_request_id: row.publicRef,
  status: open311Status(row.status),
  status_notes: row.status,
  service_name: row.category?.name ?? null,
  service_code: row.category?.open311Code ?? null,
  description: scrub(row.content),
  agency_responsible: row.unit?.name ?? null,
  service_notice: null,
  requested_datetime: row.placedAt.toISOString(),
  updated_datetime: row.updatedAt.toISOString(),
  expected_datetime: row.deadlineAt?.toISOString() ?? null,
  address: scrubOptional(row.address),
  address_id: null,
  zipcode: null,
  lat: row.lat,
  long: row.lng,
  media_url: null,
});

export function open311Channel({ placer, prisma, apiKeys, rateLimitPerMinute }: Open311Options): Router {
  const router = Router();
  const limited = limitRate(rateLimitPerMinute, (req, _res, next) => next(new Open311Error(429, 'too many requests; slow down')));

  router.get('/services/:file', async (req, res) => {
    const { id, format } = idAndFormat(String(req.params.file), 'service_code');
    const category = await prisma.category.findFirst({ where: { open311Code: id, active: true }, select: { open311Code: true } });
    if (!category) throw new Open311Error(404, `service_code ${id} not found`);
    // Our services need no attributes beyond the description (metadata is false).
    sendObject(res, format, 'service_definition', { service_code: id, attributes: format === 'json' ? [] : '' });
  });

  router.get('/requests/:file', limited, async (req, res) => {
    const { id, format } = idAndFormat(String(req.params.file), 'service_request_id');
    const row = PUBLIC_REF.test(id) ? await prisma.order.findFirst({ where: { publicRef: id, ...PUBLIC_ORDERS }, select: requestSelect }) : null;
    if (!row) throw new Open311Error(404, `service_request_id ${id} not found`);
    sendList(res, format, 'service_requests', 'request', [serviceRequest(row)]);
  });

  router.get('/tokens/:file', async (req, res) => {
    // We answer POST with the service_request_id at once; a token is that id, once it is visible.
    const { id, format } = idAndFormat(String(req.params.file), 'token');
    const row = PUBLIC_REF.test(id) ? await prisma.order.findFirst({ where: { publicRef: id, ...PUBLIC_ORDERS }, select: { publicRef: true } }) : null;
    if (!row) throw new Open311Error(404, `token ${id} not found`);
    sendList(res, format, 'service_requests', 'request', [{ service_request_id: row.publicRef, token: id }]);
  });

  router.get('/:file', limited, async (req, res) => {
    const parts = splitFormat(String(req.params.file));
    if (parts?.name === 'services') {
      const categories = await prisma.category.findMany({ where: { active: true, open311Code: { not: null } }, orderBy: { open311Code: 'asc' } });
      const services = categories.map((c) => ({
        service_code: c.open311Code,
        service_name: c.name,
        description: c.description,
        metadata: false,
        type: 'batch',
        keywords: c.keywords.join(','),
        group: '',
      }));
      sendList(res, parts.format, 'services', 'service', services);
      return;
    }
    const format = formatted(String(req.params.file), 'requests');
    const q = req.query;
    const ids = typeof q.service_request_id === 'string' ? q.service_request_id.split(',').map((s) => s.trim()).filter((s) => PUBLIC_REF.test(s)) : undefined;
    let where: Record<string, unknown>;
    if (ids !== undefined) {
      // The spec: service_request_id overrides every other argument.
      where = { publicRef: { in: ids.slice(0, MAX_REQUESTS) } };
    } else {
      const end = optionalDate(q, 'end_date');
      const start = optionalDate(q, 'start_date');
      const to = end ?? (start ? new Date(start.getTime() + DEFAULT_WINDOW_DAYS * DAY_MS) : new Date());
      const from = start ?? new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
      if (to < from) throw new Open311Error(400, 'end_date is before start_date');
      if (to.getTime() - from.getTime() > DEFAULT_WINDOW_DAYS * DAY_MS) throw new Open311Error(400, 'start_date to end_date may not span more than 90 days');
      const status = q.status;
      if (status !== undefined && status !== 'open' && status !== 'closed' && status !== 'open,closed' && status !== 'closed,open')
        throw new Open311Error(400, 'status must be open or closed');
      const codes = typeof q.service_code === 'string' ? q.service_code.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
      const finalStatuses = ['closed', 'invalid', 'merged', 'withdrawn'];
      where = {
        placedAt: { gte: from, lte: to },
        ...(codes ? { category: { open311Code: { in: codes } } } : {}),
        ...(status === 'open' ? { status: { notIn: finalStatuses } } : status === 'closed' ? { status: { in: finalStatuses } } : {}),
      };
    }
    const rows = await prisma.order.findMany({ where: { AND: [where, PUBLIC_ORDERS] }, select: requestSelect, orderBy: { placedAt: 'desc' }, take: MAX_REQUESTS });
    sendList(res, format, 'service_requests', 'request', rows.map(serviceRequest));
  });

  router.post('/:file', limited, refuseOversizeWhileStreaming('64kb'), express.urlencoded({ extended: true, limit: '64kb', parameterLimit: 100 }), async (req, res) => {
    const format = formatted(String(req.params.file), 'requests');
    const body = (req.body ?? {}) as Record<string, unknown>;
    // The form is parsed here, after the platform's check of JSON bodies: the same check, Open311's answer.
    const unreadable = unrepresentableField(body, 'body');
    if (unreadable) throw new Open311Error(400, `${unreadable.slice('body.'.length)} contains a NUL character or a lone surrogate, which is not text`);
    if (!isAllowedToken(field(body, 'api_key'), apiKeys)) throw new Open311Error(403, 'api_key was not provided or is not valid');
    const serviceCode = field(body, 'service_code');
    if (!serviceCode) throw new Open311Error(400, 'service_code was not provided');
    const category = await prisma.category.findFirst({ where: { open311Code: serviceCode, active: true }, select: { code: true, name: true } });
    if (!category) throw new Open311Error(404, `service_code ${serviceCode} not found`);
    const lat = coordinate(body, 'lat', 90);
    const lng = coordinate(body, 'long', 180);
    if ((lat === undefined) !== (lng === undefined)) throw new Open311Error(400, 'lat and long must be given together');
    const address = field(body, 'address_string') ?? field(body, 'address_id');
    if (lat === undefined && address === undefined) throw new Open311Error(400, 'a location is required: lat and long, address_string or address_id');
    if (address !== undefined && address.length > 500) throw new Open311Error(400, 'address_string is longer than 500 characters');
    const description = field(body, 'description');
    if (description !== undefined && description.length > MAX_CONTENT_LENGTH)
      throw new Open311Error(400, `description is longer than ${MAX_CONTENT_LENGTH.toLocaleString('en')} characters`);
    const phoneText = field(body, 'phone');
    const phone = phoneText === undefined ? undefined : mobileSchema.safeParse(phoneText);
    if (phone && !phone.success) throw new Open311Error(400, 'phone is not a Chinese mobile number (11 digits, 1[3-9]…)');
    const email = field(body, 'email');
    if (email !== undefined && !/^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$/.test(email)) throw new Open311Error(400, 'email is not an e-mail address');
    const name = [field(body, 'last_name'), field(body, 'first_name')].filter(Boolean).join('').slice(0, 100) || undefined;
    const mediaUrl = field(body, 'media_url');
    const content = [description ?? category.name, mediaUrl ? `media: ${mediaUrl.slice(0, 500)}` : undefined].filter(Boolean).join('\n').slice(0, MAX_CONTENT_LENGTH);

    const key = req.get('idempotency-key');
    const placed = await placer.place(
      {
        channel: 'open311',
        content,
        categoryCode: category.code,
        location: { address, lat, lng },
        contact: { name, phone: phone?.data as string | undefined, email },
      },
      placer.identify(key && key.length >= 16 && key.length <= 255 ? ['open311', field(body, 'api_key') ?? '', key] : undefined),
    );
    sendList(res, format, 'service_requests', 'request', [
      { service_request_id: publicReferenceOf(placed.orderId), service_notice: `tracking code ${placed.trackingCode}`, account_id: field(body, 'account_id') ?? null },
    ]);
  });

  router.use((req, _res, next) => next(new Open311Error(404, `no Open311 resource ${req.method} ${req.path}`)));
  router.use(open311Errors);
  return router;
}
