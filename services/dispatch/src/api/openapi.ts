// The staff API's OpenAPI 3.1 document, built from the same action table and schemas the routes
// use, so that the document cannot drift from the code.
import { z } from 'zod';
import { MAX_TEXT_LENGTH, PERMISSIONS } from '@diandan/domain';
import { ACTIONS, RESULT_PHOTOS_MAX } from './actions';
import { accountabilitySchema } from './climbs';
import { batchDispatchSchema, daySchema } from './jointMeeting';
import { levelQueueSchema, queueFilterSchema, unitQueueSchema } from './orders';
import { bundleListSchema, bundlingRunSchema, completeSchema, progressSchema, projectFromBundleSchema, projectListSchema, reachSchema } from './projects';
import { knowledgeOpenApiPaths } from '../knowledge/openapi';
import { cycleOpenApiPaths } from './cycleOpenApi';
import { categoryPatchSchema, categorySchema, unitPatchSchema, unitSchema, userPatchSchema, userSchema } from './adminRoutes';
import { calendarYearSchema } from './calendarRoutes';

const json = (schema: object) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const bodySchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

const yearParam = { name: 'year', in: 'path', required: true, schema: { type: 'integer', minimum: 2000, maximum: 2100 } };
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

const adminWrite = (summary: string, schema: z.ZodType, status = 200) => ({
  summary,
  description: 'Roles: admin. Recorded in the audit log.',
  tags: ['admin'],
  security: secured,
  requestBody: { required: true, content: json(bodySchema(schema)) },
  responses: { [status]: { description: status === 201 ? 'created' : 'changed' }, 400: error('invalid input (names the field)'), 401: error('no or invalid token'), 403: error('not an admin'), 404: error('not found'), 409: error('exists') },
});

/** A write on a project or bundle: the body's schema, the roles, and the answers it can give. */
const projectWrite = (summary: string, roles: string, schema: z.ZodType, parameters: object[], created = false) => ({
  post: {
    summary,
    description: `Roles: ${roles}. Sent to the project's workflow (\`projectAct\` update), which decides; unit handlers only for projects of their unit.`,
    tags: ['projects'],
    security: secured,
    parameters,
    requestBody: { required: true, content: json(bodySchema(schema)) },
    responses: {
      [created ? 201 : 200]: { description: created ? 'created' : 'the project after the change', content: json({ type: 'object' }) },
      ...(created ? { 200: { description: 'the same request again: the project exists already (`repeated: true`)', content: json({ type: 'object' }) } } : {}),
      400: error('invalid input (names the field)'),
      401: error('no or invalid token'),
      403: error('role, or a project of another unit'),
      404: error('unknown project, bundle, milestone or unit'),
      409: error('not allowed in the project’s current state (e.g. milestones not reached, project completed)'),
      503: error('the project service did not answer in time'),
    },
  },
});
const projectIdParam = { name: 'projectId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const bundleIdParam = { name: 'bundleId', in: 'path', required: true, schema: { type: 'string' } };

function projectPaths(): Record<string, object> {
  return {
    '/v1/bundles': read('两个打包: proposed bundles (a month’s orders of one category and area with similar text), largest first, with category and area names', 'supervisor, dispatcher', queryParams(bundleListSchema)),
    '/v1/bundles/run': {
      post: {
        summary: 'run the monthly bundling now for a month (the Schedule `monthly-bundling` does it on the first working day of every month); earlier proposals of the month not turned into projects are superseded',
        description: 'Roles: supervisor, dispatcher. Answers { runId, month, orders, bundles }.',
        tags: ['projects'],
        security: secured,
        requestBody: { required: true, content: json(bodySchema(bundlingRunSchema)) },
        responses: { 200: { description: 'what the run found', content: json({ type: 'object' }) }, 400: error('invalid month'), 401: error('no or invalid token'), 403: error('role') },
      },
    },
    '/v1/bundles/{bundleId}': read('one bundle with its orders', 'supervisor, dispatcher', [bundleIdParam]),
    '/v1/bundles/{bundleId}/project': projectWrite(
      'turn a bundle into a project: title, owning unit, optional budget (yuan), milestones in working days from the start; every order of the bundle (but the excluded) is bundled into it through its own workflow',
      'supervisor',
      projectFromBundleSchema,
      [bundleIdParam],
      true,
    ),
    '/v1/projects': read('projects, active first (a unit handler: its unit’s), each with its milestones', 'supervisor, dispatcher, unit_handler, street_officer, district_officer, evaluator, operator', queryParams(projectListSchema)),
    '/v1/projects/{projectId}': read('one project: milestones, linked orders (with their status and rating), progress timeline', 'supervisor, dispatcher, unit_handler (its unit), street_officer, district_officer, evaluator, operator', [projectIdParam]),
    '/v1/projects/{projectId}/progress': projectWrite('a progress update: note and percent', 'unit_handler, supervisor', progressSchema, [projectIdParam]),
    '/v1/projects/{projectId}/milestones/{milestoneId}/reach': projectWrite('a milestone is reached (late if its deadline passed)', 'unit_handler, supervisor', reachSchema, [
      projectIdParam,
      { name: 'milestoneId', in: 'path', required: true, schema: { type: 'string' } },
    ]),
    '/v1/projects/{projectId}/complete': projectWrite(
      'complete the project (every milestone reached): every linked order is resolved with the result through its own workflow; each resident is notified and rates',
      'unit_handler, supervisor',
      completeSchema,
      [projectIdParam],
    ),
  };
}

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
          requestBody: {
            required: true,
            content:
              name === 'resolve'
                ? {
                    ...json(bodySchema(action.body)),
                    // The result with photos in one request (services/dispatch/src/api/actions.ts).
                    'multipart/form-data': {
                      schema: {
                        type: 'object',
                        required: ['result'],
                        properties: {
                          result: { type: 'string', minLength: 1, maxLength: MAX_TEXT_LENGTH },
                          files: { type: 'array', maxItems: RESULT_PHOTOS_MAX, items: { type: 'string', format: 'binary' }, description: 'photos or PDF scans of the result (sniffed: JPEG, PNG, WebP, GIF, TIFF, HEIC, PDF)' },
                        },
                      },
                    },
                  }
                : json(bodySchema(action.body)),
          },
          responses: {
            200: { description: 'the order after the change', content: json({ $ref: '#/components/schemas/ActionResult' }) },
            400: error('invalid input'),
            401: error('no or invalid token'),
            403: error('role may not do this, or the order is not at your unit'),
            404: error('unknown order (or unit, or merge target)'),
            409: error('not allowed in the order’s current state; the message is the workflow’s reason'),
            ...(name === 'resolve' ? { 413: error('a file or all files together are too large'), 415: error('a file is not a photo or PDF') } : {}),
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
          responses: {
            200: { description: 'tokens (access: minutes; refresh: one exchange each, days)', content: json({ $ref: '#/components/schemas/TokenPair' }) },
            401: error('wrong username or password'),
            429: {
              ...error('too many failed logins for this user name or from this address: locked, each further failure doubles the lock (30 s … 1 h)'),
              headers: { 'Retry-After': { description: 'seconds until the next try', schema: { type: 'integer' } } },
            },
          },
        },
      },
      '/v1/auth/refresh': {
        post: {
          summary: 'trade a refresh token for a new pair (rotation)',
          description: 'Each refresh token is good for one exchange. Presenting one that was already exchanged revokes the whole session (someone else holds a copy): log in again.',
          tags: ['auth'],
          requestBody: { required: true, content: json({ type: 'object', properties: { refreshToken: { type: 'string' } }, required: ['refreshToken'] }) },
          responses: { 200: { description: 'tokens', content: json({ $ref: '#/components/schemas/TokenPair' }) }, 401: error('invalid, expired, reused, session revoked, or user inactive') },
        },
      },
      '/v1/auth/logout': {
        post: {
          summary: 'end this session: its access and refresh tokens stop working',
          tags: ['auth'],
          security: secured,
          responses: { 204: { description: 'logged out' }, 401: error('no or invalid token') },
        },
      },
      '/v1/auth/feed-ticket': {
        post: {
          summary: 'a ticket that opens the live feed once (EventSource cannot send Authorization)',
          description: 'Single use, valid for 30 seconds, good for nothing but GET /v1/feed?ticket=…. Access tokens are never accepted in a URL.',
          tags: ['auth'],
          security: secured,
          responses: { 200: { description: 'the ticket', content: json({ type: 'object', properties: { ticket: { type: 'string' }, expiresIn: { type: 'integer' } }, required: ['ticket', 'expiresIn'] }) }, 401: error('no or invalid token') },
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
      '/v1/feed': read(
        'server-sent events (event: lifecycle) of lifecycle events the caller may see (evaluators: scrubbed); Authorization: Bearer, or ?ticket= from POST /v1/auth/feed-ticket',
        'every staff role but admin',
        [{ name: 'ticket', in: 'query', schema: { type: 'string' }, description: 'single-use ticket (browsers); ?access_token= is refused' }],
      ),
      '/v1/audit': read('the audit log, newest first: every staff change, login and order read (who, what, when, from where); append-only', 'supervisor, admin', [
        { name: 'userId', in: 'query', schema: { type: 'string', format: 'uuid' } },
        { name: 'username', in: 'query', schema: { type: 'string' } },
        { name: 'action', in: 'query', schema: { type: 'string' }, description: 'e.g. auth.login, auth.login_failed, order.dispatch, category.update, user.update' },
        { name: 'targetType', in: 'query', schema: { type: 'string' }, description: 'order, unit, category, user, session' },
        { name: 'targetId', in: 'query', schema: { type: 'string' } },
        { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
        { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
        { name: 'before', in: 'query', schema: { type: 'string' }, description: '`next` of the previous page' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
      ]),
      '/v1/units': { ...read('the unit tree', 'every staff role', []), post: adminWrite('add a unit', unitSchema, 201) },
      '/v1/units/{unitId}': { patch: adminWrite('change a unit: only the fields sent (the tree must stay a tree)', unitPatchSchema) },
      '/v1/categories': { ...read('the service catalogue', 'every staff role', []), post: adminWrite('add a category', categorySchema, 201) },
      '/v1/categories/{code}': { patch: adminWrite('change a category: only the fields sent (responsible units, deadlines, keywords, sensitive…)', categoryPatchSchema) },
      '/v1/calendar': read(
        'the holiday calendar: every year with a schedule in force (its version, who changed it, how many holidays and make-up working days) and `warning` — from October on, when next year has no schedule yet (deadlines reaching into it count Monday–Friday and are flagged on the order: `deadlineUnscheduled`)',
        'every staff role',
        [],
      ),
      '/v1/calendar/{year}': {
        ...read("one year's schedule in force (holidays and 调休 working days, each with its festival) and `history`: older versions with who changed them", 'every staff role', [yearParam]),
        put: {
          ...adminWrite(
            "enter or correct a year's schedule, as the State Council published it. It must be complete — every date real and in the year, 1 Jan, 1 May and 1–3 Oct off, each of the seven festivals present, make-up working days on weekends; a 400 `incomplete_schedule` lists every problem in `details.problems`. Saved as a new version (201 for a year's first); deadlines computed from then on use it",
            calendarYearSchema,
          ),
          parameters: [yearParam],
        },
      },
      '/v1/users': { ...read('staff accounts', 'admin', []), post: adminWrite('add a staff account', userSchema, 201) },
      '/v1/users/{userId}': { patch: adminWrite('change a staff account: only the fields sent; deactivation or a new password ends all its sessions', userPatchSchema) },
      ...projectPaths(),
      ...cycleOpenApiPaths(),
      ...knowledgeOpenApiPaths(),
      ...actionPaths,
    },
  };
}
