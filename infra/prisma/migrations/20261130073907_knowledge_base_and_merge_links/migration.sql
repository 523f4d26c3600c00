-- The knowledge base (docs/knowledge.md) and merge links (docs/merge.md).
-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "answeredAt" TIMESTAMPTZ(3),
ADD COLUMN     "answeredEntryId" UUID,
ADD COLUMN     "answeredEntryVersion" INTEGER,
ADD COLUMN     "mergedIntoId" UUID;

-- CreateTable
CREATE TABLE "KnowledgeEntry" (
    "id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "question" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "categoryCode" TEXT,
    "keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "ownerUnitId" TEXT,
    "validFrom" TIMESTAMPTZ(3),
    "validTo" TIMESTAMPTZ(3),
    "terms" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "questionTerms" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "keywordTerms" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sourceOrderId" UUID,
    "proposedBy" TEXT,
    "reviewedBy" TEXT,
    "reviewedAt" TIMESTAMPTZ(3),
    "reviewNote" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "KnowledgeEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KnowledgeEntryVersion" (
    "entryId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "categoryCode" TEXT,
    "keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "ownerUnitId" TEXT,
    "validFrom" TIMESTAMPTZ(3),
    "validTo" TIMESTAMPTZ(3),
    "changedBy" TEXT,
    "changedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "note" TEXT,

    CONSTRAINT "KnowledgeEntryVersion_pkey" PRIMARY KEY ("entryId","version")
);

-- CreateIndex
CREATE INDEX "KnowledgeEntry_status_categoryCode_idx" ON "KnowledgeEntry"("status", "categoryCode");

-- CreateIndex
CREATE INDEX "KnowledgeEntry_terms_idx" ON "KnowledgeEntry" USING GIN ("terms");

-- CreateIndex
CREATE INDEX "KnowledgeEntry_sourceOrderId_idx" ON "KnowledgeEntry"("sourceOrderId");

-- CreateIndex
CREATE INDEX "Order_mergedIntoId_idx" ON "Order"("mergedIntoId");

-- AddForeignKey
ALTER TABLE "KnowledgeEntry" ADD CONSTRAINT "KnowledgeEntry_categoryCode_fkey" FOREIGN KEY ("categoryCode") REFERENCES "Category"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnowledgeEntry" ADD CONSTRAINT "KnowledgeEntry_ownerUnitId_fkey" FOREIGN KEY ("ownerUnitId") REFERENCES "Unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnowledgeEntryVersion" ADD CONSTRAINT "KnowledgeEntryVersion_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "KnowledgeEntry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
