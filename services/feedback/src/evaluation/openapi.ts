// The year-end evaluation's part of feedback's OpenAPI document (merged in ../openapi.ts). Request
// schemas are the routes' own zod schemas; response schemas are strict zod schemas the tests parse
// real answers with. Every time is China time: `…+08:00` in JSON, 北京时间 text in files.
import { z } from 'zod';
import { EVALUATION_TARGETS } from '@diandan/domain';
import { criteriaBody } from './criteria';
import { DATASET_PARTS } from './dataset';
import { ordersPageQuery } from './routes';
import { sheetBody } from './sheets';

const chinaTime = z.string().describe('ISO 8601 in China time, e.g. 2026-12-01T09:30:00.000+08:00');
const target = z.enum(EVALUATION_TARGETS);

export const cycleSummarySchema = z.strictObject({
  id: z.string(),
  organisation: z.string().describe('the organisation’s unit id'),
  year: z.number().int(),
  phase: z.string(),
  evaluationPhase: z.string(),
  scoringOpen: z.boolean().describe('scores may be written now (the phase is the evaluation phase)'),
  published: z.boolean().describe('the evaluation has closed: scores are frozen and the annual report is public'),
});
export const criterionSchema = z.strictObject({
  id: z.string(),
  target,
  name: z.string(),
  description: z.string(),
  weight: z.number(),
  maxScore: z.number(),
  position: z.number().int(),
  share: z.number().describe('weight / sum of the target’s weights (0–1)'),
});
const criterionScore = z.strictObject({ criterionId: z.string(), score: z.number(), comment: z.string().optional() });
export const sheetSchema = z.strictObject({
  cycleId: z.string(),
  target,
  targetId: z.string(),
  scores: z.array(criterionScore),
  comment: z.string(),
  revision: z.number().int(),
  evaluatorId: z.string(),
  evaluatorName: z.string(),
  updatedAt: chinaTime,
  total: z.number().nullable().describe('weighted total on 0–100; null until every criterion of the target is scored'),
  complete: z.boolean(),
});
export const scoringFormSchema = z.strictObject({
  cycle: cycleSummarySchema,
  criteria: z.array(criterionSchema),
  targets: z.strictObject({
    units: z.array(z.strictObject({ id: z.string(), name: z.string(), level: z.string() })),
    projects: z.array(z.strictObject({ id: z.string(), name: z.string(), ownerUnitName: z.string() })),
  }),
  sheets: z.array(sheetSchema),
});
export const revisionListSchema = z.strictObject({
  revisions: z.array(z.strictObject({ revision: z.number().int(), scores: z.array(criterionScore), comment: z.string(), evaluatorId: z.string(), evaluatorName: z.string(), at: chinaTime })),
});
export const evaluatorListSchema = z.strictObject({
  evaluators: z.array(z.strictObject({ userId: z.string(), username: z.string(), displayName: z.string(), assignedAt: chinaTime })),
});

const json = (schema: object) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, content: json(ref('Error')) });
const staff = [{ bearer: [] }];
const cycleParam = { name: 'cycleId', in: 'path', required: true, schema: { type: 'string', example: 'cycle-jiangbei-federation-2026' } };
const targetParams = [
  { name: 'target', in: 'path', required: true, schema: { type: 'string', enum: [...EVALUATION_TARGETS] } },
  { name: 'targetId', in: 'path', required: true, schema: { type: 'string' }, description: 'a unit id, or a project id of this cycle' },
];
const common = { 401: error('no or invalid token'), 403: error('role, or `out_of_scope`: an evaluator account reaches its own cycle only (`no_cycle`: bound to none)'), 404: error('no such cycle') };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const files = (types: string[]) => ({ description: 'a file (times in China time, 北京时间 in the headers)', content: Object.fromEntries(types.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) });
const reportDescription = 'The annual report (年度报告): the year’s orders and the three rates (from the same rollup as /v1/kpis), the cycle’s projects and their outcomes, the score sheets. `format`: json, xlsx or pdf.';

export const evaluationSchemas = {
  CycleSummary: cycleSummarySchema,
  Criterion: criterionSchema,
  ScoreSheet: sheetSchema,
  ScoringForm: scoringFormSchema,
  RevisionList: revisionListSchema,
  EvaluatorList: evaluatorListSchema,
};

export function evaluationPaths(toSchema: (schema: z.ZodType, io?: 'input' | 'output') => object, queryParams: (schema: z.ZodType) => object[]) {
  const roles = (who: string) => `Roles: ${who}. An evaluator account is bound to one cycle and reaches only it.`;
  return {
    '/v1/evaluation/cycles': {
      get: {
        summary: 'the cycles this account reaches (an evaluator: its one cycle)',
        description: roles('evaluator, supervisor, admin'),
        tags: ['evaluation'],
        security: staff,
        responses: { 200: { description: 'cycles', content: json({ type: 'object', required: ['cycles'], properties: { cycles: { type: 'array', items: ref('CycleSummary') } } }) }, 401: common[401], 403: common[403] },
      },
    },
    '/v1/evaluation/cycles/{cycleId}': {
      get: {
        summary: 'the scoring form: the cycle, its criteria, the units and projects to score, every sheet so far',
        description: roles('evaluator, supervisor, admin'),
        tags: ['evaluation'],
        security: staff,
        parameters: [cycleParam],
        responses: { 200: { description: 'form', content: json(ref('ScoringForm')) }, ...common },
      },
    },
    '/v1/evaluation/cycles/{cycleId}/criteria': {
      put: {
        summary: '评分指标: replace the cycle’s criteria (until the evaluation phase closes). Weights: any positive numbers, normalised to shares',
        description: roles('admin'),
        tags: ['evaluation'],
        security: staff,
        parameters: [cycleParam],
        requestBody: { required: true, content: json(toSchema(criteriaBody, 'input')) },
        responses: {
          200: { description: 'the criteria now', content: json({ type: 'object', required: ['criteria'], properties: { criteria: { type: 'array', items: ref('Criterion') } } }) },
          400: error('`invalid_criteria`: empty or duplicate name, weight or maximum not positive (`details.problems`)'),
          ...common,
          409: error('`evaluation_closed` (the evaluation is over) or `criterion_scored` (a criterion with scores cannot be removed or its maximum lowered below a score)'),
        },
      },
    },
    '/v1/evaluation/cycles/{cycleId}/sheets/{target}/{targetId}': {
      put: {
        summary: '评分表: save a new revision of a unit’s or project’s score sheet (only during the evaluation phase)',
        description: roles('evaluator'),
        tags: ['evaluation'],
        security: staff,
        parameters: [cycleParam, ...targetParams],
        requestBody: { required: true, content: json(toSchema(sheetBody, 'input')) },
        responses: {
          200: { description: 'the sheet', content: json(ref('ScoreSheet')) },
          400: error('`invalid_scores`: a score out of 0…maximum, a criterion of another target or cycle, one criterion twice'),
          ...common,
          404: error('no such cycle, unit, or project of this cycle'),
          409: error('`evaluation_closed`: the cycle is not in its evaluation phase (`details.phase` names it); `revision_conflict`: the sheet moved on since `expectedRevision`'),
        },
      },
    },
    '/v1/evaluation/cycles/{cycleId}/sheets/{target}/{targetId}/revisions': {
      get: {
        summary: 'every revision of a sheet: who scored what, when (the audit)',
        description: roles('evaluator, supervisor, admin'),
        tags: ['evaluation'],
        security: staff,
        parameters: [cycleParam, ...targetParams],
        responses: { 200: { description: 'oldest first', content: json(ref('RevisionList')) }, ...common },
      },
    },
    '/v1/evaluation/cycles/{cycleId}/evaluators': {
      get: {
        summary: 'the evaluator accounts bound to the cycle',
        description: roles('admin, supervisor'),
        tags: ['evaluation'],
        security: staff,
        parameters: [cycleParam],
        responses: { 200: { description: 'evaluators', content: json(ref('EvaluatorList')) }, ...common },
      },
    },
    '/v1/evaluation/cycles/{cycleId}/evaluators/{userId}': {
      put: {
        summary: 'bind an evaluator account to this cycle (an account has one cycle: binding moves it)',
        description: roles('admin'),
        tags: ['evaluation'],
        security: staff,
        parameters: [cycleParam, { name: 'userId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          200: { description: 'bound', content: json({ type: 'object', required: ['userId', 'cycleId', 'assignedAt'], properties: { userId: { type: 'string' }, cycleId: { type: 'string' }, assignedAt: { type: 'string' } } }) },
          ...common,
          404: error('no such cycle or user'),
          409: error('`not_an_evaluator`: only evaluator accounts are bound'),
        },
      },
      delete: {
        summary: 'unbind an evaluator account',
        description: roles('admin'),
        tags: ['evaluation'],
        security: staff,
        parameters: [cycleParam, { name: 'userId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: { 204: { description: 'unbound (or was not bound)' }, ...common },
      },
    },
    '/v1/evaluation/cycles/{cycleId}/dataset': {
      get: {
        summary: 'the evaluator’s data set at a glance (anonymised): projects, the three rates per unit, callbacks, the number of orders',
        description: roles('evaluator, supervisor, admin'),
        tags: ['evaluation'],
        security: staff,
        parameters: [cycleParam],
        responses: { 200: { description: 'data set', content: json({ type: 'object' }) }, ...common },
      },
    },
    '/v1/evaluation/cycles/{cycleId}/dataset/orders': {
      get: {
        summary: 'the year’s orders, anonymised and scrubbed, a page at a time in id order',
        description: roles('evaluator, supervisor, admin'),
        tags: ['evaluation'],
        security: staff,
        parameters: [cycleParam, ...queryParams(ordersPageQuery)],
        responses: { 200: { description: '`next` is the `after` of the next page, null at the end', content: json({ type: 'object', required: ['orders', 'next'], properties: { orders: { type: 'array', items: { type: 'object' } }, next: { type: ['string', 'null'] } } }) }, 400: error('invalid query'), ...common },
      },
    },
    '/v1/evaluation/cycles/{cycleId}/dataset/{part}.{format}': {
      get: {
        summary: 'one part of the data set as CSV (UTF-8 with BOM) or XLSX',
        description: roles('evaluator, supervisor, admin'),
        tags: ['evaluation'],
        security: staff,
        parameters: [cycleParam, { name: 'part', in: 'path', required: true, schema: { type: 'string', enum: [...DATASET_PARTS] } }, { name: 'format', in: 'path', required: true, schema: { type: 'string', enum: ['csv', 'xlsx'] } }],
        responses: { 200: files(['text/csv', XLSX]), 400: error('unknown part or format'), ...common },
      },
    },
    '/v1/evaluation/cycles/{cycleId}/report.{format}': {
      get: {
        summary: 'the annual report at any phase (a draft until the evaluation closes)',
        description: `${roles('evaluator, supervisor, admin')} ${reportDescription}`,
        tags: ['evaluation'],
        security: staff,
        parameters: [cycleParam, { name: 'format', in: 'path', required: true, schema: { type: 'string', enum: ['json', 'xlsx', 'pdf'] } }],
        responses: { 200: { description: 'the report', content: { 'application/json': { schema: { type: 'object' } }, [XLSX]: { schema: { type: 'string', format: 'binary' } }, 'application/pdf': { schema: { type: 'string', format: 'binary' } } } }, 400: error('unknown format'), ...common, 503: error('`pdf_font_missing`: no CJK font installed for the PDF') },
      },
    },
    '/v1/annual-reports/{cycleId}': {
      get: {
        summary: '年度报告 (public): the annual report as JSON, once the evaluation has closed',
        description: reportDescription,
        tags: ['public'],
        parameters: [cycleParam],
        responses: { 200: { description: 'the report', content: json({ type: 'object' }) }, 404: error('no such cycle, or its evaluation has not closed') },
      },
    },
    '/board/annual-report/{cycleId}': {
      get: {
        summary: '年度报告 (public): the annual report as a page on the board (no script), with its downloads',
        tags: ['public'],
        parameters: [cycleParam],
        responses: { 200: { description: 'page', content: { 'text/html': { schema: { type: 'string' } } } }, 404: { description: 'a page: not published', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/board/annual-report/{cycleId}/report.{format}': {
      get: {
        summary: '年度报告 (public): download as XLSX or PDF (or JSON)',
        tags: ['public'],
        parameters: [cycleParam, { name: 'format', in: 'path', required: true, schema: { type: 'string', enum: ['json', 'xlsx', 'pdf'] } }],
        responses: { 200: files([XLSX, 'application/pdf']), 404: { description: 'a page: not published', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
  };
}
