// Proposals and supports of the annual cycle's solicitation (年初公开征求意见), through the
// channels: the JSON API / H5 form, and the hotline where staff enter a caller's support. A
// support counts once per verified identity per proposal (an e-mail or mobile proven by a one-time
// code, or the number of a hotline call an operator entered); identities are stored only as keyed
// hashes (HMAC with the intake secret: a phone number's hash cannot be guessed by trying numbers).
// Retries are idempotent (Idempotency-Key for proposals; the unique proposal × identity for
// supports). The public reads show every proposal scrubbed of personal data.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import {
  checkSupportLimits,
  CYCLE_PHASE_NAMES_ZH,
  DEFAULT_SUPPORT_LIMITS,
  identityKeyMaterial,
  MAX_CONTENT_LENGTH,
  mayInCycle,
  normaliseIdentity,
  scrub,
  SUPPORT_IDENTITY_KINDS,
  type CycleState,
  type SupportIdentity,
  type SupportLimits,
} from '@diandan/domain';
import { HttpError, validate, type PrismaClient } from '@diandan/platform';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { callerNumberSchema, idempotencyKeyOf, limitRate, optionalText, requireOperator } from '../edges';

/** Delivers a one-time code (e-mail through intake's outgoing SMTP; SMS where a provider is set). */
export interface CodeSender {
  readonly kinds: readonly SupportIdentity['kind'][];
  send(identity: SupportIdentity, code: string): Promise<void>;
}

export interface ProposalChannelOptions {
  prisma: PrismaClient;
  /** Keys the identity and address hashes (INTAKE_SECRET_KEY). */
  secretKey: string;
  operatorTokens: readonly string[];
  rateLimitPerMinute: number;
  codeSender?: CodeSender;
  limits?: SupportLimits;
  /** The organisation whose cycle takes proposals when none is named (the federation). */
  defaultOrganisationId?: string;
}

const CODE_TTL_MS = 10 * 60_000;
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

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
export const hotlineSupportSchema = z.object({ callId: z.string().trim().min(1).max(128), callerNumber: callerNumberSchema });
export const proposalListSchema = z.object({
  cycleId: z.string().min(1).max(120),
  status: z.enum(['open', 'accepted', 'declined', 'merged']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const currentCycleQuerySchema = z.object({ organisationId: z.string().trim().min(1).max(100).optional() });

const REFERENCE = /^P-[0-9A-F]{4}-[0-9A-F]{4}$/;

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
  const { prisma } = options;
  const limits = options.limits ?? DEFAULT_SUPPORT_LIMITS;
  const router = Router();
  const operator = requireOperator(options.operatorTokens);
  const keyed = (material: string): string => createHmac('sha256', options.secretKey).update(material).digest('hex');
  const identityKeyOf = (identity: SupportIdentity): string => keyed(`identity:${identityKeyMaterial(identity)}`);
  const addressKeyOf = (req: Request): string => keyed(`address:${req.ip ?? 'unknown'}`);

  const normalised = (identity: SupportIdentity): SupportIdentity => {
    const result = normaliseIdentity(identity);
    if (!result.ok) throw new HttpError(400, 'invalid_request', `identity.value: ${result.error.reason}`);
    return result.value;
  };
  const requirePhase = (phase: string, action: 'propose' | 'support', cycleId: string): void => {
    const allowed = mayInCycle(phase as CycleState, action);
    if (!allowed.ok) throw new HttpError(409, 'illegal_transition', `${cycleId}: ${allowed.error.reason}`);
  };

  /** The proposal a support lands on: a merged one's survivor. */
  async function proposalByReference(reference: string) {
    if (!REFERENCE.test(reference)) throw new HttpError(404, 'not_found', `no proposal ${reference}`);
    const row = await prisma.proposal.findUnique({ where: { reference } });
    if (!row) throw new HttpError(404, 'not_found', `no proposal ${reference}`);
    return row;
  }

  async function addSupport(reference: string, identity: SupportIdentity, channel: string, addressKey: string | null) {
    const identityKey = identityKeyOf(identity);
    const asked = await proposalByReference(reference);
    const cycle = await prisma.cycle.findUnique({ where: { id: asked.cycleId }, select: { phase: true } });
    requirePhase(cycle?.phase ?? 'planned', 'support', asked.cycleId);
    return prisma.$transaction(async (tx) => {
      // Locks the proposal against a merge running at the same moment (services/dispatch), then follows it.
      let [row] = await tx.$queryRaw<{ id: string; status: string; mergedIntoId: string | null }[]>`SELECT id, status, "mergedIntoId" FROM "Proposal" WHERE id = ${asked.id}::uuid FOR UPDATE`;
      if (row?.status === 'merged' && row.mergedIntoId) {
        [row] = await tx.$queryRaw<{ id: string; status: string; mergedIntoId: string | null }[]>`SELECT id, status, "mergedIntoId" FROM "Proposal" WHERE id = ${row.mergedIntoId}::uuid FOR UPDATE`;
      }
      if (!row) throw new HttpError(404, 'not_found', `no proposal ${reference}`);
      if (row.status !== 'open') throw new HttpError(409, 'illegal_transition', `proposal ${reference} is ${row.status}; it takes no more supports`);
      const existing = await tx.proposalSupport.findUnique({ where: { proposalId_identityKey: { proposalId: row.id, identityKey } } });
      if (!existing) {
        const since = (ms: number) => new Date(Date.now() - ms);
        const [identityLastDay, addressLastHour] = await Promise.all([
          tx.proposalSupport.count({ where: { identityKey, createdAt: { gte: since(DAY_MS) } } }),
          addressKey ? tx.proposalSupport.count({ where: { addressKey, createdAt: { gte: since(HOUR_MS) } } }) : Promise.resolve(0),
        ]);
        const within = checkSupportLimits({ identityLastDay, addressLastHour }, limits);
        if (!within.ok) throw new HttpError(429, 'too_many_supports', within.error.reason, undefined, { 'Retry-After': '3600' });
        await tx.proposalSupport.create({ data: { id: keyed(`support:${row.id}:${identityKey}`), proposalId: row.id, identityKey, identityKind: identity.kind, channel, addressKey } });
        await tx.proposal.update({ where: { id: row.id }, data: { supportCount: { increment: 1 } } });
      }
      const after = await tx.proposal.findUniqueOrThrow({ where: { id: row.id }, select: { reference: true, supportCount: true } });
      return { proposal: after.reference, supportCount: after.supportCount, repeated: existing !== null };
    });
  }

  router.post('/v1/proposals', limitRate(options.rateLimitPerMinute), async (req, res) => {
    const input = validate(proposalRequestSchema, req.body ?? {});
    const key = idempotencyKeyOf(req.get('idempotency-key'));
    const organisationId = input.organisationId ?? options.defaultOrganisationId ?? 'district-federation';
    const cycle = await prisma.cycle.findFirst({ where: { organisationId }, orderBy: { year: 'desc' } });
    if (!cycle) throw new HttpError(409, 'illegal_transition', `${organisationId} has no annual cycle taking proposals`);
    requirePhase(cycle.phase, 'propose', cycle.id);
    if (input.categoryCode && !(await prisma.category.findUnique({ where: { code: input.categoryCode }, select: { code: true } }))) {
      throw new HttpError(400, 'invalid_request', `categoryCode: no category ${input.categoryCode}`);
    }
    if (input.areaId && !(await prisma.unit.findUnique({ where: { id: input.areaId }, select: { id: true } }))) throw new HttpError(400, 'invalid_request', `areaId: no unit ${input.areaId}`);
    const addressKey = addressKeyOf(req);
    // The same key from the same channel is the same proposal (a retried request answers it again).
    const hex = keyed(`proposal:${input.channel}:${key ?? `${Date.now()}:${randomInt(1e9)}`}`);
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    const reference = `P-${hex.slice(32, 36)}-${hex.slice(36, 40)}`.toUpperCase();
    const earlier = await prisma.proposal.findUnique({ where: { id } });
    if (earlier) {
      res.status(200).json({ ...publicProposal(earlier), repeated: true });
      return;
    }
    const today = await prisma.proposal.count({ where: { addressKey, createdAt: { gte: new Date(Date.now() - DAY_MS) } } });
    if (today >= limits.proposalsPerDay) throw new HttpError(429, 'too_many_proposals', `at most ${limits.proposalsPerDay} proposals a day from one address`, undefined, { 'Retry-After': '3600' });
    const created = await prisma.proposal.upsert({
      where: { id },
      create: { id, reference, cycleId: cycle.id, title: input.title, content: input.content, categoryCode: input.categoryCode ?? null, areaId: input.areaId ?? null, channel: input.channel, addressKey },
      update: {},
    });
    res.status(201).location(`/v1/proposals/${reference}`).json({ ...publicProposal(created), repeated: false });
  });

  router.post('/v1/proposals/support-codes', limitRate(options.rateLimitPerMinute), async (req, res) => {
    const identity = normalised(validate(supportCodeRequestSchema, req.body ?? {}));
    const sender = options.codeSender;
    if (!sender?.kinds.includes(identity.kind)) throw new HttpError(503, 'unavailable', `codes by ${identity.kind} are not configured here; use another way to support`);
    const identityKey = identityKeyOf(identity);
    const lastHour = await prisma.supportCode.count({ where: { identityKey, createdAt: { gte: new Date(Date.now() - HOUR_MS) } } });
    if (lastHour >= limits.codesPerHour) throw new HttpError(429, 'too_many_codes', `at most ${limits.codesPerHour} codes an hour for one address`, undefined, { 'Retry-After': '3600' });
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const id = keyed(`code:${identityKey}:${Date.now()}:${randomInt(1e9)}`).slice(0, 32);
    await prisma.supportCode.create({ data: { id, identityKey, codeHash: keyed(`code:${code}`), expiresAt: new Date(Date.now() + CODE_TTL_MS) } });
    await sender.send(identity, code);
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
    const organisationId = query.organisationId ?? options.defaultOrganisationId ?? 'district-federation';
    const cycle = await prisma.cycle.findFirst({ where: { organisationId }, orderBy: { year: 'desc' } });
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
