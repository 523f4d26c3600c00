-- Proposals and supports of the annual cycle (docs/annual-cycle.md).
-- CreateTable
CREATE TABLE "Proposal" (
    "id" UUID NOT NULL,
    "cycleId" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "categoryCode" TEXT,
    "areaId" TEXT,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "mergedIntoId" UUID,
    "supportCount" INTEGER NOT NULL DEFAULT 0,
    "decisionReason" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "projectId" UUID,
    "submitterKey" TEXT,
    "addressKey" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Proposal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProposalSupport" (
    "id" TEXT NOT NULL,
    "proposalId" UUID NOT NULL,
    "identityKey" TEXT NOT NULL,
    "identityKind" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "addressKey" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProposalSupport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SupportCode" (
    "id" TEXT NOT NULL,
    "identityKey" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SupportCode_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Proposal_reference_key" ON "Proposal"("reference");

-- CreateIndex
CREATE INDEX "Proposal_cycleId_status_supportCount_idx" ON "Proposal"("cycleId", "status", "supportCount");

-- CreateIndex
CREATE INDEX "Proposal_submitterKey_createdAt_idx" ON "Proposal"("submitterKey", "createdAt");

-- CreateIndex
CREATE INDEX "ProposalSupport_identityKey_createdAt_idx" ON "ProposalSupport"("identityKey", "createdAt");

-- CreateIndex
CREATE INDEX "ProposalSupport_addressKey_createdAt_idx" ON "ProposalSupport"("addressKey", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ProposalSupport_proposalId_identityKey_key" ON "ProposalSupport"("proposalId", "identityKey");

-- CreateIndex
CREATE INDEX "SupportCode_identityKey_createdAt_idx" ON "SupportCode"("identityKey", "createdAt");

-- AddForeignKey
ALTER TABLE "ProposalSupport" ADD CONSTRAINT "ProposalSupport_proposalId_fkey" FOREIGN KEY ("proposalId") REFERENCES "Proposal"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
