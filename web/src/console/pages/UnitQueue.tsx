// 办单台: a unit's active orders sorted by deadline with the remaining working time; the 80 % urge
// shows in the queue and on the order. Unit clerks see their own unit; dispatchers and supervisors
// pick one.
import { Card, Flex, Select, Space, Statistic } from 'antd';
import { useState } from 'react';
import { dispatchApi, must } from '../../api/client';
import { session } from '../../api/session';
import type { OrderRow, Page } from '../../api/views';
import { label, LEVEL } from '../../lib/labels';
import { useLang } from '../i18n';
import { OrderDrawer } from '../parts/OrderDrawer';
import { OrderTable } from '../parts/OrderTable';
import { useReference } from '../parts/reference';
import { ErrorView, useLoad } from '../parts/state';

export default function UnitQueue() {
  const { lang, t } = useLang();
  const user = session.tokens?.user;
  // Clerks and street/district officers work their own unit's queue (the API scopes it too).
  const own = ['unit_handler', 'street_officer', 'district_officer'].includes(user?.role ?? '');
  const reference = useReference();
  const [unitId, setUnitId] = useState<string | undefined>(own ? (user?.unitId ?? undefined) : undefined);
  const [open, setOpen] = useState<string | null>(null);
  const queue = useLoad(async () => {
    if (!unitId) return undefined;
    // Officers work their level's queue (their branch); clerks their unit's.
    if (user?.role.endsWith('_officer')) return (await must(dispatchApi.GET('/v1/queues/level', { params: { query: { limit: 200 } as never } }))) as unknown as Page<OrderRow>;
    return (await must(dispatchApi.GET('/v1/queues/unit', { params: { query: { limit: 200, ...(own ? {} : { unitId }) } as never } }))) as unknown as Page<OrderRow>;
  }, [unitId]);
  const orders = queue.data?.orders ?? [];
  const now = Date.now();
  const unit = unitId ? reference.data?.unitById.get(unitId) : undefined;
  return (
    <Flex vertical gap={16}>
      <Card size="small">
        <Space wrap>
          {own ? (
            <b>{unit ? `${unit.name}（${label(LEVEL, unit.level, lang)}）` : user?.unitId}</b>
          ) : (
            <Select aria-label={t('单位', 'Unit')} showSearch={{ optionFilterProp: 'label' }} placeholder={t('选择单位', 'Choose a unit')} style={{ width: 260 }} value={unitId} onChange={setUnitId}
              options={(reference.data?.units ?? []).map((u) => ({ value: u.id, label: `${u.name}（${label(LEVEL, u.level, lang)}）` }))} />
          )}
        </Space>
      </Card>
      <Flex gap={16} wrap>
        <Card size="small"><Statistic title={t('待签收', 'To accept')} value={orders.filter((o) => o.status === 'dispatched').length} /></Card>
        <Card size="small"><Statistic title={t('办理中', 'In hand')} value={orders.filter((o) => o.status === 'accepted' || o.status === 'in_progress').length} /></Card>
        <Card size="small"><Statistic title={t('已超时', 'Overdue')} value={orders.filter((o) => o.overdue || (o.deadlineAt && Date.parse(o.deadlineAt) < now)).length} valueStyle={{ color: '#c8102e' }} /></Card>
        <Card size="small"><Statistic title={t('被催办', 'Urged')} value={orders.filter((o) => (o.urges?.count ?? 0) > 0).length} /></Card>
      </Flex>
      {queue.error && <ErrorView error={queue.error} retry={() => void queue.reload()} />}
      <OrderTable
        testId="unit-table"
        orders={orders}
        loading={queue.loading && !!unitId}
        onOpen={(o) => setOpen(o.id)}
        extraColumns={user?.role.endsWith('_officer') ? [{ title: t('为何到此', 'Why here'), width: 220, render: (_v, o) => (o.climb ? `${o.climb.fromUnitName ?? ''} ${o.climb.trigger === 'deadline' ? t('超时上报', 'deadline passed') : o.climb.trigger === 'dissatisfied' ? t('群众不满意', 'dissatisfied') : t('人工上报', 'escalated')}${o.climb.reason ? `：${o.climb.reason}` : ''}` : t('直接派单', 'dispatched here')) }] : []}
      />
      <OrderDrawer orderId={open} onClose={() => setOpen(null)} onChanged={() => void queue.reload()} />
    </Flex>
  );
}
