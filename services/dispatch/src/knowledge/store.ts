// The knowledge base in PostgreSQL: entries with their current fields, a version row for every
// change (optimistic: a change names the version it edits, so two editors never overwrite each
// other silently), and the ranked search — the GIN index on `terms` finds candidates, the
// domain's rankEntries orders them, isSuggestible keeps stale entries out.
import { checkValidity, isSuggestible, rankEntries, type KnowledgeStatus, type RankedEntry } from '@diandan/domain';
import { HttpError, termsOf, type PrismaClient } from '@diandan/platform';
import type { KnowledgeEntry, Prisma } from '@prisma/client';
import { entryTerms } from './segment';

export interface EntryFields {
  question: string;
  answer: string;
  categoryCode?: string | null;
  keywords?: string[];
  ownerUnitId?: string | null;
  validFrom?: string | null;
  validTo?: string | null;
}

export interface Editor {
  userId: string;
}

const dateOrNull = (value: string | null | undefined): Date | null | undefined => (value === undefined ? undefined : value === null ? null : new Date(value));

function checkFields(fields: Partial<EntryFields>, current?: KnowledgeEntry): void {
  const validity = checkValidity({
    validFrom: fields.validFrom === undefined ? current?.validFrom : fields.validFrom,
    validTo: fields.validTo === undefined ? current?.validTo : fields.validTo,
  });
  if (!validity.ok) throw new HttpError(400, 'invalid_request', validity.error.reason);
}

async function checkReferences(prisma: PrismaClient | Prisma.TransactionClient, fields: Partial<EntryFields>): Promise<void> {
  if (fields.categoryCode && !(await prisma.category.findUnique({ where: { code: fields.categoryCode }, select: { code: true } }))) {
    throw new HttpError(404, 'not_found', `no category ${fields.categoryCode}`);
  }
  if (fields.ownerUnitId && !(await prisma.unit.findUnique({ where: { id: fields.ownerUnitId }, select: { id: true } }))) {
    throw new HttpError(404, 'not_found', `no unit ${fields.ownerUnitId}`);
  }
}

const versionRow = (entry: KnowledgeEntry, editor: Editor, note?: string | null): Prisma.KnowledgeEntryVersionCreateManyInput => ({
  entryId: entry.id,
  version: entry.version,
  status: entry.status,
  question: entry.question,
  answer: entry.answer,
  categoryCode: entry.categoryCode,
  keywords: entry.keywords,
  ownerUnitId: entry.ownerUnitId,
  validFrom: entry.validFrom,
  validTo: entry.validTo,
  changedBy: editor.userId,
  note: note ?? null,
});

export async function createEntry(
  prisma: PrismaClient,
  fields: EntryFields,
  editor: Editor,
  status: KnowledgeStatus,
  extra: { sourceOrderId?: string; note?: string } = {},
): Promise<KnowledgeEntry> {
  checkFields(fields);
  await checkReferences(prisma, fields);
  const keywords = fields.keywords ?? [];
  return prisma.$transaction(async (tx) => {
    const entry = await tx.knowledgeEntry.create({
      data: {
        status,
        question: fields.question,
        answer: fields.answer,
        categoryCode: fields.categoryCode ?? null,
        keywords,
        ownerUnitId: fields.ownerUnitId ?? null,
        validFrom: dateOrNull(fields.validFrom) ?? null,
        validTo: dateOrNull(fields.validTo) ?? null,
        ...entryTerms({ question: fields.question, answer: fields.answer, keywords }),
        ...(extra.sourceOrderId ? { sourceOrderId: extra.sourceOrderId } : {}),
        ...(status === 'proposed' ? { proposedBy: editor.userId } : { reviewedBy: editor.userId, reviewedAt: new Date() }),
      },
    });
    await tx.knowledgeEntryVersion.create({ data: versionRow(entry, editor, extra.note) });
    return entry;
  });
}

/**
 * A new version: the caller names the version it edited (`expectedVersion`); if somebody changed
 * the entry since, 409 and nothing is written.
 */
export async function changeEntry(
  prisma: PrismaClient,
  id: string,
  expectedVersion: number,
  change: Partial<EntryFields> & { status?: KnowledgeStatus; reviewNote?: string | null },
  editor: Editor,
  note?: string,
): Promise<KnowledgeEntry> {
  return prisma.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "KnowledgeEntry" WHERE id = ${id}::uuid FOR UPDATE`;
    const current = locked ? await tx.knowledgeEntry.findUnique({ where: { id } }) : null;
    if (!current) throw new HttpError(404, 'not_found', `no knowledge-base entry ${id}`);
    if (current.version !== expectedVersion) {
      throw new HttpError(409, 'version_conflict', `entry ${id} is at version ${current.version}, not ${expectedVersion}: somebody changed it; reload and edit again`);
    }
    checkFields(change, current);
    await checkReferences(tx, change);
    const question = change.question ?? current.question;
    const answer = change.answer ?? current.answer;
    const keywords = change.keywords ?? current.keywords;
    const reviewing = change.status !== undefined && change.status !== current.status && change.status !== 'proposed';
    const entry = await tx.knowledgeEntry.update({
      where: { id },
      data: {
        version: current.version + 1,
        question,
        answer,
        keywords,
        ...(change.categoryCode === undefined ? {} : { categoryCode: change.categoryCode }),
        ...(change.ownerUnitId === undefined ? {} : { ownerUnitId: change.ownerUnitId }),
        ...(change.validFrom === undefined ? {} : { validFrom: dateOrNull(change.validFrom) ?? null }),
        ...(change.validTo === undefined ? {} : { validTo: dateOrNull(change.validTo) ?? null }),
        ...(change.status === undefined ? {} : { status: change.status }),
        ...(reviewing ? { reviewedBy: editor.userId, reviewedAt: new Date(), reviewNote: change.reviewNote ?? null } : {}),
        ...entryTerms({ question, answer, keywords }),
      },
    });
    await tx.knowledgeEntryVersion.create({ data: versionRow(entry, editor, note) });
    return entry;
  });
}

export interface SearchHit extends RankedEntry {
  entry: Pick<KnowledgeEntry, 'id' | 'version' | 'question' | 'answer' | 'categoryCode' | 'keywords' | 'ownerUnitId' | 'validFrom' | 'validTo'>;
}

type Candidate = Pick<KnowledgeEntry, 'id' | 'version' | 'status' | 'question' | 'answer' | 'categoryCode' | 'keywords' | 'ownerUnitId' | 'validFrom' | 'validTo' | 'terms' | 'questionTerms' | 'keywordTerms'>;

/**
 * The entries that may answer a text now, best first: approved, inside their validity (never a
 * stale one), ranked by the domain. `preferCategory` lifts entries of the order's own category.
 */
export async function searchEntries(
  prisma: PrismaClient,
  text: string,
  options: { now?: Date; limit?: number; minScore?: number; preferCategory?: string | null } = {},
): Promise<SearchHit[]> {
  const now = options.now ?? new Date();
  const terms = termsOf(text).slice(0, 64);
  if (terms.length === 0) return [];
  const [candidates, frequencies, totals] = await Promise.all([
    prisma.$queryRaw<Candidate[]>`
      SELECT id, version, status, question, answer, "categoryCode", keywords, "ownerUnitId", "validFrom", "validTo", terms, "questionTerms", "keywordTerms"
      FROM "KnowledgeEntry"
      WHERE status = 'approved' AND terms && ${terms}::text[]
        AND ("validFrom" IS NULL OR "validFrom" <= ${now}) AND ("validTo" IS NULL OR "validTo" > ${now})
      LIMIT 1000`,
    prisma.$queryRaw<{ term: string; df: number }[]>`
      SELECT t AS term, count(*)::int AS df FROM "KnowledgeEntry", unnest(terms) t
      WHERE status = 'approved' AND terms && ${terms}::text[] AND t = ANY(${terms}::text[]) GROUP BY t`,
    prisma.knowledgeEntry.count({ where: { status: 'approved' } }),
  ]);
  const eligible = candidates.filter((c) => isSuggestible(c, now));
  const ranked = rankEntries(
    terms,
    eligible.map((c) => ({ id: c.id, question: c.questionTerms, keywords: c.keywordTerms, answer: c.terms })),
    { total: totals, documentFrequency: new Map(frequencies.map((f) => [f.term, f.df])), limit: 50, ...(options.minScore === undefined ? {} : { minScore: options.minScore }) },
  );
  const byId = new Map(eligible.map((c) => [c.id, c]));
  const hits = ranked.map((r) => {
    const { id, version, question, answer, categoryCode, keywords, ownerUnitId, validFrom, validTo } = byId.get(r.id)!;
    return { ...r, entry: { id, version, question, answer, categoryCode, keywords, ownerUnitId, validFrom, validTo } };
  });
  if (options.preferCategory) {
    // The same category wins a tie-ish ranking: a small, stated lift, never more than a tenth.
    const lift = (h: SearchHit) => h.score + (h.entry.categoryCode === options.preferCategory ? 0.1 : 0);
    hits.sort((a, b) => lift(b) - lift(a));
  }
  return hits.slice(0, options.limit ?? 5);
}

/** One suggestible entry at its current version, for an answer that cites it; throws 404/409. */
export async function entryForAnswer(prisma: PrismaClient, id: string, now = new Date()): Promise<KnowledgeEntry> {
  const entry = await prisma.knowledgeEntry.findUnique({ where: { id } });
  if (!entry) throw new HttpError(404, 'not_found', `no knowledge-base entry ${id}`);
  if (!isSuggestible(entry, now)) {
    throw new HttpError(409, 'entry_not_usable', `entry ${id} is ${entry.status === 'approved' ? 'outside its validity' : entry.status}: it cannot answer an order`);
  }
  return entry;
}
