-- CreateTable
CREATE TABLE "BundlingRun" (
    "id" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "orders" INTEGER NOT NULL,
    "bundles" INTEGER NOT NULL,
    "finishedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BundlingRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Bundle" (
    "id" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "categoryCode" TEXT,
    "areaId" TEXT,
    "keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sample" TEXT NOT NULL,
    "orderCount" INTEGER NOT NULL,
    "firstPlacedAt" TIMESTAMPTZ(3) NOT NULL,
    "lastPlacedAt" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'proposed',
    "projectId" UUID,
    "runId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Bundle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BundleOrder" (
    "bundleId" TEXT NOT NULL,
    "orderId" UUID NOT NULL,

    CONSTRAINT "BundleOrder_pkey" PRIMARY KEY ("bundleId","orderId")
);

-- CreateTable
CREATE TABLE "Project" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "origin" TEXT NOT NULL,
    "bundleId" TEXT,
    "cycleId" TEXT,
    "proposalId" TEXT,
    "ownerUnitId" TEXT NOT NULL,
    "budget" DECIMAL(14,2),
    "status" TEXT NOT NULL,
    "percent" INTEGER NOT NULL DEFAULT 0,
    "result" TEXT,
    "orderCount" INTEGER NOT NULL DEFAULT 0,
    "overdue" BOOLEAN NOT NULL DEFAULT false,
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "completedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProjectMilestone" (
    "projectId" UUID NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "workingDays" INTEGER NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "warnAt" TIMESTAMPTZ(3) NOT NULL,
    "state" TEXT NOT NULL,
    "reachedAt" TIMESTAMPTZ(3),
    "escalatedToUnitId" TEXT,

    CONSTRAINT "ProjectMilestone_pkey" PRIMARY KEY ("projectId","id")
);

-- CreateTable
CREATE TABLE "ProjectOrder" (
    "projectId" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "linked" BOOLEAN NOT NULL,
    "reason" TEXT,
    "resolved" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "ProjectOrder_pkey" PRIMARY KEY ("projectId","orderId")
);

-- CreateTable
CREATE TABLE "ProjectEvent" (
    "id" TEXT NOT NULL,
    "projectId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor" JSONB NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "ProjectEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BundlingRun_month_finishedAt_idx" ON "BundlingRun"("month", "finishedAt");

-- CreateIndex
CREATE INDEX "Bundle_month_status_idx" ON "Bundle"("month", "status");

-- CreateIndex
CREATE INDEX "BundleOrder_orderId_idx" ON "BundleOrder"("orderId");

-- CreateIndex
CREATE INDEX "Project_ownerUnitId_status_idx" ON "Project"("ownerUnitId", "status");

-- CreateIndex
CREATE INDEX "Project_status_createdAt_idx" ON "Project"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Project_cycleId_idx" ON "Project"("cycleId");

-- CreateIndex
CREATE INDEX "ProjectMilestone_state_dueAt_idx" ON "ProjectMilestone"("state", "dueAt");

-- CreateIndex
CREATE INDEX "ProjectOrder_orderId_idx" ON "ProjectOrder"("orderId");

-- CreateIndex
CREATE INDEX "ProjectEvent_type_at_idx" ON "ProjectEvent"("type", "at");

-- CreateIndex
CREATE UNIQUE INDEX "ProjectEvent_projectId_seq_key" ON "ProjectEvent"("projectId", "seq");

-- AddForeignKey
ALTER TABLE "BundleOrder" ADD CONSTRAINT "BundleOrder_bundleId_fkey" FOREIGN KEY ("bundleId") REFERENCES "Bundle"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectMilestone" ADD CONSTRAINT "ProjectMilestone_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectOrder" ADD CONSTRAINT "ProjectOrder_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectEvent" ADD CONSTRAINT "ProjectEvent_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
