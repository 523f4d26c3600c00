// The feedback API's OpenAPI 3.1 document. Request schemas are the zod schemas the routes validate
// with; response schemas are zod schemas too, and the tests parse real answers with them (strict:
// an added or renamed field fails), so the console's generated client cannot drift from the code.
import { z } from 'zod';
import { CYCLE_BOUNDARIES, CYCLE_PHASES, CYCLE_STATES, ORDER_STATUSES, RATINGS } from '@diandan/domain';
import { boardQuerySchema } from './board/routes';
import { boardProjectsQuerySchema } from './board/projectsQuery';
import { callbackSchema, FORMATS, rangeSchema, sampleSchema } from './evaluator/routes';
import { CALLBACK_OUTCOMES } from './evaluator/callbacks';
import { evaluationPaths, evaluationSchemas } from './evaluation/openapi';
import { DIMENSIONS, RANK_BY } from './kpis/report';
import { kpiQuerySchema } from './kpis/routes';
import { ratingBody } from './rating';
import { residentActionBody } from './residentActions';
import { wechatRatingBody } from './wechatRating';

const iso = z.string().describe('ISO 8601 date-time');
const rate = z.number().nullable();
const cycleIdPathParam = { name: 'cycleId', in: 'path', required: true, schema: { type: 'string', pattern: '^cycle-[a-z0-9-]{1,100}-\\d{4}$' }, description: 'cycle-<organisationId>-<year>' };

export const ratingOutcomeSchema = z.strictObject({
  trackingCode: z.string(),
  status: z.enum(ORDER_STATUSES),
  rating: z.enum(RATINGS),
  reopened: z.boolean().describe('a dissatisfied rating sent the order back to work, one level up'),
  message: z.string().describe('Chinese sentence for the resident'),
});

export const residentActionOutcomeSchema = z.strictObject({
  trackingCode: z.string(),
  action: z.enum(['urge', 'withdraw']),
  status: z.enum(ORDER_STATUSES),
  /** true when this request did nothing new (a retry, or already done). */
  repeated: z.boolean(),
  message: z.string().describe('Chinese sentence for the resident'),
});

export const boardItemSchema = z.strictObject({
  ref: z.string().describe('public reference (Open311 service_request_id): a one-way digest of the order id that unlocks nothing'),
  placedAt: iso,
  resolvedAt: iso,
  category: z.strictObject({ code: z.string(), name: z.string() }).nullable(),
  unit: z.strictObject({ id: z.string(), name: z.string() }).nullable(),
  content: z.string().describe('scrubbed of personal data'),
  opinion: z.string().nullable(),
  result: z.string().nullable(),
  rating: z.enum(RATINGS).nullable(),
  comment: z.string().nullable(),
  status: z.enum(ORDER_STATUSES),
});
export const boardPageSchema = z.strictObject({ items: z.array(boardItemSchema), page: z.number().int(), pageSize: z.number().int(), hasNext: z.boolean() });

const count = z.number().int();
export const boardProjectSchema = z.strictObject({
  id: z.string(),
  title: z.string().describe('scrubbed of personal data'),
  description: z.string().nullable(),
  origin: z.enum(['bundle', 'proposal']).describe('bundle: 月度打包; proposal: the year’s service list'),
  unit: z.strictObject({ id: z.string(), name: z.string() }),
  status: z.enum(['active', 'completed']),
  percent: count,
  overdue: z.boolean().describe('a milestone was missed and is not reached yet'),
  budget: z.string().nullable().describe('yuan'),
  createdAt: iso,
  completedAt: iso.nullable(),
  result: z.string().nullable(),
  milestones: z.array(z.strictObject({ name: z.string(), dueAt: iso, state: z.enum(['open', 'warned', 'missed', 'reached']), reachedAt: iso.nullable() })),
  orders: z.strictObject({ linked: count, resolved: count, rated: count, satisfied: count, basicallySatisfied: count, dissatisfied: count }).describe('counts only: a project never names its orders publicly'),
});
export const boardProjectDetailSchema = boardProjectSchema.extend({
  timeline: z.array(z.strictObject({ at: iso, type: z.string(), text: z.string().nullable(), percent: count.nullable() })),
});
export const boardProjectsPageSchema = z.strictObject({
  items: z.array(boardProjectSchema),
  page: count,
  pageSize: count,
  hasNext: z.boolean(),
  counts: z.strictObject({ active: count, completed: count }),
});

const cyclePhase = z.enum(CYCLE_STATES);
export const boardCycleSummarySchema = z.strictObject({
  id: z.string().describe('cycle-<organisationId>-<year>'),
  year: count,
  organisation: z.strictObject({ id: z.string(), name: z.string() }),
  phase: cyclePhase,
  phaseName: z.string().describe('the phase in Chinese'),
});
export const boardProposalSchema = z.strictObject({
  reference: z.string().describe('P-XXXX-XXXX'),
  title: z.string().describe('scrubbed of personal data'),
  content: z.string().describe('scrubbed of personal data'),
  category: z.strictObject({ code: z.string(), name: z.string() }).nullable(),
  area: z.strictObject({ id: z.string(), name: z.string() }).nullable(),
  supportCount: count.describe('distinct people; never who'),
  status: z.enum(['open', 'accepted', 'declined']),
  reason: z.string().nullable().describe('the joint meeting’s public reason, scrubbed'),
  decidedAt: iso.nullable(),
  createdAt: iso,
});
export const boardCycleSchema = boardCycleSummarySchema.extend({
  phases: z.array(z.strictObject({ phase: z.enum(CYCLE_PHASES), name: z.string(), startsAt: iso, endsAt: iso, state: z.enum(['done', 'current', 'ahead']) })),
  closesAt: iso,
  dateMoves: z.array(z.strictObject({ at: iso, phase: z.enum(CYCLE_BOUNDARIES), name: z.string(), from: iso, to: iso, reason: z.string().describe('public, scrubbed') })),
  counts: z.strictObject({ open: count, accepted: count, declined: count, merged: count, supports: count }),
  serviceList: z.array(z.strictObject({ proposal: boardProposalSchema, project: boardProjectSchema.nullable().describe('null until the project is in the read model') })),
  declined: z.array(boardProposalSchema),
  open: z.array(boardProposalSchema),
  report: z.strictObject({ published: z.boolean(), url: z.string().nullable().describe('the annual report page once the evaluation has closed') }),
});
export const boardCyclesSchema = z.strictObject({ cycles: z.array(boardCycleSummarySchema) });

const counters = z.strictObject({
  placed: z.number().int(),
  /** The resolution rate's denominator: orders whose result this row is credited with (docs/kpis.md). */
  received: z.number().int(),
  /** The response rate's denominator: orders whose response this row is credited with. */
  responseReceived: z.number().int(),
  respondedOnTime: z.number().int(),
  resolved: z.number().int(),
  satisfied: z.number().int(),
  basicallySatisfied: z.number().int(),
  dissatisfied: z.number().int(),
  rated: z.number().int(),
});
const kpiRow = z.strictObject({
  key: z.string(),
  name: z.string(),
  counters,
  rates: z.strictObject({ response: rate, resolution: rate, satisfaction: rate, composite: rate }),
  rank: z.number().int().nullable(),
});
export const kpiReportSchema = z.strictObject({
  query: z.strictObject({
    by: z.enum(DIMENSIONS),
    from: z.string(),
    to: z.string(),
    rankBy: z.enum(RANK_BY),
    minReceived: z.number().int(),
    unitId: z.string().optional(),
    categoryCode: z.string().optional(),
    streetId: z.string().optional(),
  }),
  settings: z.strictObject({
    basicallySatisfiedWeight: z.number(),
    compositeWeights: z.strictObject({ response: z.number(), resolution: z.number(), satisfaction: z.number() }),
  }),
  total: kpiRow,
  rows: z.array(kpiRow),
});

export const callbackSampleSchema = z.strictObject({
  sample: z.string(),
  populationSize: z.number().int(),
  orders: z.array(
    z.strictObject({
      orderId: z.string(),
      categoryCode: z.string().nullable(),
      unitId: z.string().nullable(),
      status: z.enum(ORDER_STATUSES),
      rating: z.enum(RATINGS).nullable(),
      resolvedAt: iso.nullable().describe('China time (+08:00)'),
      content: z.string(),
    }),
  ),
});
export const callbackRecordSchema = z.strictObject({
  id: z.string(),
  orderId: z.string(),
  sample: z.string().nullable(),
  outcome: z.enum(CALLBACK_OUTCOMES),
  rating: z.enum(RATINGS).nullable(),
  resolved: z.boolean().nullable(),
  note: z.string(),
  evaluatorId: z.string(),
  recordedAt: iso.describe('China time (+08:00)'),
});
export const callbackListSchema = z.strictObject({ records: z.array(callbackRecordSchema) });

const errorSchema = z.strictObject({
  error: z.strictObject({ code: z.string().describe('machine-readable'), message: z.string(), details: z.unknown().optional() }),
});

const toSchema = (schema: z.ZodType, io: 'input' | 'output' = 'output') => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};
const json = (schema: object) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, content: json(ref('Error')) });

/** Query parameters from a zod object schema (validated as `query`). */
function queryParams(schema: z.ZodType): object[] {
  const doc = toSchema(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(doc.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: doc.required?.includes(name) ?? false, schema: s }));
}

const codeParam = { name: 'code', in: 'path', required: true, schema: { type: 'string', example: 'DD-7K3M-Q9TB' } };
const secretHeader = { name: 'X-Order-Secret', in: 'header', required: true, schema: { type: 'string' }, description: 'the secret given with the tracking code (never in the query string)' };
const formatParam = { name: 'format', in: 'path', required: true, schema: toSchema(FORMATS) };
const staff = [{ bearer: [] }];
const evaluatorRoles = 'Roles: evaluator, supervisor, admin (staff token from services/dispatch).';
const download = { description: 'CSV (UTF-8) or XLSX file', content: { 'text/csv': { schema: { type: 'string' } }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } } };

function residentAction(action: 'urge' | 'withdraw', summary: string): object {
  return {
    post: {
      summary,
      tags: ['resident'],
      parameters: [codeParam, secretHeader],
      requestBody: { required: false, content: json(toSchema(residentActionBody, 'input')) },
      responses: {
        200: { description: `the order after the ${action} (idempotent: a retry answers \`repeated: true\`)`, content: json(ref('ResidentActionOutcome')) },
        400: error('invalid body'),
        404: error('unknown code or wrong secret (indistinguishable)'),
        409: error(`the order cannot be ${action === 'urge' ? 'urged' : 'withdrawn'} now; \`code\` says why (not_urgeable / not_withdrawable)`),
        429: error('rate limited'),
        503: error('the order service did not answer in time; retry'),
      },
    },
  };
}

export const openapiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'diandan feedback',
    version: '0.1.0',
    description: '评单 and what follows: the resident rates, urges or withdraws; the public board 回首望; the three rates (响应率、办结率、满意率); the evaluator’s exports and callbacks (回访); the year-end evaluation (scoring per unit and project, frozen when the phase closes) and the annual report (年度报告).',
  },
  servers: [{ url: '/' }],
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'staff access token from services/dispatch' },
      service: { type: 'http', scheme: 'bearer', description: 'FEEDBACK_SERVICE_TOKEN (services/intake only)' },
    },
    schemas: {
      Error: toSchema(errorSchema),
      RatingOutcome: toSchema(ratingOutcomeSchema),
      ResidentActionOutcome: toSchema(residentActionOutcomeSchema),
      BoardPage: toSchema(boardPageSchema),
      BoardProjectsPage: toSchema(boardProjectsPageSchema),
      BoardProject: toSchema(boardProjectDetailSchema),
      BoardCycles: toSchema(boardCyclesSchema),
      BoardCycle: toSchema(boardCycleSchema),
      KpiReport: toSchema(kpiReportSchema),
      CallbackSample: toSchema(callbackSampleSchema),
      CallbackRecord: toSchema(callbackRecordSchema),
      CallbackList: toSchema(callbackListSchema),
      ...Object.fromEntries(Object.entries(evaluationSchemas).map(([name, schema]) => [name, toSchema(schema)])),
    },
  },
  paths: {
    '/v1/orders/track/{code}/rating': {
      post: {
        summary: '评单: the resident rates a handled order (满意 / 基本满意 / 不满意)',
        tags: ['resident'],
        parameters: [codeParam],
        requestBody: { required: true, content: json(toSchema(ratingBody, 'input')) },
        responses: {
          200: { description: 'rated; a dissatisfied rating reopens the order once', content: json(ref('RatingOutcome')) },
          400: error('invalid body'),
          404: error('unknown code or wrong secret (indistinguishable)'),
          409: error('not ratable now (not resolved yet, or closed)'),
        },
      },
    },
    '/v1/orders/track/{code}/urge': residentAction('urge', '催办: the resident urges the unit holding the order (once per stage)'),
    '/v1/orders/track/{code}/withdraw': residentAction('withdraw', '撤回: the resident withdraws an order that is not resolved yet'),
    '/v1/wechat/rating': {
      post: {
        summary: 'a WeChat "评价" message, passed on by services/intake with the sender’s openid',
        tags: ['internal'],
        security: [{ service: [] }],
        requestBody: { required: true, content: json(toSchema(wechatRatingBody, 'input')) },
        responses: { 200: { description: 'rated', content: json(ref('RatingOutcome')) }, 401: error('no or wrong service token'), 404: error('no such order for this sender'), 409: error('not ratable; `details.reason` is not_resolved or closed') },
      },
    },
    '/v1/board': {
      get: {
        summary: '回首望: handled orders, newest result first, scrubbed of personal data (public)',
        tags: ['public'],
        parameters: queryParams(boardQuerySchema),
        responses: { 200: { description: 'one page', content: json(ref('BoardPage')) }, 400: error('invalid query; `details.fields` names each') },
      },
    },
    '/board': {
      get: {
        summary: 'the board as an HTML page (no script); bad input answers an HTML page too',
        tags: ['public'],
        parameters: queryParams(boardQuerySchema),
        responses: { 200: { description: 'page', content: { 'text/html': { schema: { type: 'string' } } } }, 400: { description: 'a page saying, in Chinese, which filter is wrong', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/v1/board/projects': {
      get: {
        summary: '项目公示: projects (monthly bundles and the year’s service list) with progress, milestones and their orders’ ratings (public)',
        tags: ['public'],
        parameters: queryParams(boardProjectsQuerySchema),
        responses: { 200: { description: 'one page, active projects first', content: json(ref('BoardProjectsPage')) }, 400: error('invalid query; `details.fields` names each') },
      },
    },
    '/v1/board/projects/{projectId}': {
      get: {
        summary: 'one project with its public timeline (progress notes, milestones, completion), scrubbed',
        tags: ['public'],
        parameters: [{ name: 'projectId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: { 200: { description: 'the project', content: json(ref('BoardProject')) }, 404: error('no such project') },
      },
    },
    '/board/projects/{projectId}': {
      get: {
        summary: 'one project as an HTML page: progress, milestones, the timeline (no script)',
        tags: ['public'],
        parameters: [{ name: 'projectId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: { 200: { description: 'page', content: { 'text/html': { schema: { type: 'string' } } } }, 404: { description: 'a page saying there is no such project', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/board/projects': {
      get: {
        summary: 'the projects as an HTML page (no script); /board/projects/{projectId} shows one',
        tags: ['public'],
        parameters: queryParams(boardProjectsQuerySchema),
        responses: { 200: { description: 'page', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/v1/board/cycles': {
      get: {
        summary: '年度公示: the annual cycles that have begun, newest year first (public)',
        tags: ['public'],
        responses: { 200: { description: 'the cycles', content: json(ref('BoardCycles')) } },
      },
    },
    '/v1/board/cycles/{cycleId}': {
      get: {
        summary: 'one cycle’s whole year: phases with dates, moved dates with reasons, the service list with its projects’ progress, declined proposals with their public reasons, open proposals; scrubbed (public)',
        tags: ['public'],
        parameters: [cycleIdPathParam],
        responses: { 200: { description: 'the year', content: json(ref('BoardCycle')) }, 404: error('no such cycle, or it has not begun') },
      },
    },
    '/board/cycles': {
      get: {
        summary: 'the years as an HTML page (no script); /board/cycles/{cycleId} shows one',
        tags: ['public'],
        responses: { 200: { description: 'page', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/board/cycles/{cycleId}': {
      get: {
        summary: 'one cycle’s whole year as an HTML page (no script)',
        tags: ['public'],
        parameters: [cycleIdPathParam],
        responses: { 200: { description: 'page', content: { 'text/html': { schema: { type: 'string' } } } }, 404: { description: 'a page saying there is no such cycle', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/v1/kpis': {
      get: {
        summary: 'the three rates per unit, category, street or month, ranked (aggregates only; public)',
        tags: ['public'],
        parameters: queryParams(kpiQuerySchema),
        responses: { 200: { description: 'report', content: json(ref('KpiReport')) }, 400: error('invalid query') },
      },
    },
    '/v1/evaluator/orders.{format}': {
      get: {
        summary: 'anonymised orders placed in a month range, as CSV or XLSX',
        description: evaluatorRoles,
        tags: ['evaluator'],
        security: staff,
        parameters: [formatParam, ...queryParams(rangeSchema)],
        responses: { 200: download, 400: error('invalid range or format'), 401: error('no or invalid token'), 403: error('role') },
      },
    },
    '/v1/evaluator/kpis.{format}': {
      get: {
        summary: 'the three rates as CSV or XLSX (same query as /v1/kpis)',
        description: evaluatorRoles,
        tags: ['evaluator'],
        security: staff,
        parameters: [formatParam, ...queryParams(kpiQuerySchema)],
        responses: { 200: download, 400: error('invalid query or format'), 401: error('no or invalid token'), 403: error('role') },
      },
    },
    '/v1/evaluator/callbacks/sample': {
      post: {
        summary: '回访: a reproducible sample of a month’s orders to call back (same seed → same sample)',
        description: evaluatorRoles,
        tags: ['evaluator'],
        security: staff,
        requestBody: { required: true, content: json(toSchema(sampleSchema, 'input')) },
        responses: { 200: { description: 'the sample', content: json(ref('CallbackSample')) }, 400: error('invalid body'), 401: error('no or invalid token'), 403: error('role') },
      },
    },
    '/v1/evaluator/callbacks': {
      post: {
        summary: 'record the outcome of one callback (the note is scrubbed before it is stored)',
        description: evaluatorRoles,
        tags: ['evaluator'],
        security: staff,
        requestBody: { required: true, content: json(toSchema(callbackSchema, 'input')) },
        responses: { 201: { description: 'recorded', content: json(ref('CallbackRecord')) }, 400: error('invalid body'), 401: error('no or invalid token'), 403: error('role'), 404: error('unknown order') },
      },
      get: {
        summary: 'recorded callbacks of a sample or an order',
        description: evaluatorRoles,
        tags: ['evaluator'],
        security: staff,
        parameters: [
          { name: 'sample', in: 'query', schema: { type: 'string' } },
          { name: 'orderId', in: 'query', schema: { type: 'string', format: 'uuid' } },
        ],
        responses: { 200: { description: 'records, oldest first', content: json(ref('CallbackList')) }, 400: error('give sample or orderId'), 401: error('no or invalid token'), 403: error('role') },
      },
    },
    ...evaluationPaths(toSchema, queryParams),
  },
};
