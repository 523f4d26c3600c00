// 提议遴选: the cycle's proposals ranked by supports (the staff API's ranking, scrubbed of personal
// data), filtered by category and status; the joint meeting (dispatcher, supervisor, admin)
// accepts one — it becomes a project of the year's list with its owning unit and milestones — or
// declines it, each with a public reason; a dispatcher or supervisor merges a duplicate into
// another (its supports move, a person who supported both counts once). The cycle's workflow
// decides whether the phase allows it; a refusal is shown in the API's words.
import { App, Button, Flex, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { dispatchApi, must } from '../../api/client';
import { session } from '../../api/session';
import { label, LEVEL, PHASE, PROPOSAL_STATUS } from '../../lib/labels';
import { useLang } from '../i18n';
import { chinaTime } from '../parts/format';
import { useReference } from '../parts/reference';
import { asApiError, ErrorView, useLoad } from '../parts/state';
import type { CycleRow } from './Cycle';

export interface RankedProposal {
  rank: number;
  id: string;
  reference: string;
  title: string;
  content: string;
  categoryCode: string | null;
  categoryName: string | null;
  areaId: string | null;
  channel: string;
  status: string;
  supportCount: number;
  decisionReason: string | null;
  projectId: string | null;
  mergedIntoId: string | null;
  createdAt: string;
}

const STATUS_COLOR: Record<string, string> = { open: 'blue', accepted: 'green', declined: 'default', merged: 'default' };
const DECIDERS = ['admin', 'supervisor', 'dispatcher'];
const MERGERS = ['supervisor', 'dispatcher'];

export function CycleSelection({ cycle, onDecided }: { cycle: CycleRow; onDecided: () => void }) {
  const { lang, t } = useLang();
  const role = session.tokens?.user.role ?? '';
  const reference = useReference();
  const [categoryCode, setCategoryCode] = useState<string>();
  const [status, setStatus] = useState<'open' | 'accepted' | 'declined' | 'merged'>();
  const ranking = useLoad(
    async () =>
      ((await must(dispatchApi.GET('/v1/cycles/{cycleId}/proposals', { params: { path: { cycleId: cycle.id }, query: { ...(categoryCode ? { categoryCode } : {}), ...(status ? { status } : {}) } } }))) as unknown as { proposals: RankedProposal[] })
        .proposals,
    [cycle.id, categoryCode, status],
  );
  const [deciding, setDeciding] = useState<{ proposal: RankedProposal; decision: 'accepted' | 'declined' } | null>(null);
  const [merging, setMerging] = useState<RankedProposal | null>(null);
  const mayDecide = DECIDERS.includes(role) && cycle.phase === 'selection';
  const mayMerge = MERGERS.includes(role) && (cycle.phase === 'solicitation' || cycle.phase === 'selection');
  const unitName = (id: string | null) => (id ? (reference.data?.unitById.get(id)?.name ?? id) : '—');
  const done = () => {
    void ranking.reload();
    onDecided();
    // The read model follows the workflow's event a moment later.
    setTimeout(() => void ranking.reload(), 1500);
  };
  return (
    <Flex vertical gap={12}>
      <Space wrap>
        <Select
          aria-label={t('类别', 'Category')}
          placeholder={t('全部类别', 'All categories')}
          allowClear
          style={{ width: 200 }}
          value={categoryCode}
          onChange={setCategoryCode}
          options={(reference.data?.categories ?? []).map((c) => ({ value: c.code, label: c.name }))}
        />
        <Select
          aria-label={t('状态', 'Status')}
          placeholder={t('全部（不含已合并）', 'All but merged')}
          allowClear
          style={{ width: 200 }}
          value={status}
          onChange={setStatus}
          options={(['open', 'accepted', 'declined', 'merged'] as const).map((s) => ({ value: s, label: label(PROPOSAL_STATUS, s, lang) }))}
        />
        <Button onClick={() => void ranking.reload()}>{t('刷新', 'Refresh')}</Button>
        <Typography.Text type="secondary">
          {cycle.phase === 'selection'
            ? t('按附议数排序；采纳或不采纳都须写明公开理由', 'Ranked by supports; every decision needs a public reason')
            : t(`当前为「${label(PHASE, cycle.phase)}」阶段，只有「审议遴选」阶段可以作出决定`, `Decisions only in the selection phase (now: ${label(PHASE, cycle.phase, 'en')})`)}
        </Typography.Text>
      </Space>
      {ranking.error && <ErrorView error={ranking.error} retry={() => void ranking.reload()} />}
      <Table<RankedProposal>
        rowKey="id"
        data-testid="proposal-ranking"
        tableLayout="fixed"
        loading={ranking.loading}
        dataSource={ranking.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('本周期还没有提议', 'No proposals in this cycle yet') }}
        columns={[
          { title: t('排名', 'Rank'), dataIndex: 'rank', width: 64 },
          { title: t('编号', 'Reference'), dataIndex: 'reference', width: 124, render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{v}</span> },
          {
            title: t('提议', 'Proposal'),
            render: (_v, p) => (
              <Flex vertical gap={2}>
                <Typography.Text strong>{p.title}</Typography.Text>
                <Typography.Text type="secondary" ellipsis={{ tooltip: p.content }}>{p.content}</Typography.Text>
                {p.decisionReason && <Typography.Text style={{ fontSize: 12 }}>{t('理由', 'Reason')}：{p.decisionReason}</Typography.Text>}
              </Flex>
            ),
          },
          {
            title: t('类别 / 片区', 'Category / area'),
            width: 140,
            render: (_v, p) => (
              <Flex vertical>
                <span>{p.categoryName ?? p.categoryCode ?? '—'}</span>
                <Typography.Text type="secondary">{unitName(p.areaId)}</Typography.Text>
              </Flex>
            ),
          },
          { title: t('附议', 'Supports'), dataIndex: 'supportCount', width: 68 },
          { title: t('状态', 'Status'), width: 88, render: (_v, p) => <Tag color={STATUS_COLOR[p.status]}>{label(PROPOSAL_STATUS, p.status, lang)}</Tag> },
          { title: t('提交时间', 'Submitted'), width: 150, render: (_v, p) => <span style={{ whiteSpace: 'nowrap' }}>{chinaTime(p.createdAt)}</span> },
          {
            title: t('操作', 'Actions'),
            width: 176,
            render: (_v, p) =>
              p.status === 'open' ? (
                <Space size={4} wrap>
                  {mayDecide && <Button size="small" type="primary" onClick={() => setDeciding({ proposal: p, decision: 'accepted' })}>{t('采纳', 'Accept')}</Button>}
                  {mayDecide && <Button size="small" onClick={() => setDeciding({ proposal: p, decision: 'declined' })}>{t('不采纳', 'Decline')}</Button>}
                  {mayMerge && <Button size="small" onClick={() => setMerging(p)}>{t('合并', 'Merge')}</Button>}
                </Space>
              ) : null,
          },
        ]}
      />
      {deciding && <Decide {...deciding} onClose={() => setDeciding(null)} onDone={done} />}
      {merging && <Merge source={merging} others={(ranking.data ?? []).filter((p) => p.status === 'open' && p.id !== merging.id)} onClose={() => setMerging(null)} onDone={done} />}
    </Flex>
  );
}

interface DecideValues {
  reason: string;
  title?: string;
  ownerUnitId?: string;
  budget?: number | null;
  milestones?: { name: string; workingDays: number }[];
}

function Decide({ proposal, decision, onClose, onDone }: { proposal: RankedProposal; decision: 'accepted' | 'declined'; onClose: () => void; onDone: () => void }) {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const reference = useReference();
  const [form] = Form.useForm<DecideValues>();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const accepting = decision === 'accepted';
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setRefusal(null);
    try {
      const project = accepting
        ? { title: v.title!, ownerUnitId: v.ownerUnitId!, ...(v.budget == null ? {} : { budget: v.budget }), milestones: v.milestones ?? [] }
        : undefined;
      await must(dispatchApi.POST('/v1/proposals/{proposalId}/decision', { params: { path: { proposalId: proposal.id } }, body: { decision, reason: v.reason, ...(project ? { project } : {}) } }));
      message.success(accepting ? t('已采纳，已立项并纳入年度服务清单', 'Accepted: a project of the year’s list') : t('已决定不采纳，理由将公开', 'Declined: the reason is public'));
      onDone();
      onClose();
    } catch (e) {
      const error = asApiError(e);
      setRefusal(`${error.title(lang)}：${error.apiMessage}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      width={accepting ? 680 : 520}
      title={`${accepting ? t('采纳提议', 'Accept') : t('不采纳提议', 'Decline')}：${proposal.title}`}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={accepting ? t('采纳并立项', 'Accept and create the project') : t('确定不采纳', 'Decline')}
      cancelText={t('取消', 'Cancel')}
      confirmLoading={busy}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={accepting ? { title: proposal.title, ownerUnitId: proposal.areaId ?? undefined, milestones: [{ name: '方案确定', workingDays: 10 }, { name: '服务落地', workingDays: 30 }] } : {}}
      >
        <Form.Item name="reason" label={t('理由（公开）', 'Reason (public)')} rules={[{ required: true, whitespace: true, message: t('请填写公开理由', 'Give the public reason') }, { max: 2000 }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
        {accepting && (
          <>
            <Form.Item name="title" label={t('项目名称', 'Project title')} rules={[{ required: true, whitespace: true }, { max: 200 }]}><Input /></Form.Item>
            <Form.Item name="ownerUnitId" label={t('承办单位', 'Owning unit')} rules={[{ required: true, message: t('请选择承办单位', 'Choose the owning unit') }]}>
              <Select showSearch={{ optionFilterProp: 'label' }} options={(reference.data?.units ?? []).filter((u) => u.active !== false).map((u) => ({ value: u.id, label: `${u.name}（${label(LEVEL, u.level, lang)}）` }))} />
            </Form.Item>
            <Form.Item name="budget" label={t('预算（元，可不填）', 'Budget (yuan, optional)')}><InputNumber min={0} style={{ width: 200 }} /></Form.Item>
            <Typography.Text>{t('节点（工作日计时）', 'Milestones (working days)')}</Typography.Text>
            <Form.List name="milestones">
              {(fields, { add, remove }) => (
                <Flex vertical gap={0} style={{ marginTop: 8 }}>
                  {fields.map((field) => (
                    <Space key={field.key} align="baseline">
                      <Form.Item name={[field.name, 'name']} rules={[{ required: true, whitespace: true, message: t('请填写节点', 'Name it') }]}><Input aria-label={t('节点名称', 'Milestone')} placeholder={t('节点', 'Milestone')} /></Form.Item>
                      <Form.Item name={[field.name, 'workingDays']} rules={[{ required: true }]}><InputNumber aria-label={t('工作日', 'Working days')} min={1} max={500} suffix={t('个工作日', 'working days')} style={{ width: 160 }} /></Form.Item>
                      {fields.length > 1 && <Button size="small" onClick={() => remove(field.name)}>{t('删除', 'Remove')}</Button>}
                    </Space>
                  ))}
                  <Button size="small" style={{ alignSelf: 'flex-start' }} onClick={() => add({ name: '', workingDays: 10 })}>{t('添加节点', 'Add milestone')}</Button>
                </Flex>
              )}
            </Form.List>
          </>
        )}
      </Form>
      {refusal && <Typography.Text type="danger" role="alert">{refusal}</Typography.Text>}
    </Modal>
  );
}

function Merge({ source, others, onClose, onDone }: { source: RankedProposal; others: RankedProposal[]; onClose: () => void; onDone: () => void }) {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const [into, setInto] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const submit = async () => {
    if (!into) return setRefusal(t('请选择保留的提议', 'Choose the proposal to keep'));
    setBusy(true);
    try {
      const answer = (await must(dispatchApi.POST('/v1/proposals/{proposalId}/merge', { params: { path: { proposalId: source.id } }, body: { intoProposalId: into } }))) as unknown as { supportCount: number };
      message.success(t(`已合并，保留的提议现有 ${answer.supportCount} 人附议`, `Merged: ${answer.supportCount} supports now`));
      onDone();
      onClose();
    } catch (e) {
      const error = asApiError(e);
      setRefusal(`${error.title(lang)}：${error.apiMessage}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t(`合并重复提议：${source.title}`, `Merge a duplicate: ${source.title}`)} onCancel={onClose} onOk={() => void submit()} okText={t('合并', 'Merge')} cancelText={t('取消', 'Cancel')} confirmLoading={busy}>
      <Typography.Paragraph type="secondary">{t('附议随之转入保留的提议；同一人附议过两者只计一次。', 'Its supports move to the one kept; a person who supported both counts once.')}</Typography.Paragraph>
      <Select aria-label={t('合并到', 'Merge into')} style={{ width: '100%' }} value={into} onChange={setInto} options={others.map((p) => ({ value: p.id, label: `${p.reference} ${p.title}（${p.supportCount} 人附议）` }))} />
      {refusal && <Typography.Text type="danger" role="alert" style={{ display: 'block', marginTop: 8 }}>{refusal}</Typography.Text>}
    </Modal>
  );
}
