// The annual cycle's part of the staff API's OpenAPI document, from the schemas its routes validate with.
import { z } from 'zod';
import { cycleListSchema, cycleMoveDateSchema, cycleStartSchema } from './cycles';
import { decideProposalSchema, mergeProposalSchema, proposalRankingSchema } from './proposals';

const json = (schema: object) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const bodySchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const secured = [{ bearer: [] }];
const cycleIdParam = { name: 'cycleId', in: 'path', required: true, schema: { type: 'string', pattern: '^cycle-.+-\\d{4}$' }, description: 'cycle-<organisationId>-<year>' };

function queryParams(schema: z.ZodType): object[] {
  const doc = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(doc.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: doc.required?.includes(name) ?? false, schema: s }));
}

const READERS = 'admin, supervisor, dispatcher, evaluator, district_officer, street_officer, operator, unit_handler';
const proposalIdParam = { name: 'proposalId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

function proposalPaths(): Record<string, object> {
  return {
    '/v1/cycles/{cycleId}/proposals': {
      get: {
        summary: '提议排名: the cycle’s proposals ranked by supports, then category, then age (merged ones left out unless asked), scrubbed of personal data',
        description: 'Roles: admin, supervisor, dispatcher, operator, evaluator, district_officer.',
        tags: ['cycles'],
        security: secured,
        parameters: [cycleIdParam, ...queryParams(proposalRankingSchema)],
        responses: { 200: { description: 'OK', content: json({ type: 'object' }) }, 400: error('invalid query'), 401: error('no or invalid token'), 403: error('role'), 404: error('unknown cycle') },
      },
    },
    '/v1/proposals/{proposalId}/merge': {
      post: {
        summary: 'merge a duplicate proposal into another open one of the same cycle: its supports move, a person who supported both counts once',
        description: 'Roles: supervisor, dispatcher. Only in the solicitation and selection phases.',
        tags: ['cycles'],
        security: secured,
        parameters: [proposalIdParam],
        requestBody: { required: true, content: json(bodySchema(mergeProposalSchema)) },
        responses: {
          200: { description: 'merged: supports moved, already counted, the survivor’s count', content: json({ type: 'object' }) },
          400: error('invalid input, into itself, another cycle'),
          401: error('no or invalid token'),
          403: error('role'),
          404: error('unknown proposal'),
          409: error('a proposal is not open, or the phase does not allow merging'),
        },
      },
    },
    '/v1/proposals/{proposalId}/decision': {
      post: {
        summary: 'the joint meeting accepts (with the project it becomes: owning unit, milestones) or declines a proposal, with a public reason',
        description: 'Roles: dispatcher, supervisor, admin. Sent to the cycle’s workflow (`cycleDecideProposal` update): only in the selection phase; a decision is final (the same again is a no-op). An accepted proposal starts its `project` workflow (origin `proposal`).',
        tags: ['cycles'],
        security: secured,
        parameters: [proposalIdParam],
        requestBody: { required: true, content: json(bodySchema(decideProposalSchema)) },
        responses: {
          200: { description: 'the decision and the project id', content: json({ type: 'object' }) },
          400: error('invalid input: no reason, accepted without a project, bad milestones'),
          401: error('no or invalid token'),
          403: error('role'),
          404: error('unknown proposal or unit'),
          409: error('not in the selection phase, merged, or decided otherwise already'),
          503: error('the cycle service did not answer in time'),
        },
      },
    },
  };
}

export function cycleOpenApiPaths(): Record<string, object> {
  return {
    ...proposalPaths(),
    '/v1/cycles': {
      get: {
        summary: '年度周期: the annual cycles (newest year first) with their phase, the date each phase begins, and whether the evaluation is open',
        description: `Roles: ${READERS}.`,
        tags: ['cycles'],
        security: secured,
        parameters: queryParams(cycleListSchema),
        responses: { 200: { description: 'OK', content: json({ type: 'object' }) }, 400: error('invalid query'), 401: error('no or invalid token'), 403: error('role') },
      },
      post: {
        summary: 'start the annual cycle of an organisation and year (default dates on the working calendar); a second start answers 200 {repeated: true}',
        description: 'Roles: admin. The workflow id is the cycle id (cycle-<organisationId>-<year>); a closed cycle is never started again.',
        tags: ['cycles'],
        security: secured,
        requestBody: { required: true, content: json(bodySchema(cycleStartSchema)) },
        responses: {
          201: { description: 'started', content: json({ type: 'object' }) },
          200: { description: 'already started (repeated: true)', content: json({ type: 'object' }) },
          400: error('invalid input, or the unit is not an organisation'),
          401: error('no or invalid token'),
          403: error('not an admin'),
          404: error('unknown unit'),
        },
      },
    },
    '/v1/cycles/{cycleId}': {
      get: {
        summary: 'one cycle with its timeline (phase changes, moved dates with their reasons, decisions on proposals)',
        description: `Roles: ${READERS}.`,
        tags: ['cycles'],
        security: secured,
        parameters: [cycleIdParam],
        responses: { 200: { description: 'OK', content: json({ type: 'object' }) }, 401: error('no or invalid token'), 403: error('role'), 404: error('unknown cycle') },
      },
    },
    '/v1/cycles/{cycleId}/dates': {
      post: {
        summary: 'move the date a phase begins (a day: the start of office hours on the first working day from it; or an instant), with a public reason; the workflow’s timer moves with it',
        description: 'Roles: admin. Sent to the cycle’s workflow (`cycleMoveDate` update), which decides: a date that has passed cannot move, and the phases keep their order.',
        tags: ['cycles'],
        security: secured,
        parameters: [cycleIdParam],
        requestBody: { required: true, content: json(bodySchema(cycleMoveDateSchema)) },
        responses: {
          200: { description: 'the cycle’s dates after the move', content: json({ type: 'object' }) },
          400: error('invalid input: no reason, not a date, out of the phases’ order, in the past'),
          401: error('no or invalid token'),
          403: error('not an admin'),
          404: error('unknown cycle'),
          409: error('the boundary’s date has passed, or the cycle is closed'),
          503: error('the cycle service did not answer in time'),
        },
      },
    },
  };
}
