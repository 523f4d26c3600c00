// What helps the desk decide an order at triage (docs/knowledge.md, docs/merge.md): the knowledge
// base's entries that may answer it on the spot (用此答复), its likely duplicates among the open
// orders with score and reason (合并到此单), and its merge links (并入 / 已并入本单的重复诉求).
import { Alert, App, Button, Card, Flex, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { dispatchApi, must } from '../../api/client';
import { session } from '../../api/session';
import type { OrderRow } from '../../api/views';
import { label, STATUS } from '../../lib/labels';
import { useLang } from '../i18n';
import { asApiError, ErrorView, useLoad } from './state';
import type { ApiError } from '../../api/errors';

interface Hit {
  score: number;
  matched: string[];
  entry: { id: string; version: number; question: string; answer: string };
}
interface Candidate {
  orderId: string;
  trackingCode: string;
  status: string;
  content: string;
  score: number;
  reason: string;
}
interface Links {
  candidates: Candidate[];
  mergedInto: { id: string; trackingCode: string; status: string } | null;
  duplicates: Array<{ id: string; trackingCode: string; content: string }>;
}

const get = <T,>(path: string, orderId: string) => must(dispatchApi.GET(path as never, { params: { path: { orderId } } } as never)) as Promise<T>;
const post = (orderId: string, action: string, body: object) =>
  must(dispatchApi.POST(`/v1/orders/{orderId}/${action}` as '/v1/orders/{orderId}/accept', { params: { path: { orderId } }, body: body as never })) as Promise<{ events?: { seq?: number }[] }>;

export function TriageHelp({ order, reload }: { order: OrderRow; reload: (seq?: number) => Promise<void> }) {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const role = session.tokens?.user.role ?? '';
  const inQueue = order.status === 'placed';
  const knowledge = useLoad(() => (inQueue ? get<{ hits: Hit[] }>('/v1/orders/{orderId}/knowledge', order.id) : Promise.resolve({ hits: [] })), [order.id, inQueue]);
  const links = useLoad(() => get<Links>('/v1/orders/{orderId}/duplicates', order.id), [order.id]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const run = async (key: string, action: string, body: object, done: string) => {
    setBusy(key);
    setError(null);
    try {
      const result = await post(order.id, action, body);
      message.success(done);
      await reload(result.events?.at(-1)?.seq);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(null);
    }
  };
  const canAnswer = inQueue && ['operator', 'dispatcher'].includes(role);
  const canMerge = ['placed', 'dispatched'].includes(order.status) && ['operator', 'dispatcher'].includes(role) && (links.data?.duplicates.length ?? 0) === 0;

  return (
    <Flex vertical gap={12}>
      {error && <ErrorView error={error} />}
      {links.data?.mergedInto && (
        <Alert
          type="info"
          showIcon
          data-testid="merged-into"
          title={`${t('已并入工单', 'Merged into order')} ${links.data.mergedInto.trackingCode}（${label(STATUS, links.data.mergedInto.status, lang)}）`}
          description={t('该工单办结时，本单随之办结；居民仍对本单评价。派单员可在办结前取消合并。', 'When that order is resolved so is this one; its resident still rates it. A dispatcher may un-merge before then.')}
        />
      )}
      {(links.data?.duplicates.length ?? 0) > 0 && (
        <Card size="small" title={t('已并入本单的重复诉求', 'Merged into this order')} data-testid="merged-here">
          <List size="small" dataSource={links.data!.duplicates} renderItem={(d) => <List.Item>{d.trackingCode} · {d.content}</List.Item>} />
        </Card>
      )}
      {inQueue && (
        <Card size="small" title={t('知识库匹配（即接即办）', 'Knowledge base (answer on the spot)')} data-testid="knowledge-hits">
          {knowledge.error ? (
            <ErrorView error={knowledge.error} />
          ) : (
            <List
              size="small"
              loading={knowledge.loading}
              locale={{ emptyText: t('知识库中没有匹配的条目', 'No matching entry') }}
              dataSource={knowledge.data?.hits ?? []}
              renderItem={(hit) => (
                <List.Item
                  actions={
                    canAnswer
                      ? [
                          <Button key="use" size="small" type="primary" loading={busy === hit.entry.id} onClick={() => void run(hit.entry.id, 'answer', { answer: hit.entry.answer, entryId: hit.entry.id }, t('已用知识库答复', 'Answered from the knowledge base'))}>
                            {t('用此答复', 'Answer with it')}
                          </Button>,
                        ]
                      : []
                  }
                >
                  <List.Item.Meta
                    title={
                      <Space>
                        {hit.entry.question}
                        <Tag color="blue">{Math.round(hit.score * 100)}%</Tag>
                      </Space>
                    }
                    description={
                      <>
                        <div>{hit.entry.answer}</div>
                        <Typography.Text type="secondary">
                          {t('匹配词', 'Matched')}：{hit.matched.join('、')} · v{hit.entry.version}
                        </Typography.Text>
                      </>
                    }
                  />
                </List.Item>
              )}
            />
          )}
        </Card>
      )}
      {!links.data?.mergedInto && ['placed', 'dispatched', 'accepted', 'in_progress'].includes(order.status) && (
        <Card size="small" title={t('疑似重复诉求', 'Likely duplicates')} data-testid="duplicates">
          <List
            size="small"
            loading={links.loading}
            locale={{ emptyText: t('没有疑似重复的在办工单', 'No likely duplicate among open orders') }}
            dataSource={links.data?.candidates ?? []}
            renderItem={(c) => (
              <List.Item
                actions={
                  canMerge
                    ? [
                        <Button key="merge" size="small" loading={busy === c.orderId} onClick={() => void run(c.orderId, 'merge', { intoOrderId: c.orderId }, t(`已并入 ${c.trackingCode}`, `Merged into ${c.trackingCode}`))}>
                          {t('合并到此单', 'Merge into it')}
                        </Button>,
                      ]
                    : []
                }
              >
                <List.Item.Meta
                  title={
                    <Space>
                      {c.trackingCode}
                      <Tag>{label(STATUS, c.status, lang)}</Tag>
                      <Tag color="orange">{Math.round(c.score * 100)}%</Tag>
                    </Space>
                  }
                  description={
                    <>
                      <div>{c.content}</div>
                      <Typography.Text type="secondary">{c.reason}</Typography.Text>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        </Card>
      )}
    </Flex>
  );
}
