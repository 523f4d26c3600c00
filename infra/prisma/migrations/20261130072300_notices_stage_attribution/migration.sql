-- The rates credit the unit that held each stage (docs/kpis.md). Existing facts keep the old
-- attribution (every stage to the last holder) until the topic is replayed under a new group.
ALTER TABLE "KpiOrderFact" ADD COLUMN "resolutionFixed" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "resolutionUnitId" TEXT NOT NULL DEFAULT '',
ADD COLUMN "responseFixed" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "responseUnitId" TEXT NOT NULL DEFAULT '',
ADD COLUMN "satisfactionUnitId" TEXT NOT NULL DEFAULT '';
UPDATE "KpiOrderFact" SET "responseUnitId" = "unitId", "resolutionUnitId" = "unitId", "satisfactionUnitId" = "unitId";

ALTER TABLE "KpiRollup" ADD COLUMN "responseReceived" INTEGER NOT NULL DEFAULT 0;
UPDATE "KpiRollup" SET "responseReceived" = "received";

-- The WeChat 48-hour window for customer-service messages starts at the newest message.
ALTER TABLE "NoticeRecipient" ADD COLUMN "lastInboundAt" TIMESTAMPTZ(3);
