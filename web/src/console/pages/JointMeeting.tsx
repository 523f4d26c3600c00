// 联席会议: a day's new orders on one screen; tick the ones agreed on, check or change each one's
// unit (the suggestion is preselected), dispatch them all at once. Each dispatch is still one
// workflow update; the screen reports each order's outcome, so one refusal never hides the rest.
import { Alert, Button, Card, DatePicker, Flex, Select, Space, Table, Tag, Typography, App } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { dispatchApi, must } from '../../api/client';
import type { OrderRow, Page } from '../../api/views';
import { label, LEVEL } from '../../lib/labels';
import { useLang } from '../i18n';
import { when } from '../parts/format';
import { suggestUnit, useReference } from '../parts/reference';
import { asApiError, ErrorView, useLoad } from '../parts/state';

export default function JointMeeting() {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const [day, setDay] = useState<Dayjs>(dayjs());
  const queue = useLoad(async () => (await must(dispatchApi.GET('/v1/queues/triage', { params: { query: { limit: 200 } } }))) as unknown as Page<OrderRow>, []);
  const reference = useReference();
  const [selected, setSelected] = useState<string[]>([]);
  const [choice, setChoice] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const orders = useMemo(() => (queue.data?.orders ?? []).filter((o) => dayjs(o.placedAt).isSame(day, 'day')), [queue.data, day]);
  const unitOf = (o: OrderRow) => choice[o.id] ?? suggestUnit(reference.data, o)?.unit.id;

  const dispatchAll = async () => {
    setBusy(true);
    const results: Record<string, string> = {};
    for (const id of selected) {
      const order = orders.find((o) => o.id === id);
      const unitId = order && unitOf(order);
      if (!order || !unitId) {
        results[id] = t('未选单位', 'no unit chosen');
        continue;
      }
      try {
        await must(dispatchApi.POST('/v1/orders/{orderId}/dispatch', { params: { path: { orderId: id } }, body: { unitId } }));
        results[id] = 'ok';
      } catch (e) {
        results[id] = asApiError(e).title(lang);
      }
    }
    setOutcome(results);
    const done = Object.values(results).filter((r) => r === 'ok').length;
    message.info(t(`已派出 ${done} 单，共 ${selected.length} 单`, `dispatched ${done} of ${selected.length}`));
    setSelected([]);
    setBusy(false);
    await queue.reload();
  };

  return (
    <Flex vertical gap={16}>
      <Card size="small">
        <Space wrap>
          <DatePicker aria-label={t('日期', 'Day')} value={day} onChange={(d) => d && setDay(d)} allowClear={false} />
          <Typography.Text>{t(`当天新单 ${orders.length} 件`, `${orders.length} new orders that day`)}</Typography.Text>
          <Button type="primary" disabled={selected.length === 0} loading={busy} onClick={() => void dispatchAll()}>
            {t(`批量派单（${selected.length}）`, `Dispatch selected (${selected.length})`)}
          </Button>
        </Space>
      </Card>
      {queue.error && <ErrorView error={queue.error} retry={() => void queue.reload()} />}
      {Object.keys(outcome).length > 0 && (
        <Alert type="info" showIcon closable title={t('上次批量派单结果', 'Last batch')} description={Object.entries(outcome).map(([id, r]) => `${id.slice(0, 8)}：${r === 'ok' ? t('已派出', 'dispatched') : r}`).join('；')} />
      )}
      <Table<OrderRow>
        rowKey="id"
        loading={queue.loading}
        dataSource={orders}
        pagination={false}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) }}
        columns={[
          { title: t('查询码', 'Code'), dataIndex: 'trackingCode', width: 140 },
          { title: t('诉求', 'Need'), dataIndex: 'content', ellipsis: true },
          { title: t('类别', 'Category'), width: 130, render: (_v, o) => o.category?.name ?? o.categoryCode ?? '—' },
          { title: t('提交时间', 'Placed'), dataIndex: 'placedAt', width: 150, render: when },
          {
            title: t('派往', 'Dispatch to'),
            width: 300,
            render: (_v, o) => {
              const s = suggestUnit(reference.data, o);
              return (
                <Space orientation="vertical" size={2}>
                  <Select aria-label={t('承办单位', 'Unit')} style={{ width: 260 }} showSearch={{ optionFilterProp: 'label' }} value={unitOf(o)} onChange={(v) => setChoice({ ...choice, [o.id]: v })}
                    options={(reference.data?.units ?? []).map((u) => ({ value: u.id, label: `${u.name}（${label(LEVEL, u.level, lang)}）` }))} />
                  {s && <Tag color="blue">{t('建议', 'suggested')}：{lang === 'zh' ? s.reason.zh : s.reason.en}</Tag>}
                </Space>
              );
            },
          },
        ]}
      />
    </Flex>
  );
}
