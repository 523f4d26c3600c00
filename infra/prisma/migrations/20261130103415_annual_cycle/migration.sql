-- The annual cycle (docs/annual-cycle.md): the Cycle read model and its timeline.
-- CreateTable
CREATE TABLE "Cycle" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "phase" TEXT NOT NULL,
    "solicitationStartsAt" TIMESTAMPTZ(3) NOT NULL,
    "selectionStartsAt" TIMESTAMPTZ(3) NOT NULL,
    "publicationStartsAt" TIMESTAMPTZ(3) NOT NULL,
    "implementationStartsAt" TIMESTAMPTZ(3) NOT NULL,
    "midyearReviewStartsAt" TIMESTAMPTZ(3) NOT NULL,
    "evaluationStartsAt" TIMESTAMPTZ(3) NOT NULL,
    "reportStartsAt" TIMESTAMPTZ(3) NOT NULL,
    "closesAt" TIMESTAMPTZ(3) NOT NULL,
    "evaluationClosedAt" TIMESTAMPTZ(3),
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Cycle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CycleEvent" (
    "id" TEXT NOT NULL,
    "cycleId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor" JSONB NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "CycleEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Cycle_phase_idx" ON "Cycle"("phase");

-- CreateIndex
CREATE UNIQUE INDEX "Cycle_organisationId_year_key" ON "Cycle"("organisationId", "year");

-- CreateIndex
CREATE INDEX "CycleEvent_type_at_idx" ON "CycleEvent"("type", "at");

-- CreateIndex
CREATE UNIQUE INDEX "CycleEvent_cycleId_seq_key" ON "CycleEvent"("cycleId", "seq");

-- AddForeignKey
ALTER TABLE "CycleEvent" ADD CONSTRAINT "CycleEvent_cycleId_fkey" FOREIGN KEY ("cycleId") REFERENCES "Cycle"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
