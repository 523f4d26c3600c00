-- DropIndex
DROP INDEX "Order_trackingCode_key";

-- CreateIndex
CREATE INDEX "Order_trackingCode_idx" ON "Order"("trackingCode");
