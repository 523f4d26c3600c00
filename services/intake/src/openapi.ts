// The intake API's OpenAPI document and a small docs page. Open311 follows its own spec
// (GeoReport v2) and is listed here by path only. The annual cycle's proposals and supports come
// from ./channels/proposalOpenApi (zod schemas, the ones the routes validate with).
import { proposalPaths, proposalSchemas } from './channels/proposalOpenApi';

const error = { $ref: '#/components/schemas/Error' };
const accepted = { $ref: '#/components/schemas/Accepted' };
const json = (schema: object) => ({ 'application/json': { schema } });
const responses = (ok: Record<string, object>) => ({
  ...ok,
  '400': { description: 'invalid request; `details.fields` names each field', content: json(error) },
  '429': { description: 'rate limited', content: json(error) },
  '503': { description: 'Kafka unavailable: nothing was kept; retry after `Retry-After` seconds', content: json(error) },
});

export const openapiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'diandan intake',
    version: '0.1.0',
    description: 'Every channel a resident uses → one `order.placed` event. 202 means Kafka acknowledged the order (acks -1).',
  },
  paths: {
    ...proposalPaths,
    '/v1/orders': {
      post: {
        summary: 'Place an order (JSON, H5 form, or multipart with up to 5 `files`)',
        parameters: [{ name: 'Idempotency-Key', in: 'header', schema: { type: 'string', minLength: 16, maxLength: 255 }, description: 'same key → same order, code and secret' }],
        requestBody: { content: { ...json({ $ref: '#/components/schemas/OrderRequest' }), 'application/x-www-form-urlencoded': {}, 'multipart/form-data': {} } },
        responses: responses({ '202': { description: 'placed', content: json(accepted) }, '415': { description: 'attachment type not accepted' } }),
      },
    },
    '/v1/orders/track/{code}': {
      get: {
        summary: 'The order’s story for its resident: status, timeline, the unit, its opinion and result, the deadlines, what the resident can do',
        description: 'Rating is `POST /v1/orders/track/{code}/rating`, urging and withdrawing `POST …/urge` and `…/withdraw` on services/feedback (see its /v1/openapi.json).',
        parameters: [
          { name: 'code', in: 'path', required: true, schema: { type: 'string', example: 'DD-7K3M-Q9TB' } },
          { name: 'X-Order-Secret', in: 'header', schema: { type: 'string' }, description: 'the secret given with the tracking code (never in the query string: it ends up in logs)' },
        ],
        responses: { '200': { description: 'the order', content: json({ $ref: '#/components/schemas/TrackedOrder' }) }, '404': { description: 'unknown code or wrong secret (indistinguishable)', content: json(error) } },
      },
    },
    '/v1/categories': {
      get: {
        summary: 'Active service categories (code, name, description) for the resident H5 form',
        responses: { '200': { description: 'the catalogue', content: json({ type: 'object', properties: { categories: { type: 'array', items: { $ref: '#/components/schemas/PublicCategory' } } }, required: ['categories'] }) } },
      },
    },
    '/v1/hotline/calls': {
      post: {
        summary: 'Call-centre webhook: one order per callId (operator token)',
        security: [{ operator: [] }],
        requestBody: { content: json({ $ref: '#/components/schemas/HotlineCall' }) },
        responses: responses({ '202': { description: 'placed', content: json(accepted) }, '401': { description: 'no operator token' } }),
      },
    },
    '/v1/letters': {
      post: {
        summary: 'Letter box entry with scans (multipart field `scans`, operator token); one order per letterId',
        security: [{ operator: [] }],
        requestBody: { content: { 'multipart/form-data': {} } },
        responses: responses({ '202': { description: 'placed', content: json(accepted) }, '401': { description: 'no operator token' }, '413': { description: 'file too large' }, '415': { description: 'type not accepted' } }),
      },
    },
    '/v1/wechat': {
      get: { summary: 'WeChat server verification: echoes echostr when signature matches', responses: { '200': { description: 'echostr' }, '401': { description: 'bad signature' } } },
      post: {
        summary: 'WeChat message callback (plaintext or encrypt_type=aes); passive XML reply',
        description:
          'A text becomes an order (reply: tracking code). Keywords: `查询 <code>` (status), `评价 <code> 满意|基本满意|不满意 [意见]` (rating), `提议 <text>` (a proposal to the annual call; reply: its reference P-XXXX-XXXX), `附议 P-XXXX-XXXX` (a support proven by the sender’s openid, once per proposal). A click on the custom menu button with key `PROPOSALS` answers how to propose and support. Retries of one MsgId give the same result and reply. Refusals (format, unknown reference, closed phase, limits) are reply texts: WeChat shows the resident only the reply.',
        responses: { '200': { description: 'reply XML or "success"' }, '400': { description: 'malformed or DTD-bearing XML' }, '401': { description: 'bad signature' } } },
    },
    '/open311/v2/services.{format}': { get: { summary: 'Open311 GeoReport v2 service list (xml|json)', responses: { '200': { description: 'services' } } } },
    '/open311/v2/services/{service_code}.{format}': { get: { summary: 'Open311 service definition', responses: { '200': { description: 'definition' } } } },
    '/open311/v2/requests.{format}': {
      get: { summary: 'Open311 service requests (filters: service_request_id, service_code, start_date, end_date, status)', responses: { '200': { description: 'requests' } } },
      post: { summary: 'Open311 POST service request (form-encoded, api_key)', responses: { '200': { description: 'service_request_id' }, '403': { description: 'bad api_key' } } },
    },
    '/open311/v2/requests/{id}.{format}': { get: { summary: 'Open311 one service request', responses: { '200': { description: 'request' } } } },
    '/open311/v2/tokens/{token}.{format}': { get: { summary: 'Open311 token → service_request_id', responses: { '200': { description: 'id' } } } },
  },
  components: {
    securitySchemes: { operator: { type: 'http', scheme: 'bearer' } },
    schemas: {
      ...proposalSchemas,
      PublicCategory: {
        type: 'object',
        properties: { code: { type: 'string' }, name: { type: 'string' }, description: { type: 'string' } },
        required: ['code', 'name', 'description'],
      },
      Error: {
        type: 'object',
        properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
      },
      TrackedOrder: {
        type: 'object',
        additionalProperties: false,
        required: ['trackingCode', 'status', 'statusLabel', 'channel', 'categoryCode', 'category', 'priority', 'content', 'placedAt', 'updatedAt', 'unit', 'timeline', 'opinion', 'result', 'deadline', 'ratingDeadline', 'rating', 'actions', 'urged'],
        properties: {
          trackingCode: { type: 'string' },
          status: { enum: ['placed', 'dispatched', 'accepted', 'in_progress', 'awaiting_rating', 'closed', 'invalid', 'merged', 'withdrawn'] },
          statusLabel: { type: 'string', description: '状态 in Chinese' },
          channel: { type: 'string' },
          categoryCode: { type: ['string', 'null'] },
          category: { type: ['object', 'null'], properties: { code: { type: 'string' }, name: { type: 'string' } } },
          priority: { enum: ['normal', 'urgent'] },
          content: { type: 'string' },
          placedAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
          unit: { type: ['object', 'null'], description: 'the unit holding the order (last one once finished)', properties: { name: { type: 'string' }, level: { enum: ['community', 'street', 'district'] } } },
          timeline: {
            type: 'array',
            description: 'resident-safe: no staff ids, no internal notes or internal events',
            items: {
              type: 'object',
              required: ['seq', 'type', 'at', 'title'],
              properties: { seq: { type: 'integer' }, type: { type: 'string' }, at: { type: 'string', format: 'date-time' }, title: { type: 'string' }, text: { type: 'string' }, unitName: { type: 'string' } },
            },
          },
          opinion: { $ref: '#/components/schemas/UnitWords' },
          result: { $ref: '#/components/schemas/UnitWords' },
          deadline: {
            type: ['object', 'null'],
            description: 'the clock of the current stage',
            properties: { stage: { enum: ['triage', 'accept', 'opinion', 'resolve', 'rating'] }, dueAt: { type: 'string', format: 'date-time' }, overdue: { type: 'boolean' } },
          },
          ratingDeadline: { type: ['string', 'null'], format: 'date-time', description: 'until when the resident can rate' },
          rating: { type: ['string', 'null'] },
          actions: { type: 'object', properties: { rate: { type: 'boolean' }, urge: { type: 'boolean' }, withdraw: { type: 'boolean' } }, required: ['rate', 'urge', 'withdraw'] },
          urged: { type: 'boolean', description: 'the resident already urged the current stage' },
        },
      },
      UnitWords: {
        type: ['object', 'null'],
        properties: {
          text: { type: 'string' },
          at: { type: 'string', format: 'date-time' },
          unitName: { type: 'string' },
          photos: {
            type: 'array',
            description: 'the result photos (or PDF) the unit sent: GET /v1/orders/track/{code}/attachments/{id} with the secret',
            items: {
              type: 'object',
              properties: { id: { type: 'string' }, fileName: { type: 'string' }, contentType: { type: 'string' }, size: { type: 'integer' } },
              required: ['id', 'fileName', 'contentType', 'size'],
            },
          },
        },
      },
      Accepted: {
        type: 'object',
        properties: {
          orderId: { type: 'string', format: 'uuid' },
          trackingCode: { type: 'string' },
          secret: { type: 'string', description: 'shown once; needed to track and rate' },
          status: { const: 'placed' },
          placedAt: { type: 'string', format: 'date-time' },
          track: { type: 'string' },
        },
      },
      OrderRequest: {
        type: 'object',
        required: ['content'],
        properties: {
          content: { type: 'string', maxLength: 4000 },
          categoryCode: { type: 'string' },
          channel: { enum: ['api', 'web'], default: 'api' },
          priority: { enum: ['normal', 'urgent'] },
          location: { type: 'object', properties: { address: { type: 'string' }, lat: { type: 'number' }, lng: { type: 'number' } } },
          contact: {
            type: 'object',
            properties: { name: { type: 'string' }, phone: { type: 'string', pattern: '^1[3-9]\\d{9}$' }, email: { type: 'string', format: 'email' }, wechatOpenId: { type: 'string' }, notifyBy: { enum: ['email', 'wechat', 'sms'] } },
          },
        },
      },
      HotlineCall: {
        type: 'object',
        required: ['callId', 'callerNumber', 'agentId', 'notes'],
        properties: {
          callId: { type: 'string' },
          callerNumber: { type: 'string', description: 'mobile 1[3-9]xxxxxxxxx or landline 0xx-xxxxxxxx' },
          agentId: { type: 'string' },
          notes: { type: 'string', maxLength: 4000 },
          callerName: { type: 'string' },
          categoryCode: { type: 'string' },
          priority: { enum: ['normal', 'urgent'] },
          address: { type: 'string' },
        },
      },
    },
  },
} as const;

export const docsPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>diandan intake API</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}</style></head>
<body><h1>点单 intake API</h1>
<p>Every channel a resident uses becomes one <code>order.placed</code> event. A <code>202</code> means Kafka acknowledged the order;
a <code>503</code> with <code>Retry-After</code> means nothing was kept.</p>
<ul>
<li><code>POST /v1/orders</code> — JSON, H5 form or multipart; <code>Idempotency-Key</code> for safe retries</li>
<li><code>GET /v1/orders/track/{code}</code> — with <code>X-Order-Secret</code></li>
<li><code>POST /v1/hotline/calls</code>, <code>POST /v1/letters</code> — operators (bearer token)</li>
<li><code>GET|POST /v1/wechat</code> — WeChat official account callback</li>
<li><code>/open311/v2/…</code> — Open311 GeoReport v2 (XML and JSON)</li>
<li>E-mail: SMTP to the intake address</li>
<li><code>GET /v1/cycles/current</code>, <code>GET|POST /v1/proposals</code>, <code>POST /v1/proposals/support-codes</code>, <code>POST /v1/proposals/{reference}/supports</code> — the annual cycle's proposals and supports (附议; codes by e-mail or SMS); <code>POST /v1/letters/proposals</code>, <code>POST /v1/hotline/proposals/{reference}/supports</code> — operators; WeChat: <code>提议 …</code>, <code>附议 P-XXXX-XXXX</code></li>
</ul>
<p>The full description: <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1).</p>
</body></html>`;
