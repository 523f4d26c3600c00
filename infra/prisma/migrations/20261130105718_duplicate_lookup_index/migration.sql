-- Likely duplicates at placing (docs/merge.md): the open orders of the order's categories in the
-- window, read straight from the index instead of every order of those categories in the window.
CREATE INDEX "Order_categoryCode_status_placedAt_idx" ON "Order"("categoryCode", "status", "placedAt");
