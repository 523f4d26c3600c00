-- CreateTable
CREATE TABLE "KpiOrderFact" (
    "orderId" UUID NOT NULL,
    "lastSeq" INTEGER NOT NULL,
    "month" TEXT NOT NULL,
    "unitId" TEXT NOT NULL DEFAULT '',
    "categoryCode" TEXT NOT NULL DEFAULT '',
    "received" BOOLEAN NOT NULL DEFAULT false,
    "excluded" BOOLEAN NOT NULL DEFAULT false,
    "responded" BOOLEAN NOT NULL DEFAULT false,
    "respondedOnTime" BOOLEAN NOT NULL DEFAULT false,
    "responseLate" BOOLEAN NOT NULL DEFAULT false,
    "responseDueAt" TIMESTAMPTZ(3),
    "resolved" BOOLEAN NOT NULL DEFAULT false,
    "rating" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "KpiOrderFact_pkey" PRIMARY KEY ("orderId")
);

-- CreateTable
CREATE TABLE "KpiRollup" (
    "month" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "categoryCode" TEXT NOT NULL,
    "placed" INTEGER NOT NULL DEFAULT 0,
    "received" INTEGER NOT NULL DEFAULT 0,
    "respondedOnTime" INTEGER NOT NULL DEFAULT 0,
    "resolved" INTEGER NOT NULL DEFAULT 0,
    "satisfied" INTEGER NOT NULL DEFAULT 0,
    "basicallySatisfied" INTEGER NOT NULL DEFAULT 0,
    "dissatisfied" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "KpiRollup_pkey" PRIMARY KEY ("month","unitId","categoryCode")
);

-- CreateTable
CREATE TABLE "CallbackRecord" (
    "id" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "sample" TEXT,
    "outcome" TEXT NOT NULL,
    "rating" TEXT,
    "resolved" BOOLEAN,
    "note" TEXT NOT NULL DEFAULT '',
    "evaluatorId" TEXT NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CallbackRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "KpiOrderFact_month_idx" ON "KpiOrderFact"("month");

-- CreateIndex
CREATE INDEX "KpiRollup_unitId_month_idx" ON "KpiRollup"("unitId", "month");

-- CreateIndex
CREATE INDEX "KpiRollup_categoryCode_month_idx" ON "KpiRollup"("categoryCode", "month");

-- CreateIndex
CREATE INDEX "CallbackRecord_orderId_idx" ON "CallbackRecord"("orderId");

-- CreateIndex
CREATE INDEX "CallbackRecord_sample_idx" ON "CallbackRecord"("sample");

-- CreateIndex
CREATE INDEX "Order_resolvedAt_idx" ON "Order"("resolvedAt");

-- CreateIndex
CREATE INDEX "Order_categoryCode_resolvedAt_idx" ON "Order"("categoryCode", "resolvedAt");

-- CreateIndex
CREATE INDEX "Order_unitId_resolvedAt_idx" ON "Order"("unitId", "resolvedAt");
