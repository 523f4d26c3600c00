
-- CreateTable
CREATE TABLE "EvaluatorAssignment" (
    "userId" UUID NOT NULL,
    "cycleId" TEXT NOT NULL,
    "assignedBy" UUID NOT NULL,
    "assignedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EvaluatorAssignment_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "EvaluationCriterion" (
    "id" UUID NOT NULL,
    "cycleId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "weight" DOUBLE PRECISION NOT NULL,
    "maxScore" DOUBLE PRECISION NOT NULL DEFAULT 100,
    "position" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "EvaluationCriterion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EvaluationSheet" (
    "cycleId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "scores" JSONB NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "revision" INTEGER NOT NULL,
    "evaluatorId" UUID NOT NULL,
    "evaluatorName" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "EvaluationSheet_pkey" PRIMARY KEY ("cycleId","target","targetId")
);

-- CreateTable
CREATE TABLE "EvaluationSheetRevision" (
    "id" BIGSERIAL NOT NULL,
    "cycleId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "scores" JSONB NOT NULL,
    "comment" TEXT NOT NULL,
    "evaluatorId" UUID NOT NULL,
    "evaluatorName" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "EvaluationSheetRevision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EvaluatorAssignment_cycleId_idx" ON "EvaluatorAssignment"("cycleId");

-- CreateIndex
CREATE INDEX "EvaluationCriterion_cycleId_target_position_idx" ON "EvaluationCriterion"("cycleId", "target", "position");

-- CreateIndex
CREATE UNIQUE INDEX "EvaluationSheetRevision_cycleId_target_targetId_revision_key" ON "EvaluationSheetRevision"("cycleId", "target", "targetId", "revision");
