// 督办墙: overdue, escalated and bounced (扯皮推诿) orders, kept current by the live feed (SSE):
// an order that passes its deadline appears without a reload. Each order links to its workflow in
// the Temporal Web UI.
import { Badge, Card, Col, Flex, List, Row, Table, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { dispatchApi, must } from '../../api/client';
import { session } from '../../api/session';
import type { OrderRow, Page, TimelineEvent } from '../../api/views';
import { EVENT, label } from '../../lib/labels';
import { useLang } from '../i18n';
import { when } from '../parts/format';
import { OrderDrawer } from '../parts/OrderDrawer';
import { OrderTable } from '../parts/OrderTable';
import { ErrorView, useLoad } from '../parts/state';
import { useConfig } from '../parts/useConfig';

type LiveEvent = TimelineEvent & { orderId: string; trackingCode?: string };

interface AccountabilityRecord {
  eventId: string;
  at: string;
  stage: string | null;
  unit: { id: string; name: string | null; level: string | null } | null;
  order: { id: string; trackingCode: string; status: string; categoryName: string | null; content: string };
}

const STAGE: Record<string, [string, string]> = { triage: ['派单', 'triage'], accept: ['签收', 'accept'], opinion: ['初步意见', 'opinion'], resolve: ['办结', 'resolve'], rating: ['评价', 'rating'] };

/** Reconnects with a fresh token after an error (the access token may have expired). */
function useLiveFeed(onEvent: (event: LiveEvent) => void): boolean {
  const [connected, setConnected] = useState(false);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    let source: EventSource | null = null;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const open = async () => {
      const url = await session.feedUrl();
      if (stopped) return;
      source = new EventSource(url);
      source.onopen = () => setConnected(true);
      source.addEventListener('lifecycle', (message) => handler.current(JSON.parse((message as MessageEvent<string>).data) as LiveEvent));
      source.onerror = () => {
        setConnected(false);
        source?.close();
        if (stopped) return;
        retry = setTimeout(() => void session.refresh().then(() => (stopped ? undefined : open())), 2000);
      };
    };
    void open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, []);
  return connected;
}

const WATCHED = new Set(['order.supervisor_alerted', 'order.buck_passing_flagged', 'order.accountability_recorded', 'order.escalated', 'order.returned', 'order.urged', 'order.reopened', 'order.dispatched', 'order.closed', 'order.resolved']);

export default function Wall() {
  const { lang, t } = useLang();
  const config = useConfig();
  const [open, setOpen] = useState<string | null>(null);
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const lists = useLoad(async () => {
    const query = { params: { query: { limit: 100 } } };
    const [overdue, escalated, bounced, accountability] = await Promise.all([
      must(dispatchApi.GET('/v1/supervision/overdue', query)),
      must(dispatchApi.GET('/v1/supervision/escalated', query)),
      must(dispatchApi.GET('/v1/supervision/bounced', query)),
      must(dispatchApi.GET('/v1/supervision/accountability' as never, { params: { query: { limit: 50 } } } as never)),
    ]);
    return {
      overdue: overdue as unknown as Page<OrderRow>,
      escalated: escalated as unknown as Page<OrderRow>,
      bounced: bounced as unknown as Page<OrderRow>,
      accountability: accountability as unknown as { total: number; records: AccountabilityRecord[] },
    };
  }, []);
  const reloadTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const connected = useLiveFeed((event) => {
    setEvents((list) => [event, ...list].slice(0, 50));
    // The read model is written by the same stream; give the projector a moment, then re-read.
    if (WATCHED.has(event.type)) {
      clearTimeout(reloadTimer.current);
      reloadTimer.current = setTimeout(() => {
        void lists.reload();
        reloadTimer.current = setTimeout(() => void lists.reload(), 2000);
      }, 500);
    }
  });
  const section = (key: 'overdue' | 'escalated' | 'bounced', zh: string, en: string, color: string) => (
    <Card title={<span><Badge color={color} /> {t(zh, en)} <Tag>{lists.data?.[key].total ?? 0}</Tag></span>} size="small" data-testid={`wall-${key}`}>
      <OrderTable orders={lists.data?.[key].orders ?? []} loading={lists.loading && !lists.data} onOpen={(o) => setOpen(o.id)} />
    </Card>
  );
  return (
    <Row gutter={16}>
      <Col xs={24} xl={17}>
        <Flex vertical gap={16}>
          {lists.error && <ErrorView error={lists.error} retry={() => void lists.reload()} />}
          {section('overdue', '超时工单', 'Overdue', '#c8102e')}
          {section('bounced', '退单与扯皮推诿', 'Bounced and buck-passing', '#fa8c16')}
          {section('escalated', '升级工单', 'Escalated', '#722ed1')}
          <Card size="small" title={<span><Badge color="#000" /> {t('追责记录', 'Accountability records')} <Tag>{lists.data?.accountability.total ?? 0}</Tag></span>} data-testid="wall-accountability">
            <Table<AccountabilityRecord>
              rowKey="eventId"
              size="small"
              pagination={false}
              dataSource={lists.data?.accountability.records ?? []}
              onRow={(r) => ({ onClick: () => setOpen(r.order.id), style: { cursor: 'pointer' } })}
              columns={[
                { title: t('时间', 'When'), dataIndex: 'at', width: 150, render: when },
                { title: t('查询码', 'Code'), render: (_v, r) => <Typography.Text code>{r.order.trackingCode}</Typography.Text> },
                { title: t('超时单位', 'Unit'), render: (_v, r) => r.unit?.name ?? r.unit?.id ?? '—' },
                { title: t('超时环节', 'Stage'), render: (_v, r) => (r.stage ? (STAGE[r.stage] ?? [r.stage, r.stage])[lang === 'zh' ? 0 : 1] : '—') },
                { title: t('诉求', 'Need'), render: (_v, r) => r.order.content, ellipsis: true },
              ]}
            />
          </Card>
        </Flex>
      </Col>
      <Col xs={24} xl={7}>
        <Card size="small" title={<span>{t('实时动态', 'Live feed')} <Badge status={connected ? 'processing' : 'error'} text={connected ? t('已连接', 'live') : t('连接中…', 'connecting…')} /></span>}>
          <List
            aria-live="polite"
            size="small"
            dataSource={events}
            locale={{ emptyText: t('等待新动态', 'Waiting for events') }}
            renderItem={(e) => (
              <List.Item onClick={() => setOpen(e.orderId)} style={{ cursor: 'pointer' }}>
                <Typography.Text type={e.type === 'order.supervisor_alerted' || e.type === 'order.accountability_recorded' ? 'danger' : undefined}>
                  {when(e.at)} · {label(EVENT, e.type, lang)} · {e.trackingCode ?? e.orderId.slice(0, 8)}
                </Typography.Text>
              </List.Item>
            )}
          />
        </Card>
      </Col>
      <OrderDrawer orderId={open} onClose={() => setOpen(null)} temporalUiUrl={config.temporalUiUrl} />
    </Row>
  );
}
