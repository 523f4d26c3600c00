// The staff API's OpenAPI 3.1 document, built from the same action table and schemas the routes
// use, so that the document cannot drift from the code.
import { z } from 'zod';
import { PERMISSIONS } from '@diandan/domain';
import { ACTIONS } from './actions';
import { accountabilitySchema } from './climbs';
import { batchDispatchSchema, daySchema } from './jointMeeting';
import { levelQueueSchema, queueFilterSchema, unitQueueSchema } from './orders';

const json = (schema: object) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const bodySchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

const orderIdParam = { name: 'orderId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const pageParams = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
];
const secured = [{ bearer: [] }];
/** Query parameters from the zod schema the route validates with. */
function queryParams(schema: z.ZodType): object[] {
  const doc = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(doc.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: doc.required?.includes(name) ?? false, schema: s }));
}
const queueRead = (summary: string, roles: string, schema: z.ZodType) => read(`${summary}. Each order carries \`clock\` (stage, dueAt, remainingMinutes — working minutes unless calendar —, overdue) and \`urges\` (count, byResident, automatic, lastAt) for its current stage; \`counts\` (total, byCategory, byPriority, byStatus, overdue) are taken before the category/priority/overdue filters`, roles, queryParams(schema));
const read = (summary: string, roles: string, parameters: object[] = pageParams) => ({
  get: {
    summary,
    description: `Roles: ${roles}.`,
    security: secured,
    parameters,
    responses: { 200: { description: 'OK', content: json({ type: 'object' }) }, 401: error('no or invalid token'), 403: error('role or unit scope'), 404: error('not found') },
  },
});

export function openApiDocument(): object {
  const actionPaths = Object.fromEntries(
    Object.entries(ACTIONS).map(([name, action]) => [
      `/v1/orders/{orderId}/${name}`,
      {
        post: {
          summary: action.summary,
          description: `Sent to the order's workflow as the \`act\` update (command \`${action.command}\`). Roles: ${PERMISSIONS[action.command].filter((r) => r !== 'system' && r !== 'resident').join(', ')}; unit handlers only for orders at their unit.`,
          tags: ['actions'],
          security: secured,
          parameters: [orderIdParam],
          requestBody: { required: true, content: json(bodySchema(action.body)) },
          responses: {
            200: { description: 'the order after the change', content: json({ $ref: '#/components/schemas/ActionResult' }) },
            400: error('invalid input'),
            401: error('no or invalid token'),
            403: error('role may not do this, or the order is not at your unit'),
            404: error('unknown order (or unit, or merge target)'),
            409: error('not allowed in the order’s current state; the message is the workflow’s reason'),
            503: error('the order service did not answer in time'),
          },
        },
      },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'diandan dispatch — staff API',
      version: '0.1.0',
      description: 'Triage, dispatch and handling of orders (派单、办单), supervision views and the live feed. Every change goes through the order’s serviceOrder workflow.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} }, required: ['code', 'message'] } } },
        ActionResult: {
          type: 'object',
          properties: { order: { type: 'object' }, trackingCode: { type: 'string' }, deadline: { type: ['object', 'null'] }, availableActions: { type: 'array', items: { type: 'string' } }, events: { type: 'array', items: { type: 'object' } } },
        },
        TokenPair: {
          type: 'object',
          properties: { accessToken: { type: 'string' }, refreshToken: { type: 'string' }, tokenType: { const: 'Bearer' }, expiresIn: { type: 'integer' }, refreshExpiresIn: { type: 'integer' }, user: { type: 'object' } },
        },
      },
    },
    paths: {
      '/v1/auth/login': {
        post: {
          summary: 'log in with username and password',
          tags: ['auth'],
          requestBody: { required: true, content: json({ type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } }, required: ['username', 'password'] }) },
          responses: { 200: { description: 'tokens', content: json({ $ref: '#/components/schemas/TokenPair' }) }, 401: error('wrong username or password') },
        },
      },
      '/v1/auth/refresh': {
        post: {
          summary: 'trade a refresh token for a new pair',
          tags: ['auth'],
          requestBody: { required: true, content: json({ type: 'object', properties: { refreshToken: { type: 'string' } }, required: ['refreshToken'] }) },
          responses: { 200: { description: 'tokens', content: json({ $ref: '#/components/schemas/TokenPair' }) }, 401: error('invalid, expired, or user inactive') },
        },
      },
      '/v1/me': read('who the token belongs to', 'every staff role', []),
      '/v1/queues/triage': queueRead('the dispatch queue: placed orders, urgent and oldest first', 'operator, dispatcher, supervisor', queueFilterSchema),
      '/v1/queues/unit': queueRead('orders being handled at a unit (a unit handler: its own), nearest deadline first', 'unit_handler, dispatcher, supervisor', unitQueueSchema),
      '/v1/queues/level': queueRead(
        'a street or district officer’s queue: active orders at its level inside its branch, nearest deadline first; each with `climb` (trigger manual/deadline/dissatisfied, reason, stage, fromUnitName, at) or null. Dispatchers and supervisors name the unit',
        'street_officer, district_officer, dispatcher, supervisor',
        levelQueueSchema,
      ),
      '/v1/orders/{orderId}/suggestion': read(
        '派单建议: the unit the domain suggests (category routing + the area the address names, bottom of the ladder first), with the reason in Chinese, and alternatives; officers get units below them only',
        'dispatcher, operator, supervisor, street_officer, district_officer',
        [orderIdParam],
      ),
      '/v1/joint-meeting/day': read('联席会议: a day’s new orders (China date, default today) with counts by category, area (street named by the address) and status, and a suggestion for each order still in the queue', 'dispatcher, operator, supervisor', queryParams(daySchema)),
      '/v1/joint-meeting/dispatch': {
        post: {
          summary: '联席会议: dispatch many orders at once — each through its own workflow update; partial success, one result per order in the order given',
          description: 'Roles: dispatcher. Answers 200 with `dispatched`, `failed` and `results[]`: `{ orderId, ok: true, repeated, status, unitId }` or `{ orderId, ok: false, error: { status, code, message } }`. A retried batch is safe: an order already at the requested unit answers `repeated: true`.',
          tags: ['actions'],
          security: secured,
          requestBody: { required: true, content: json(bodySchema(batchDispatchSchema)) },
          responses: { 200: { description: 'one result per order', content: json({ type: 'object' }) }, 400: error('invalid body (at most 100 items, each order once)'), 401: error('no or invalid token'), 403: error('role') },
        },
      },
      '/v1/supervision/accountability': read('追责: accountability records, newest first, with the unit and the stage that breached and the order', 'supervisor, evaluator', queryParams(accountabilitySchema)),
      '/v1/orders/{orderId}': read('one order from the read model', 'every staff role; unit handlers: orders at their unit', [orderIdParam]),
      '/v1/orders/{orderId}/timeline': read('every lifecycle event of an order, oldest first', 'every staff role; unit handlers: orders at their unit', [orderIdParam]),
      '/v1/supervision/overdue': read('active orders past their deadline', 'supervisor, evaluator'),
      '/v1/supervision/escalated': read('orders that climbed the ladder', 'supervisor, evaluator'),
      '/v1/supervision/bounced': read('orders returned at least once or flagged for buck-passing (扯皮推诿)', 'supervisor, evaluator'),
      '/v1/feed': read('server-sent events (event: lifecycle) of lifecycle events the caller may see; EventSource may pass ?access_token=', 'every staff role but admin', []),
      '/v1/units': { ...read('the unit tree', 'every staff role', []), post: { summary: 'add a unit', description: 'Roles: admin.', tags: ['admin'], security: secured, responses: { 201: { description: 'created' } } } },
      '/v1/units/{unitId}': { patch: { summary: 'change a unit (the tree must stay a tree)', description: 'Roles: admin.', tags: ['admin'], security: secured, responses: { 200: { description: 'changed' } } } },
      '/v1/categories': { ...read('the service catalogue', 'every staff role', []), post: { summary: 'add a category', description: 'Roles: admin.', tags: ['admin'], security: secured, responses: { 201: { description: 'created' } } } },
      '/v1/categories/{code}': { patch: { summary: 'change a category (responsible units, deadlines…)', description: 'Roles: admin.', tags: ['admin'], security: secured, responses: { 200: { description: 'changed' } } } },
      '/v1/users': { ...read('staff accounts', 'admin', []), post: { summary: 'add a staff account', description: 'Roles: admin.', tags: ['admin'], security: secured, responses: { 201: { description: 'created' } } } },
      ...actionPaths,
    },
  };
}
