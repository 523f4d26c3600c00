// The knowledge-base and duplicate paths of the staff API's OpenAPI document, from the schemas the
// routes validate with (joined into ../api/openapi.ts).
import { z } from 'zod';
import { kpiQuerySchema } from './kpi';
import { entryPatchSchema, entrySchema, listSchema, proposalSchema, reviewSchema, searchSchema } from './routes';

const json = (schema: object) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const secured = [{ bearer: [] }];
const tags = ['knowledge'];
function queryParams(schema: z.ZodType): object[] {
  const doc = schemaOf(schema) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(doc.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: doc.required?.includes(name) ?? false, schema: s }));
}
const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
const get = (summary: string, roles: string, parameters: object[], t = tags) => ({
  get: { summary, description: `Roles: ${roles}.`, tags: t, security: secured, parameters, responses: { 200: { description: 'OK', content: json({ type: 'object' }) }, 400: error('invalid query (names the field)'), 401: error('no or invalid token'), 403: error('role or unit scope'), 404: error('not found') } },
});
const post = (summary: string, roles: string, schema: z.ZodType, parameters: object[] = [], extra: Record<number, object> = {}) => ({
  summary,
  description: `Roles: ${roles}.`,
  tags,
  security: secured,
  parameters,
  requestBody: { required: true, content: json(schemaOf(schema)) },
  responses: { 200: { description: 'the entry', content: json({ type: 'object' }) }, 400: error('invalid input (names the field)'), 401: error('no or invalid token'), 403: error('role or unit scope'), 404: error('unknown entry, order, category or unit'), ...extra },
});
const conflict = { 409: error('the entry changed since the version you edited (version_conflict), or is not in a state that allows this') };

export function knowledgeOpenApiPaths(): Record<string, object> {
  return {
    '/v1/knowledge': {
      ...get('知识库: entries, newest change first; filter by status, category, or words the question, answer or keywords contain', 'every staff role but evaluator', queryParams(listSchema)),
      post: post('write an entry (approved as written); version 1 of its history', 'dispatcher, admin', entrySchema, [], { 201: { description: 'created' } }),
    },
    '/v1/knowledge/search': get('ranked search (jieba words, IDF-weighted; docs/knowledge.md): only approved entries inside their validity', 'every staff role but evaluator', queryParams(searchSchema)),
    '/v1/knowledge/kpi': get('the on-the-spot-from-the-knowledge-base rate by month and category: placed, answered on the spot, answered with an entry, and their shares', 'dispatcher, supervisor, evaluator, admin', queryParams(kpiQuerySchema)),
    '/v1/knowledge/proposals': {
      post: post(
        'a unit proposes an entry from a consultation it resolved (answer defaults to the order’s result); a dispatcher approves or rejects it. Proposing again for the same order answers the existing entry (repeated: true)',
        'unit_handler (orders of its unit, resolved)',
        proposalSchema,
        [],
        { 201: { description: 'proposed' }, 409: error('the order is not resolved yet') },
      ),
    },
    '/v1/knowledge/{entryId}': {
      ...get('one entry with its whole version history, newest first', 'every staff role but evaluator', [idParam('entryId')]),
      patch: post('change an entry: a new version; `version` names the one you edited', 'dispatcher, admin', entryPatchSchema, [idParam('entryId')], conflict),
    },
    '/v1/knowledge/{entryId}/approve': { post: post('approve a proposed entry: from now on it is suggested while valid', 'dispatcher', reviewSchema, [idParam('entryId')], conflict) },
    '/v1/knowledge/{entryId}/reject': { post: post('reject a proposed entry', 'dispatcher', reviewSchema, [idParam('entryId')], conflict) },
    '/v1/knowledge/{entryId}/retire': { post: post('retire an approved entry: never suggested again (its history stays)', 'dispatcher', reviewSchema, [idParam('entryId')], conflict) },
    '/v1/orders/{orderId}/knowledge': get('即接即办: the entries that may answer this order now, best first, with score and the words they matched', 'operator, dispatcher, supervisor', [idParam('orderId')]),
    '/v1/orders/{orderId}/duplicates': get(
      'likely duplicates among open orders (same or related category, same place or distance, similar words, within the window), each with score and reason; and the order’s merge links (`mergedInto`, `duplicates`)',
      'operator, dispatcher, supervisor',
      [idParam('orderId')],
      ['merge'],
    ),
  };
}
