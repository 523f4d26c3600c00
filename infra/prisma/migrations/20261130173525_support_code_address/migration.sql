-- Codes per client address per hour (services/intake, docs/annual-cycle.md): an SMS costs money,
-- and one address must not send codes to many numbers.
-- AlterTable
ALTER TABLE "SupportCode" ADD COLUMN     "addressKey" TEXT;

-- CreateIndex
CREATE INDEX "SupportCode_addressKey_createdAt_idx" ON "SupportCode"("addressKey", "createdAt");
