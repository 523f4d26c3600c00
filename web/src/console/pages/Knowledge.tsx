// 知识库 (docs/knowledge.md): entries by status with a search, one entry with its version history,
// a dispatcher's review of the units' proposals (通过 / 驳回) and retirements, new entries, and the
// share of consultations answered on the spot from the knowledge base.
import { App, Button, Card, Descriptions, Drawer, Flex, Form, Input, Modal, Segmented, Space, Statistic, Table, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { dispatchApi, must } from '../../api/client';
import { session } from '../../api/session';
import { useLang } from '../i18n';
import { when } from '../parts/format';
import { asApiError, ErrorView, Loadable, useLoad } from '../parts/state';
import type { ApiError } from '../../api/errors';

interface Entry {
  id: string;
  status: string;
  version: number;
  question: string;
  answer: string;
  keywords: string[];
  categoryCode: string | null;
  category?: { name: string } | null;
  ownerUnit?: { name: string } | null;
  validFrom: string | null;
  validTo: string | null;
  updatedAt: string;
  versions?: Array<{ version: number; status: string; answer: string; changedBy: string | null; changedAt: string; note: string | null }>;
}

const STATUS_TAG: Record<string, [string, string, string]> = {
  proposed: ['待审核', 'Proposed', 'gold'],
  approved: ['已发布', 'Approved', 'green'],
  rejected: ['已驳回', 'Rejected', 'default'],
  retired: ['已停用', 'Retired', 'default'],
};

const call = <T,>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: object, query?: Record<string, string>) =>
  must((method === 'GET' ? dispatchApi.GET : method === 'POST' ? dispatchApi.POST : dispatchApi.PATCH)(path as never, { params: { query }, ...(body ? { body } : {}) } as never)) as Promise<T>;

export default function Knowledge() {
  const { lang, t } = useLang();
  const role = session.tokens?.user.role ?? '';
  const [status, setStatus] = useState<string>(role === 'dispatcher' ? 'proposed' : 'approved');
  const [q, setQ] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const list = useLoad(() => call<{ total: number; entries: Entry[] }>('GET', '/v1/knowledge', undefined, { ...(status === 'all' ? {} : { status }), ...(q ? { q } : {}), limit: '100' }), [status, q]);
  const kpi = useLoad(
    () => (['dispatcher', 'supervisor', 'admin'].includes(role) ? call<{ total: { placed: number; answered: number; fromKnowledge: number; knowledgeRate: number | null } }>('GET', '/v1/knowledge/kpi') : Promise.resolve(undefined)),
    [role],
  );
  const tag = (s: string) => <Tag color={STATUS_TAG[s]?.[2]}>{(STATUS_TAG[s] ?? [s, s])[lang === 'zh' ? 0 : 1]}</Tag>;

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('知识库', 'Knowledge base')}
        </Typography.Title>
        {kpi.data && (
          <Card size="small" data-testid="knowledge-kpi">
            <Space size="large">
              <Statistic title={t('知识库即办率（近 12 个月）', 'Answered on the spot from the base (12 months)')} value={kpi.data.total.knowledgeRate === null ? '—' : `${(kpi.data.total.knowledgeRate * 100).toFixed(1)}%`} />
              <Statistic title={t('知识库答复 / 受理', 'From the base / placed')} value={`${kpi.data.total.fromKnowledge} / ${kpi.data.total.placed}`} />
            </Space>
          </Card>
        )}
      </Flex>
      <Space wrap>
        <Segmented
          value={status}
          onChange={(v) => setStatus(String(v))}
          options={[
            { value: 'proposed', label: t('待审核', 'Proposed') },
            { value: 'approved', label: t('已发布', 'Approved') },
            { value: 'retired', label: t('已停用', 'Retired') },
            { value: 'rejected', label: t('已驳回', 'Rejected') },
            { value: 'all', label: t('全部', 'All') },
          ]}
        />
        <Input.Search aria-label={t('搜索知识库', 'Search the base')} placeholder={t('问题、答复或关键词', 'Question, answer or keyword')} allowClear onSearch={setQ} style={{ width: 280 }} />
        {['dispatcher', 'admin'].includes(role) && (
          <Button type="primary" onClick={() => setCreating(true)}>
            {t('新增条目', 'New entry')}
          </Button>
        )}
      </Space>
      <Loadable state={list}>
        {(data) => (
          <Table<Entry>
            data-testid="knowledge-table"
            rowKey="id"
            size="middle"
            dataSource={data?.entries ?? []}
            onRow={(row) => ({ onClick: () => setOpen(row.id), onKeyDown: (e) => e.key === 'Enter' && setOpen(row.id), tabIndex: 0, style: { cursor: 'pointer' } })}
            columns={[
              { title: t('问题', 'Question'), dataIndex: 'question' },
              { title: t('类别', 'Category'), render: (_, r) => r.category?.name ?? '—' },
              { title: t('状态', 'Status'), render: (_, r) => tag(r.status) },
              { title: t('版本', 'Version'), dataIndex: 'version', width: 70 },
              { title: t('有效期至', 'Valid to'), render: (_, r) => (r.validTo ? when(r.validTo) : t('长期', 'open')) },
              { title: t('负责单位', 'Owner'), render: (_, r) => r.ownerUnit?.name ?? '—' },
            ]}
          />
        )}
      </Loadable>
      <EntryDrawer id={open} onClose={() => setOpen(null)} onChanged={() => void list.reload()} />
      <NewEntry open={creating} onClose={() => setCreating(false)} onCreated={() => void list.reload()} />
    </Flex>
  );
}

function EntryDrawer({ id, onClose, onChanged }: { id: string | null; onClose: () => void; onChanged: () => void }) {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const role = session.tokens?.user.role ?? '';
  const entry = useLoad(() => (id ? call<Entry>('GET', `/v1/knowledge/${id}`) : Promise.resolve(undefined)), [id]);
  const [error, setError] = useState<ApiError | null>(null);
  const review = async (action: 'approve' | 'reject' | 'retire', version: number) => {
    setError(null);
    try {
      await call('POST', `/v1/knowledge/${id}/${action}`, { version });
      message.success(t('已处理', 'Done'));
      await entry.reload();
      onChanged();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <Drawer open={id !== null} onClose={onClose} size={640} title={t('知识库条目', 'Knowledge-base entry')} destroyOnHidden>
      <Loadable state={entry}>
        {(e) =>
          e && (
            <Flex vertical gap={16}>
              <Descriptions bordered size="small" column={1}>
                <Descriptions.Item label={t('问题', 'Question')}>{e.question}</Descriptions.Item>
                <Descriptions.Item label={t('答复', 'Answer')}>
                  <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{e.answer}</Typography.Paragraph>
                </Descriptions.Item>
                <Descriptions.Item label={t('关键词', 'Keywords')}>{e.keywords.length ? e.keywords.map((k) => <Tag key={k}>{k}</Tag>) : '—'}</Descriptions.Item>
                <Descriptions.Item label={t('状态 / 版本', 'Status / version')}>
                  {(STATUS_TAG[e.status] ?? [e.status, e.status])[lang === 'zh' ? 0 : 1]} · v{e.version}
                </Descriptions.Item>
                <Descriptions.Item label={t('有效期', 'Validity')}>
                  {e.validFrom ? when(e.validFrom) : t('即日起', 'now')} — {e.validTo ? when(e.validTo) : t('长期', 'open')}
                </Descriptions.Item>
              </Descriptions>
              {error && <ErrorView error={error} />}
              {role === 'dispatcher' && (
                <Space>
                  {e.status === 'proposed' && (
                    <>
                      <Button type="primary" onClick={() => void review('approve', e.version)}>
                        {t('通过', 'Approve')}
                      </Button>
                      <Button danger onClick={() => void review('reject', e.version)}>
                        {t('驳回', 'Reject')}
                      </Button>
                    </>
                  )}
                  {e.status === 'approved' && <Button onClick={() => void review('retire', e.version)}>{t('停用', 'Retire')}</Button>}
                </Space>
              )}
              <section aria-label={t('版本记录', 'Versions')}>
                <Typography.Title level={5}>{t('版本记录', 'Versions')}</Typography.Title>
                <Timeline
                  items={(e.versions ?? []).map((v) => ({
                    content: (
                      <div>
                        <b>v{v.version}</b> {(STATUS_TAG[v.status] ?? [v.status, v.status])[lang === 'zh' ? 0 : 1]} <Typography.Text type="secondary">{when(v.changedAt)}</Typography.Text>
                        {v.note && <div>{v.note}</div>}
                      </div>
                    ),
                  }))}
                />
              </section>
            </Flex>
          )
        }
      </Loadable>
    </Drawer>
  );
}

function NewEntry({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const { t } = useLang();
  const [form] = Form.useForm();
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (values: { question: string; answer: string; keywords?: string; validTo?: string }) => {
    setError(null);
    try {
      const keywords = (values.keywords ?? '').split(/[,，、\s]+/).filter(Boolean);
      await call('POST', '/v1/knowledge', { question: values.question, answer: values.answer, keywords, ...(values.validTo ? { validTo: values.validTo } : {}) });
      form.resetFields();
      onCreated();
      onClose();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <Modal open={open} onCancel={onClose} title={t('新增知识库条目', 'New knowledge-base entry')} onOk={() => form.submit()} okText={t('保存', 'Save')} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item name="question" label={t('问题', 'Question')} rules={[{ required: true, whitespace: true, max: 4000 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="answer" label={t('答复', 'Answer')} rules={[{ required: true, whitespace: true, max: 4000 }]}>
          <Input.TextArea rows={4} showCount maxLength={4000} />
        </Form.Item>
        <Form.Item name="keywords" label={t('关键词（逗号分隔）', 'Keywords (comma separated)')}>
          <Input />
        </Form.Item>
        <Form.Item name="validTo" label={t('有效期至（YYYY-MM-DD，可空）', 'Valid to (YYYY-MM-DD, optional)')} rules={[{ pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('格式：YYYY-MM-DD', 'Format: YYYY-MM-DD') }]}>
          <Input />
        </Form.Item>
      </Form>
      {error && <ErrorView error={error} />}
    </Modal>
  );
}
