// 派单台: the dispatch queue (placed orders, urgent and oldest first) with filters and counts.
import { Badge, Button, Card, Flex, Input, Select, Space, Statistic } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { dispatchApi, must } from '../../api/client';
import type { OrderRow, Page } from '../../api/views';
import { useLang } from '../i18n';
import { OrderDrawer } from '../parts/OrderDrawer';
import { OrderTable } from '../parts/OrderTable';
import { useReference } from '../parts/reference';
import { ErrorView, useLoad } from '../parts/state';

export default function Triage() {
  const { t } = useLang();
  const [text, setText] = useState('');
  // The search goes to the staff API (a code or words of the need): a district's queue can be
  // longer than the 200 orders a page shows. Debounced so that typing is not a request per key.
  const [search, setSearch] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setSearch(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text]);
  const queue = useLoad(
    async () => (await must(dispatchApi.GET('/v1/queues/triage', { params: { query: { limit: 200, ...(search ? { q: search } : {}) } } }))) as unknown as Page<OrderRow>,
    [search],
  );
  const reference = useReference();
  const [category, setCategory] = useState<string>();
  const [priority, setPriority] = useState<string>();
  const [open, setOpen] = useState<string | null>(null);
  const orders = useMemo(
    () =>
      (queue.data?.orders ?? []).filter(
        (o) => (!category || o.categoryCode === category) && (!priority || o.priority === priority),
      ),
    [queue.data, category, priority],
  );
  const all = queue.data?.orders ?? [];
  return (
    <Flex vertical gap={16}>
      <Flex gap={16} wrap>
        <Card size="small"><Statistic title={t('待派单', 'Waiting')} value={queue.data?.total ?? 0} /></Card>
        <Card size="small"><Statistic title={t('紧急', 'Urgent')} value={queue.data?.counts?.byPriority.urgent ?? all.filter((o) => o.priority === 'urgent').length} valueStyle={{ color: '#c8102e' }} /></Card>
        <Card size="small"><Statistic title={t('派单超时', 'Overdue')} value={queue.data?.counts?.overdue ?? 0} /></Card>
        <Card size="small"><Statistic title={t('曾被退单', 'Returned before')} value={all.filter((o) => (o.bounces ?? 0) > 0).length} /></Card>
      </Flex>
      <Card size="small">
        <Space wrap>
          <Input.Search aria-label={t('搜索', 'Search')} placeholder={t('搜索诉求或查询码', 'Search need or code')} allowClear onChange={(e) => setText(e.target.value)} style={{ width: 240 }} />
          <Select aria-label={t('类别', 'Category')} allowClear placeholder={t('全部类别', 'All categories')} style={{ width: 180 }} value={category} onChange={setCategory}
            options={(reference.data?.categories ?? []).map((c) => ({ value: c.code, label: c.name }))} />
          <Select aria-label={t('紧急程度', 'Priority')} allowClear placeholder={t('全部紧急程度', 'Any priority')} style={{ width: 140 }} value={priority} onChange={setPriority}
            options={[{ value: 'urgent', label: t('紧急', 'Urgent') }, { value: 'normal', label: t('普通', 'Normal') }]} />
          <Button onClick={() => void queue.reload()}>{t('刷新', 'Refresh')}</Button>
          <Badge count={orders.length} showZero color="#c8102e" />
        </Space>
      </Card>
      {queue.error && <ErrorView error={queue.error} retry={() => void queue.reload()} />}
      <OrderTable testId="triage-table" orders={orders} loading={queue.loading} onOpen={(o) => setOpen(o.id)} />
      <OrderDrawer orderId={open} onClose={() => setOpen(null)} onChanged={() => void queue.reload()} />
    </Flex>
  );
}
