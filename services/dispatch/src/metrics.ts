// Business figures of the read model for Prometheus (packages/platform/src/metrics.ts): open,
// overdue and escalated orders, counted at scrape time by indexed queries (status, overdue+status).
// Both dispatch instances report the same figures; dashboards take max(), not sum().
import { ACTIVE_STATUSES } from '@diandan/domain';
import { gauge, overdueWhere, type PrismaClient } from '@diandan/platform';

export function registerOrderGauges(prisma: PrismaClient): void {
  const active = { status: { in: [...ACTIVE_STATUSES] } };
  gauge({
    name: 'diandan_orders_open',
    help: 'Orders in an active status (read model).',
    async collect() {
      this.set(await prisma.order.count({ where: active }).catch(() => Number.NaN));
    },
  });
  gauge({
    name: 'diandan_orders_overdue',
    help: 'Active orders past their deadline (read model; the domain\'s isOverdue).',
    async collect() {
      this.set(await prisma.order.count({ where: { AND: [active, overdueWhere(new Date())] } }).catch(() => Number.NaN));
    },
  });
  gauge({
    name: 'diandan_orders_escalated',
    help: 'Active orders escalated at least once (read model).',
    async collect() {
      this.set(await prisma.order.count({ where: { ...active, escalations: { gt: 0 } } }).catch(() => Number.NaN));
    },
  });
}
