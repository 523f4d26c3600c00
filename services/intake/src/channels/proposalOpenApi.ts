// The proposals and supports of the annual cycle in intake's OpenAPI document: request schemas are
// the zod schemas the routes validate with; answers are strict zod schemas too, which the tests
// parse real answers with (an added or renamed field fails), so the resident pages' generated
// types cannot drift from the code (docs/annual-cycle.md).
import { z } from 'zod';
import { CYCLE_STATES } from '@diandan/domain';
import { currentCycleQuerySchema, hotlineProposalSchema, hotlineSupportSchema, letterProposalSchema, proposalListSchema, proposalRequestSchema, supportCodeRequestSchema, supportRequestSchema } from './proposals';

const iso = z.string().describe('ISO 8601 date-time');
const count = z.number().int();

export const publicProposalSchema = z.strictObject({
  id: z.uuid(),
  reference: z.string().describe('P-XXXX-XXXX: what residents quote'),
  cycleId: z.string(),
  title: z.string().describe('scrubbed of personal data'),
  content: z.string().describe('scrubbed of personal data'),
  categoryCode: z.string().nullable(),
  areaId: z.string().nullable().describe('the street or community it is about'),
  status: z.enum(['open', 'accepted', 'declined', 'merged']),
  mergedIntoId: z.uuid().nullable().describe('a merged proposal’s survivor (its supports moved there)'),
  supportCount: count,
  decisionReason: z.string().nullable().describe('the joint meeting’s public reason'),
  decidedAt: iso.nullable(),
  projectId: z.uuid().nullable().describe('an accepted proposal’s project (项目公示 on the board)'),
  createdAt: iso,
});
export const placedProposalSchema = publicProposalSchema.extend({ repeated: z.boolean().describe('true: this Idempotency-Key placed it before') });
export const letterProposalPlacedSchema = publicProposalSchema.extend({
  repeated: z.boolean().describe('true: this letter number was entered before; the answer is the proposal it made'),
  letterId: z.string().describe('the letter’s registration number, as entered'),
});
export const hotlineProposalPlacedSchema = publicProposalSchema.extend({
  repeated: z.boolean().describe('true: this call id was entered before; the answer is the proposal it made'),
  callId: z.string().describe('the call centre’s call id, as entered'),
});
export const proposalPageSchema = z.strictObject({ total: count, proposals: z.array(publicProposalSchema) });
export const supportResultSchema = z.strictObject({
  proposal: z.string().describe('the reference the support counts on (a merged proposal’s survivor)'),
  supportCount: count,
  repeated: z.boolean().describe('true: this person supported it before; nothing was counted'),
});
export const supportCodeSentSchema = z.strictObject({ sent: z.literal(true), expiresInSeconds: count });
export const currentCycleSchema = z.strictObject({
  id: z.string().describe('cycle-<organisationId>-<year>'),
  organisationId: z.string(),
  organisationName: z.string(),
  year: count,
  phase: z.enum(CYCLE_STATES),
  phaseName: z.string().describe('the phase in Chinese'),
  takesProposals: z.boolean(),
  takesSupports: z.boolean(),
  solicitationStartsAt: iso,
  selectionStartsAt: iso.describe('solicitation ends then'),
  areas: z.array(z.strictObject({ id: z.string(), name: z.string(), kind: z.enum(['street', 'community']) })),
  supportCodeKinds: z.array(z.enum(['email', 'phone'])).describe('where a one-time code can be sent here (phone: by SMS); the support form offers these'),
});

const toSchema = (schema: z.ZodType, io: 'input' | 'output' = 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });
const json = (schema: object) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, content: json(ref('Error')) });
function queryParams(schema: z.ZodType): object[] {
  const doc = toSchema(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(doc.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: doc.required?.includes(name) ?? false, schema: s }));
}
const referenceParam = { name: 'reference', in: 'path', required: true, schema: { type: 'string', pattern: '^P-[0-9A-F]{4}-[0-9A-F]{4}$' } };
const limited = { 429: error('too many: the abuse limits (per person, per address) or the rate limit; `Retry-After` says when') };

export const proposalSchemas = {
  PublicProposal: toSchema(publicProposalSchema),
  PlacedProposal: toSchema(placedProposalSchema),
  LetterProposalPlaced: toSchema(letterProposalPlacedSchema),
  HotlineProposalPlaced: toSchema(hotlineProposalPlacedSchema),
  ProposalPage: toSchema(proposalPageSchema),
  SupportResult: toSchema(supportResultSchema),
  SupportCodeSent: toSchema(supportCodeSentSchema),
  CurrentCycle: toSchema(currentCycleSchema),
};

export const proposalPaths = {
  '/v1/cycles/current': {
    get: {
      summary: '年度周期: the organisation’s newest cycle (the one that takes proposals), its phase, whether it takes proposals and supports now, and the areas a proposal may name',
      tags: ['proposals'],
      parameters: queryParams(currentCycleQuerySchema),
      responses: { 200: { description: 'the cycle', content: json(ref('CurrentCycle')) }, 400: error('invalid query'), 404: error('the organisation has no cycle') },
    },
  },
  '/v1/proposals': {
    get: {
      summary: 'a cycle’s proposals, most supported first (merged ones left out unless asked), scrubbed of personal data',
      tags: ['proposals'],
      parameters: queryParams(proposalListSchema),
      responses: { 200: { description: 'one page', content: json(ref('ProposalPage')) }, 400: error('invalid query') },
    },
    post: {
      summary: '提议: a resident’s proposal to the cycle in solicitation (title, content, category, area)',
      description: 'Only while the organisation’s newest cycle is in `solicitation` (409 otherwise). At most `proposalsPerDay` from one client address (429).',
      tags: ['proposals'],
      parameters: [{ name: 'Idempotency-Key', in: 'header', schema: { type: 'string', minLength: 16, maxLength: 255 }, description: 'same key → the same proposal (200, repeated: true)' }],
      requestBody: { required: true, content: json(toSchema(proposalRequestSchema, 'input')) },
      responses: {
        201: { description: 'placed', content: json(ref('PlacedProposal')) },
        200: { description: 'the same Idempotency-Key again: the proposal it placed', content: json(ref('PlacedProposal')) },
        400: error('invalid input; `details.fields` names each field'),
        409: error('no cycle takes proposals now (the phase is named)'),
        ...limited,
      },
    },
  },
  '/v1/proposals/{reference}': {
    get: {
      summary: 'one proposal, scrubbed, with its status, supports, the public reason and the project',
      tags: ['proposals'],
      parameters: [referenceParam],
      responses: { 200: { description: 'the proposal', content: json(ref('PublicProposal')) }, 404: error('no such proposal') },
    },
  },
  '/v1/proposals/support-codes': {
    post: {
      summary: '附议验证码: sends a six-digit code to an e-mail address (intake’s outgoing SMTP) or a mainland mobile number (SMS); it proves the address or number for ten minutes, several supports',
      description: '`GET /v1/cycles/current` says which kinds are configured (`supportCodeKinds`). At most `codesPerHour` codes an hour for one e-mail address or number, and `codesPerAddressPerHour` from one client address (429).',
      tags: ['proposals'],
      requestBody: { required: true, content: json(toSchema(supportCodeRequestSchema, 'input')) },
      responses: {
        202: { description: 'sent', content: json(ref('SupportCodeSent')) },
        400: error('not an e-mail address or mobile number'),
        ...limited,
        503: error('codes of this kind are not configured here, or the code could not be sent now (nothing counted; ask again later)'),
      },
    },
  },
  '/v1/proposals/{reference}/supports': {
    post: {
      summary: '附议: supports a proposal once per person, proven by the code sent to the identity',
      description: 'A retry (or the same person again) answers 200 `repeated: true` and counts nothing. A support of a merged proposal counts on its survivor.',
      tags: ['proposals'],
      parameters: [referenceParam],
      requestBody: { required: true, content: json(toSchema(supportRequestSchema, 'input')) },
      responses: {
        201: { description: 'counted', content: json(ref('SupportResult')) },
        200: { description: 'supported before: nothing counted', content: json(ref('SupportResult')) },
        400: error('invalid input'),
        403: error('`code_invalid`: the code is wrong, expired or used up'),
        404: error('no such proposal'),
        409: error('the proposal or the phase takes no more supports'),
        ...limited,
      },
    },
  },
  '/v1/letters/proposals': {
    post: {
      summary: '来信提议: an operator enters the proposal a letter makes (one proposal per letter registration number)',
      description:
        'Only the words are kept (no sender fields: unknown fields are refused); every public page shows them scrubbed of personal data. The same `letterId` again answers 200 with the proposal it made (`repeated: true`), even after solicitation closed. A new letter only while the organisation’s newest cycle is in `solicitation` (409 otherwise).',
      tags: ['proposals'],
      security: [{ operator: [] }],
      requestBody: { required: true, content: json(toSchema(letterProposalSchema, 'input')) },
      responses: {
        201: { description: 'placed', content: json(ref('LetterProposalPlaced')) },
        200: { description: 'this letter number was entered before: the proposal it made', content: json(ref('LetterProposalPlaced')) },
        400: error('invalid input (a missing letterId, an unknown category or area, a field that is not ours); `details.fields` names each field'),
        401: error('no operator token'),
        409: error('no cycle takes proposals now (the phase is named)'),
      },
    },
  },
  '/v1/hotline/proposals': {
    post: {
      summary: '电话提议: an operator enters a hotline caller’s proposal (one proposal per call id)',
      description:
        'As a letter: only the words, scrubbed on every public page; unknown fields are refused. The same `callId` again answers 200 with the proposal it made (`repeated: true`). A new call only while the organisation’s newest cycle is in `solicitation` (409 otherwise).',
      tags: ['proposals'],
      security: [{ operator: [] }],
      requestBody: { required: true, content: json(toSchema(hotlineProposalSchema, 'input')) },
      responses: {
        201: { description: 'placed', content: json(ref('HotlineProposalPlaced')) },
        200: { description: 'this call id was entered before: the proposal it made', content: json(ref('HotlineProposalPlaced')) },
        400: error('invalid input; `details.fields` names each field'),
        401: error('no operator token'),
        409: error('no cycle takes proposals now (the phase is named)'),
      },
    },
  },
  '/v1/hotline/proposals/{reference}/supports': {
    post: {
      summary: 'a hotline caller’s support, entered by an operator (the caller’s number is the identity)',
      tags: ['proposals'],
      security: [{ operator: [] }],
      parameters: [referenceParam],
      requestBody: { required: true, content: json(toSchema(hotlineSupportSchema, 'input')) },
      responses: {
        201: { description: 'counted', content: json(ref('SupportResult')) },
        200: { description: 'this caller supported it before: nothing counted', content: json(ref('SupportResult')) },
        400: error('invalid input'),
        401: error('no operator token'),
        404: error('no such proposal'),
        409: error('the proposal or the phase takes no more supports'),
        ...limited,
      },
    },
  },
};
