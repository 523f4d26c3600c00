// Proposals and supports of the annual cycle's solicitation (年初公开征求意见), the HTTP routes: the
// JSON API / H5 form, the letter box and the hotline where staff enter a letter's proposal or a
// caller's support. A support counts once per verified identity per proposal (an e-mail or mobile
// proven by a one-time code, the number of a hotline call an operator entered; WeChat openids
// arrive through the WeChat callback, wechatProposals.ts); the rules they share are the desk's
// (proposalDesk.ts). Retries are idempotent (Idempotency-Key or the letter's number for
// proposals; the unique proposal × identity for supports). The public reads show every proposal
// scrubbed of personal data.
import { randomInt, timingSafeEqual } from 'node:crypto';
import { CYCLE_PHASE_NAMES_ZH, DEFAULT_SUPPORT_LIMITS, MAX_CONTENT_LENGTH, mayInCycle, scrub, SUPPORT_IDENTITY_KINDS, type CycleState, type SupportIdentity } from '@diandan/domain';
import { HttpError, validate, type Logger, type PrismaClient } from '@diandan/platform';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { callerNumberSchema, idempotencyKeyOf, limitRate, optionalText, requireOperator } from '../edges';
import type { ProposalDesk } from './proposalDesk';

/** Delivers a one-time code (e-mail through intake's outgoing SMTP; SMS through the SMS provider: codeSenders.ts). */
export interface CodeSender {
  readonly kinds: readonly SupportIdentity['kind'][];
  send(identity: SupportIdentity, code: string): Promise<void>;
}

export interface ProposalChannelOptions {
  prisma: PrismaClient;
  desk: ProposalDesk;
  operatorTokens: readonly string[];
  rateLimitPerMinute: number;
  codeSender?: CodeSender;
  logger?: Logger;
}

const CODE_TTL_MS = 10 * 60_000;
const HOUR_MS = 3600_000;

export const proposalRequestSchema = z.object({
  organisationId: optionalText(100),
  title: z.string().trim().min(1, 'required').max(200, 'at most 200 characters'),
  content: z.string().trim().min(1, 'required').max(MAX_CONTENT_LENGTH, `at most ${MAX_CONTENT_LENGTH} characters`),
  categoryCode: optionalText(64),
  /** The community or street it is about (a unit id from the catalogue). */
  areaId: optionalText(100),
  channel: z.enum(['api', 'web']).default('web'),
});
const identitySchema = z.object({ kind: z.enum(SUPPORT_IDENTITY_KINDS), value: z.string().trim().min(1).max(254) });
export const supportCodeRequestSchema = identitySchema.extend({ kind: z.enum(['email', 'phone']) });
export const supportRequestSchema = z.object({ identity: identitySchema.extend({ kind: z.enum(['email', 'phone']) }), code: z.string().regex(/^\d{6}$/, 'six digits') });
export const letterProposalSchema = z.strictObject({
  /** The letter's registration number in the letter box's log: one proposal per letter. */
  letterId: z.string().trim().min(1, 'required').max(128, 'at most 128 characters'),
  organisationId: optionalText(100),
  title: proposalRequestSchema.shape.title,
  content: proposalRequestSchema.shape.content,
  categoryCode: optionalText(64),
  areaId: optionalText(100),
});
export const hotlineProposalSchema = letterProposalSchema.omit({ letterId: true }).extend({
  /** The call centre's call id: one proposal per call. */
  callId: z.string().trim().min(1, 'required').max(128, 'at most 128 characters'),
});
export const hotlineSupportSchema = z.object({ callId: z.string().trim().min(1).max(128), callerNumber: callerNumberSchema });
export const proposalListSchema = z.object({
  cycleId: z.string().min(1).max(120),
  status: z.enum(['open', 'accepted', 'declined', 'merged']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const currentCycleQuerySchema = z.object({ organisationId: z.string().trim().min(1).max(100).optional() });

/** What the public sees of a proposal: its words scrubbed of phone numbers, ids and names. */
export function publicProposal(row: {
  id: string; reference: string; cycleId: string; title: string; content: string; categoryCode: string | null; areaId: string | null; status: string;
  mergedIntoId: string | null; supportCount: number; decisionReason: string | null; decidedAt: Date | null; projectId: string | null; createdAt: Date;
}) {
  return {
    id: row.id,
    reference: row.reference,
    cycleId: row.cycleId,
    title: scrub(row.title),
    content: scrub(row.content),
    categoryCode: row.categoryCode,
    areaId: row.areaId,
    status: row.status,
    mergedIntoId: row.mergedIntoId,
    supportCount: row.supportCount,
    decisionReason: row.decisionReason,
    decidedAt: row.decidedAt,
    projectId: row.projectId,
    createdAt: row.createdAt,
  };
}

export function proposalChannel(options: ProposalChannelOptions): Router {
  const { prisma, desk } = options;
  const { limits, keyed, identityKeyOf, normalised, proposalByReference, addSupport } = desk;
  const router = Router();
  const operator = requireOperator(options.operatorTokens);
  const addressKeyOf = (req: Request): string => desk.addressKeyOf(req.ip);

  router.post('/v1/proposals', limitRate(options.rateLimitPerMinute), async (req, res) => {
    const input = validate(proposalRequestSchema, req.body ?? {});
    const key = idempotencyKeyOf(req.get('idempotency-key'));
    const { proposal, repeated } = await desk.submit({ ...input, key, addressKey: addressKeyOf(req) });
    res.status(repeated ? 200 : 201).location(`/v1/proposals/${proposal.reference}`).json({ ...publicProposal(proposal), repeated });
  });

  // 来信: an operator of the letter box enters the proposal a letter makes; its registration number
  // in the letter log is the key (one proposal per letter, a retry answers the same one). The
  // sender's name and address stay on paper: only the words are kept, and shown scrubbed.
  router.post('/v1/letters/proposals', operator, async (req, res) => {
    const { letterId, ...input } = validate(letterProposalSchema, req.body ?? {});
    const { proposal, repeated } = await desk.submit({ ...input, channel: 'letter', key: letterId });
    res.status(repeated ? 200 : 201).location(`/v1/proposals/${proposal.reference}`).json({ ...publicProposal(proposal), repeated, letterId });
  });

  // 12345-style hotline: the agent types the caller's proposal; one proposal per call id. The
  // agent reads the reference to the caller, who can tell others to support it.
  router.post('/v1/hotline/proposals', operator, async (req, res) => {
    const { callId, ...input } = validate(hotlineProposalSchema, req.body ?? {});
    const { proposal, repeated } = await desk.submit({ ...input, channel: 'hotline', key: callId });
    res.status(repeated ? 200 : 201).location(`/v1/proposals/${proposal.reference}`).json({ ...publicProposal(proposal), repeated, callId });
  });

  router.post('/v1/proposals/support-codes', limitRate(options.rateLimitPerMinute), async (req, res) => {
    const identity = normalised(validate(supportCodeRequestSchema, req.body ?? {}));
    const sender = options.codeSender;
    if (!sender?.kinds.includes(identity.kind)) throw new HttpError(503, 'unavailable', `codes by ${identity.kind} are not configured here; use another way to support`);
    const identityKey = identityKeyOf(identity);
    const addressKey = addressKeyOf(req);
    const hourAgo = new Date(Date.now() - HOUR_MS);
    const [lastHour, fromAddress] = await Promise.all([
      prisma.supportCode.count({ where: { identityKey, createdAt: { gte: hourAgo } } }),
      prisma.supportCode.count({ where: { addressKey, createdAt: { gte: hourAgo } } }),
    ]);
    const what = identity.kind === 'phone' ? 'number' : 'e-mail address';
    if (lastHour >= limits.codesPerHour) throw new HttpError(429, 'too_many_codes', `at most ${limits.codesPerHour} codes an hour for one ${what}`, undefined, { 'Retry-After': '3600' });
    const perAddress = limits.codesPerAddressPerHour ?? DEFAULT_SUPPORT_LIMITS.codesPerAddressPerHour ?? 20;
    if (fromAddress >= perAddress) throw new HttpError(429, 'too_many_codes', `at most ${perAddress} codes an hour from one client address`, undefined, { 'Retry-After': '3600' });
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const id = keyed(`code:${identityKey}:${Date.now()}:${randomInt(1e9)}`).slice(0, 32);
    await prisma.supportCode.create({ data: { id, identityKey, addressKey, codeHash: keyed(`code:${code}`), expiresAt: new Date(Date.now() + CODE_TTL_MS) } });
    try {
      await sender.send(identity, code);
    } catch (error) {
      // Not sent: the code proves nothing and does not count against the hourly limit.
      await prisma.supportCode.delete({ where: { id } }).catch(() => undefined);
      // The provider's words stay in the log: they may name hosts and accounts.
      options.logger?.warn({ kind: identity.kind, err: error instanceof Error ? error.message : String(error) }, 'support code not sent');
      throw new HttpError(503, 'unavailable', `the code could not be sent by ${identity.kind === 'phone' ? 'SMS' : 'e-mail'} now; try again later`, undefined, { 'Retry-After': '60' });
    }
    res.status(202).json({ sent: true, expiresInSeconds: CODE_TTL_MS / 1000 });
  });

  router.post('/v1/proposals/:reference/supports', limitRate(options.rateLimitPerMinute), async (req, res) => {
    const body = validate(supportRequestSchema, req.body ?? {});
    const identity = normalised(body.identity);
    const identityKey = identityKeyOf(identity);
    // The newest live code of this identity; a code serves several supports for its ten minutes.
    const code = await prisma.supportCode.findFirst({ where: { identityKey, expiresAt: { gt: new Date() } }, orderBy: { createdAt: 'desc' } });
    const given = Buffer.from(keyed(`code:${body.code}`));
    if (!code || code.attempts >= limits.codeAttempts || !timingSafeEqual(Buffer.from(code.codeHash), given)) {
      if (code) await prisma.supportCode.update({ where: { id: code.id }, data: { attempts: { increment: 1 } } });
      throw new HttpError(403, 'code_invalid', 'the code is wrong, expired or used up; ask for a new one');
    }
    if (!code.usedAt) await prisma.supportCode.update({ where: { id: code.id }, data: { usedAt: new Date() } });
    const result = await addSupport(String(req.params.reference), identity, 'web', addressKeyOf(req));
    res.status(result.repeated ? 200 : 201).json(result);
  });

  // 12345-style hotline: an operator enters the caller's support; the caller's number is the identity.
  router.post('/v1/hotline/proposals/:reference/supports', operator, async (req, res) => {
    const body = validate(hotlineSupportSchema, req.body ?? {});
    const identity = normalised({ kind: 'phone', value: String(body.callerNumber) });
    const result = await addSupport(String(req.params.reference), identity, 'hotline', null);
    res.status(result.repeated ? 200 : 201).json(result);
  });

  // The cycle that takes proposals (the organisation's newest, as POST /v1/proposals picks it), for
  // the resident pages: its phase, whether it takes proposals and supports now, and the areas a
  // proposal may be about (streets and communities).
  router.get('/v1/cycles/current', limitRate(options.rateLimitPerMinute * 4), async (req, res) => {
    const query = validate(currentCycleQuerySchema, req.query, 'query');
    const organisationId = desk.organisationOf(query.organisationId);
    const cycle = await desk.currentCycle(organisationId);
    if (!cycle) throw new HttpError(404, 'not_found', `${organisationId} has no annual cycle`);
    const [organisation, areas] = await Promise.all([
      prisma.unit.findUnique({ where: { id: organisationId }, select: { name: true } }),
      prisma.unit.findMany({ where: { active: true, kind: { in: ['street', 'community'] } }, select: { id: true, name: true, kind: true }, orderBy: [{ kind: 'desc' }, { id: 'asc' }] }),
    ]);
    res.json({
      id: cycle.id,
      organisationId,
      organisationName: organisation?.name ?? organisationId,
      year: cycle.year,
      phase: cycle.phase,
      phaseName: CYCLE_PHASE_NAMES_ZH[cycle.phase as CycleState] ?? cycle.phase,
      takesProposals: mayInCycle(cycle.phase as CycleState, 'propose').ok,
      takesSupports: mayInCycle(cycle.phase as CycleState, 'support').ok,
      solicitationStartsAt: cycle.solicitationStartsAt,
      selectionStartsAt: cycle.selectionStartsAt,
      areas: areas.map((a) => ({ id: a.id, name: a.name, kind: a.kind })),
      supportCodeKinds: (['email', 'phone'] as const).filter((kind) => options.codeSender?.kinds.includes(kind)),
    });
  });

  router.get('/v1/proposals', limitRate(options.rateLimitPerMinute * 4), async (req, res) => {
    const query = validate(proposalListSchema, req.query, 'query');
    const where = { cycleId: query.cycleId, ...(query.status ? { status: query.status } : { status: { not: 'merged' } }) };
    const [total, rows] = await Promise.all([
      prisma.proposal.count({ where }),
      prisma.proposal.findMany({ where, orderBy: [{ supportCount: 'desc' }, { createdAt: 'asc' }], take: query.limit, skip: query.offset }),
    ]);
    res.json({ total, proposals: rows.map(publicProposal) });
  });

  router.get('/v1/proposals/:reference', limitRate(options.rateLimitPerMinute * 4), async (req, res) => {
    res.json(publicProposal(await proposalByReference(String(req.params.reference))));
  });

  return router;
}
