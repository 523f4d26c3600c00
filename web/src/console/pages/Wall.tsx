// 督办墙: overdue, escalated and bounced (扯皮推诿) orders, kept current by the live feed (SSE):
// an order that passes its deadline appears without a reload. Each order links to its workflow in
// the Temporal Web UI.
import { Badge, Card, Col, Flex, List, Row, Tag, Typography } from 'antd';
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

const WATCHED = new Set(['order.overdue', 'order.escalated', 'order.returned', 'order.urged', 'order.reopened', 'order.dispatched', 'order.closed', 'order.resolved']);

export default function Wall() {
  const { lang, t } = useLang();
  const config = useConfig();
  const [open, setOpen] = useState<string | null>(null);
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const lists = useLoad(async () => {
    const query = { params: { query: { limit: 100 } } };
    const [overdue, escalated, bounced] = await Promise.all([
      must(dispatchApi.GET('/v1/supervision/overdue', query)),
      must(dispatchApi.GET('/v1/supervision/escalated', query)),
      must(dispatchApi.GET('/v1/supervision/bounced', query)),
    ]);
    return { overdue: overdue as unknown as Page<OrderRow>, escalated: escalated as unknown as Page<OrderRow>, bounced: bounced as unknown as Page<OrderRow> };
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
          {section('escalated', '升级工单（追责记录）', 'Escalated (accountability)', '#722ed1')}
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
                <Typography.Text type={e.type === 'order.overdue' ? 'danger' : undefined}>
                  {when(e.at)} · {label(EVENT, e.type, lang)} · {e.orderId.slice(0, 8)}
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
