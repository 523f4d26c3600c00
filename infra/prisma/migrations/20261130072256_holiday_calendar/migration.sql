-- The holiday calendar in the database (docs/lifecycle.md, "The calendar"): one row per version
-- of one year schedule, the newest version of a year is in force. Seeded from chinese-days by
-- services/dispatch at start-up (idempotent), edited through PUT /v1/calendar/:year.
CREATE TABLE "HolidaySchedule" (
    "year" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "holidays" JSONB NOT NULL,
    "workdays" JSONB NOT NULL,
    "source" TEXT NOT NULL,
    "changedBy" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HolidaySchedule_pkey" PRIMARY KEY ("year","version")
);

-- A running deadline that reaches into a year without a schedule is flagged on the order.
ALTER TABLE "Order" ADD COLUMN "deadlineUnscheduled" BOOLEAN NOT NULL DEFAULT false;
