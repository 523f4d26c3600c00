-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "secretHash" TEXT;
