// The orders table every queue uses: code, need, category, unit, status, countdown; a row opens
// the drawer (click or Enter — rows are focusable for keyboard users).
import { Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { OrderRow } from '../../api/views';
import { label, LEVEL, PRIORITY } from '../../lib/labels';
import { useLang } from '../i18n';
import { Countdown, StatusTag, useNow, when } from './format';

export interface OrderTableProps {
  orders: OrderRow[];
  loading?: boolean;
  onOpen: (order: OrderRow) => void;
  showCountdown?: boolean;
  extraColumns?: ColumnsType<OrderRow>;
  rowSelection?: Parameters<typeof Table<OrderRow>>[0]['rowSelection'];
  testId?: string;
}

export function OrderTable({ orders, loading, onOpen, showCountdown = true, extraColumns = [], rowSelection, testId }: OrderTableProps) {
  const { lang, t } = useLang();
  const now = useNow();
  const columns: ColumnsType<OrderRow> = [
    { title: t('查询码', 'Code'), dataIndex: 'trackingCode', width: 140, render: (code: string) => <Typography.Text code>{code}</Typography.Text> },
    { title: t('诉求', 'Need'), dataIndex: 'content', ellipsis: true, width: 300 },
    { title: t('类别', 'Category'), width: 130, render: (_v, o) => o.category?.name ?? o.categoryCode ?? '—' },
    { title: t('紧急', 'Priority'), dataIndex: 'priority', width: 80, render: (p: string) => (p === 'urgent' ? <Tag color="red">{label(PRIORITY, p, lang)}</Tag> : label(PRIORITY, p, lang)) },
    { title: t('承办单位', 'Unit'), width: 170, render: (_v, o) => (o.unit?.name ? `${o.unit.name}${o.level ? `（${label(LEVEL, o.level, lang)}）` : ''}` : '—') },
    { title: t('状态', 'Status'), dataIndex: 'status', width: 100, render: (s: string, o) => (
      <>
        <StatusTag status={s} lang={lang} />
        {(o.urges?.count ?? 0) > 0 && <Tag color="volcano">{t(`催办 ${o.urges?.count}`, `urged ${o.urges?.count}`)}</Tag>}
      </>
    ) },
    { title: t('提交时间', 'Placed'), dataIndex: 'placedAt', width: 150, render: when },
    ...(showCountdown ? [{ title: t('剩余工作时间', 'Working time left'), width: 190, render: (_v: unknown, o: OrderRow) => <Countdown order={o} now={now} lang={lang} /> }] : []),
    ...extraColumns,
  ];
  return (
    <Table<OrderRow>
      data-testid={testId}
      rowKey="id"
      size="middle"
      loading={loading}
      columns={columns}
      dataSource={orders}
      rowSelection={rowSelection}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: 'max-content' }}
      onRow={(order) => ({
        onClick: (e) => {
          if ((e.target as HTMLElement).closest('.ant-table-selection-column')) return;
          onOpen(order);
        },
        onKeyDown: (e) => {
          if (e.key === 'Enter') onOpen(order);
        },
        tabIndex: 0,
        style: { cursor: 'pointer' },
        'aria-label': `${order.trackingCode} ${order.content.slice(0, 30)}`,
      })}
    />
  );
}
