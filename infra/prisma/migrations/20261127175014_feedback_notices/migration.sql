-- CreateTable
CREATE TABLE "NoticeRecipient" (
    "orderId" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "trackingCode" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NoticeRecipient_pkey" PRIMARY KEY ("orderId")
);

-- CreateTable
CREATE TABLE "NoticeOutbox" (
    "id" TEXT NOT NULL,
    "orderId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "channel" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "NoticeOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "NoticeOutbox_status_nextAttemptAt_idx" ON "NoticeOutbox"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "NoticeOutbox_orderId_idx" ON "NoticeOutbox"("orderId");
