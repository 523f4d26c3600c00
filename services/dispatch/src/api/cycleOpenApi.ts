// The annual cycle's part of the staff API's OpenAPI document, from the schemas its routes validate with.
import { z } from 'zod';
import { cycleListSchema, cycleMoveDateSchema, cycleStartSchema } from './cycles';

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

export function cycleOpenApiPaths(): Record<string, object> {
  return {
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
