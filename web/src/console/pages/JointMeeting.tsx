// 联席会议: a day's new orders on one screen (the staff API's day view, with counts and a suggestion
// for each order still in the queue); tick the ones agreed on, check or change each one's unit,
// dispatch them all at once (one batch call; each dispatch is still its own workflow update, and
// the answer reports each order's outcome, so one refusal never hides the rest).
import { Alert, Button, Card, DatePicker, Flex, Select, Space, Table, Tag, Typography, App } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { dispatchApi, must } from '../../api/client';
import type { OrderRow } from '../../api/views';

interface DayView {
  date: string;
  total: number;
  counts: { byArea: { key: string | null; name: string | null; count: number }[] };
  orders: OrderRow[];
}
import { label, LEVEL } from '../../lib/labels';
import { useLang } from '../i18n';
import { StatusTag, when } from '../parts/format';
import { suggestUnit, useReference } from '../parts/reference';
import { asApiError, ErrorView, useLoad } from '../parts/state';

export default function JointMeeting() {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const [day, setDay] = useState<Dayjs>(dayjs());
  const date = day.format('YYYY-MM-DD');
  const queue = useLoad(async () => (await must(dispatchApi.GET('/v1/joint-meeting/day', { params: { query: { date } as never } }))) as unknown as DayView, [date]);
  const reference = useReference();
  const [selected, setSelected] = useState<string[]>([]);
  const [choice, setChoice] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const orders = useMemo(() => queue.data?.orders ?? [], [queue.data]);
  const suggestionOf = (o: OrderRow) => (o.suggestion?.suggested ? { unitId: o.suggestion.suggested.unitId, reason: o.suggestion.suggested.reason } : (() => { const s = suggestUnit(reference.data, o); return s ? { unitId: s.unit.id, reason: lang === 'zh' ? s.reason.zh : s.reason.en } : undefined; })());
  const unitOf = (o: OrderRow) => choice[o.id] ?? suggestionOf(o)?.unitId;

  const dispatchAll = async () => {
    setBusy(true);
    const results: Record<string, string> = {};
    const items: { orderId: string; unitId: string }[] = [];
    for (const id of selected) {
      const order = orders.find((o) => o.id === id);
      const unitId = order && unitOf(order);
      if (!order || !unitId) results[id] = t('未选单位', 'no unit chosen');
      else items.push({ orderId: id, unitId });
    }
    try {
      if (items.length > 0) {
        const answer = (await must(dispatchApi.POST('/v1/joint-meeting/dispatch' as never, { body: { items } } as never))) as { results: { orderId: string; ok: boolean; error?: { code?: string; message?: string } }[] };
        for (const r of answer.results) results[r.orderId] = r.ok ? 'ok' : `${r.error?.message ?? r.error?.code ?? t('失败', 'failed')}`;
      }
    } catch (e) {
      for (const item of items) results[item.orderId] = asApiError(e).title(lang);
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
          <Typography.Text>{t(`当天新单 ${queue.data?.total ?? 0} 件`, `${queue.data?.total ?? 0} new orders that day`)}</Typography.Text>
          {(queue.data?.counts.byArea ?? []).filter((a) => a.key).map((a) => <Tag key={a.key}>{a.name}：{a.count}</Tag>)}
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
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]), getCheckboxProps: (o) => ({ disabled: o.status !== 'placed' }) }}
        columns={[
          { title: t('查询码', 'Code'), dataIndex: 'trackingCode', width: 140 },
          { title: t('诉求', 'Need'), dataIndex: 'content', ellipsis: true },
          { title: t('类别', 'Category'), width: 130, render: (_v, o) => o.category?.name ?? o.categoryCode ?? '—' },
          { title: t('提交时间', 'Placed'), dataIndex: 'placedAt', width: 150, render: when },
          { title: t('状态', 'Status'), dataIndex: 'status', width: 90, render: (s: string) => <StatusTag status={s} lang={lang} /> },
          {
            title: t('派往', 'Dispatch to'),
            width: 300,
            render: (_v, o) => {
              if (o.status !== 'placed') return o.unit?.name ?? '—';
              const s = suggestionOf(o);
              return (
                <Space orientation="vertical" size={2}>
                  <Select aria-label={t('承办单位', 'Unit')} style={{ width: 260 }} showSearch={{ optionFilterProp: 'label' }} value={unitOf(o)} onChange={(v) => setChoice({ ...choice, [o.id]: v })}
                    options={(reference.data?.units ?? []).map((u) => ({ value: u.id, label: `${u.name}（${label(LEVEL, u.level, lang)}）` }))} />
                  {s && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('建议', 'suggested')}：{s.reason}</Typography.Text>}
                </Space>
              );
            },
          },
        ]}
      />
    </Flex>
  );
}
