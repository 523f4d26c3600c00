// The proposal desk: what every channel of the solicitation shares — placing a proposal (H5/JSON,
// WeChat, a letter an operator enters) and counting a support (a code-proven e-mail or phone, a
// WeChat openid, a hotline call). Identities and addresses are stored only as keyed hashes (HMAC
// with the intake secret: a phone number's hash cannot be found by trying numbers). The routes
// (proposals.ts) and the WeChat callback (wechatProposals.ts) are thin edges around it.
import { createHmac, randomInt } from 'node:crypto';
import {
  checkSupportLimits,
  DEFAULT_SUPPORT_LIMITS,
  identityKeyMaterial,
  mayInCycle,
  normaliseIdentity,
  type CycleState,
  type SupportIdentity,
  type SupportLimits,
} from '@diandan/domain';
import { HttpError, type PrismaClient } from '@diandan/platform';

export interface ProposalDeskOptions {
  prisma: PrismaClient;
  /** Keys the identity and address hashes (INTAKE_SECRET_KEY). */
  secretKey: string;
  limits?: SupportLimits;
  /** The organisation whose cycle takes proposals when none is named (the federation). */
  defaultOrganisationId?: string;
}

export type ProposalChannelName = 'api' | 'web' | 'wechat' | 'letter' | 'hotline';

export interface ProposalInput {
  organisationId?: string | undefined;
  title: string;
  content: string;
  categoryCode?: string | undefined;
  areaId?: string | undefined;
  channel: ProposalChannelName;
  /** What makes a retry the same proposal within the channel (Idempotency-Key, WeChat openid + MsgId, letter number); none = always new. */
  key?: string | undefined;
  /** Keyed hash of the client address (web); limits proposals per address. */
  addressKey?: string | null;
  /** Keyed hash of the submitter's proven identity (WeChat openid); limits proposals per identity. */
  submitterKey?: string | null;
}

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
export const REFERENCE = /^P-[0-9A-F]{4}-[0-9A-F]{4}$/;

export function proposalDesk(options: ProposalDeskOptions) {
  const { prisma } = options;
  const limits = options.limits ?? DEFAULT_SUPPORT_LIMITS;
  const organisationOf = (named?: string) => named ?? options.defaultOrganisationId ?? 'district-federation';
  const keyed = (material: string): string => createHmac('sha256', options.secretKey).update(material).digest('hex');
  const identityKeyOf = (identity: SupportIdentity): string => keyed(`identity:${identityKeyMaterial(identity)}`);
  const addressKeyOf = (ip: string | undefined): string => keyed(`address:${ip ?? 'unknown'}`);

  const normalised = (identity: SupportIdentity): SupportIdentity => {
    const result = normaliseIdentity(identity);
    if (!result.ok) throw new HttpError(400, 'invalid_request', `identity.value: ${result.error.reason}`);
    return result.value;
  };
  const requirePhase = (phase: string, action: 'propose' | 'support', cycleId: string): void => {
    const allowed = mayInCycle(phase as CycleState, action);
    if (!allowed.ok) throw new HttpError(409, 'illegal_transition', `${cycleId}: ${allowed.error.reason}`, { phase });
  };

  /** The organisation's newest cycle: the one that takes proposals (null: it has none). */
  const currentCycle = (organisationId?: string) => prisma.cycle.findFirst({ where: { organisationId: organisationOf(organisationId) }, orderBy: { year: 'desc' } });

  async function proposalByReference(reference: string) {
    if (!REFERENCE.test(reference)) throw new HttpError(404, 'not_found', `no proposal ${reference}`);
    const row = await prisma.proposal.findUnique({ where: { reference } });
    if (!row) throw new HttpError(404, 'not_found', `no proposal ${reference}`);
    return row;
  }

  /**
   * Places a proposal in the organisation's cycle in solicitation. The same key from the same
   * channel is the same proposal: a retry answers it again (repeated), even once the phase closed.
   */
  async function submit(input: ProposalInput) {
    const hex = keyed(`proposal:${input.channel}:${input.key ?? `${Date.now()}:${randomInt(1e9)}`}`);
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    const reference = `P-${hex.slice(32, 36)}-${hex.slice(36, 40)}`.toUpperCase();
    const earlier = await prisma.proposal.findUnique({ where: { id } });
    if (earlier) return { proposal: earlier, repeated: true };

    const organisationId = organisationOf(input.organisationId);
    const cycle = await currentCycle(organisationId);
    if (!cycle) throw new HttpError(409, 'illegal_transition', `${organisationId} has no annual cycle taking proposals`);
    requirePhase(cycle.phase, 'propose', cycle.id);
    if (input.categoryCode && !(await prisma.category.findUnique({ where: { code: input.categoryCode }, select: { code: true } }))) {
      throw new HttpError(400, 'invalid_request', `categoryCode: no category ${input.categoryCode}`);
    }
    if (input.areaId && !(await prisma.unit.findUnique({ where: { id: input.areaId }, select: { id: true } }))) throw new HttpError(400, 'invalid_request', `areaId: no unit ${input.areaId}`);
    const since = new Date(Date.now() - DAY_MS);
    for (const [field, value, who] of [['addressKey', input.addressKey, 'one address'], ['submitterKey', input.submitterKey, 'one person']] as const) {
      if (!value) continue;
      const today = await prisma.proposal.count({ where: { [field]: value, createdAt: { gte: since } } });
      if (today >= limits.proposalsPerDay) throw new HttpError(429, 'too_many_proposals', `at most ${limits.proposalsPerDay} proposals a day from ${who}`, undefined, { 'Retry-After': '3600' });
    }
    const created = await prisma.proposal.upsert({
      where: { id },
      create: {
        id,
        reference,
        cycleId: cycle.id,
        title: input.title,
        content: input.content,
        categoryCode: input.categoryCode ?? null,
        areaId: input.areaId ?? null,
        channel: input.channel,
        addressKey: input.addressKey ?? null,
        submitterKey: input.submitterKey ?? null,
      },
      update: {},
    });
    return { proposal: created, repeated: false };
  }

  /** Counts one support of a verified identity (once per proposal; a merged proposal's survivor gets it). */
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
      if (row.status !== 'open') throw new HttpError(409, 'illegal_transition', `proposal ${reference} is ${row.status}; it takes no more supports`, { status: row.status });
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

  return { prisma, limits, keyed, identityKeyOf, addressKeyOf, normalised, requirePhase, currentCycle, proposalByReference, submit, addSupport, organisationOf };
}

export type ProposalDesk = ReturnType<typeof proposalDesk>;
