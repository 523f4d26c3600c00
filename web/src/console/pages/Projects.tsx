// 两个打包 and projects: the month's proposed bundles (run the bundling now, turn a bundle into a
// project with its owning unit, budget and milestones in working days), and the projects — each
// with its milestones (80 % warning, missed = escalated), progress updates, completion (which
// resolves every linked order; each resident then rates), its orders and its timeline.
import { App, Button, Card, DatePicker, Descriptions, Drawer, Flex, Form, Input, InputNumber, Modal, Progress, Select, Space, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { dispatchApi, must } from '../../api/client';
import { session } from '../../api/session';
import { label, LEVEL } from '../../lib/labels';
import { useLang } from '../i18n';
import { StatusTag, when } from '../parts/format';
import { useReference } from '../parts/reference';
import { asApiError, ErrorView, useLoad } from '../parts/state';

interface Bundle { id: string; month: string; categoryName: string | null; areaName: string | null; orderCount: number; keywords: string[]; sample: string; status: string; projectId: string | null }
interface Milestone { id: string; name: string; workingDays: number; dueAt: string; warnAt: string; state: string; reachedAt: string | null; escalatedToUnitId: string | null }
interface Project { id: string; title: string; ownerUnitId: string; status: string; percent: number; overdue: boolean; orderCount: number; budget: string | null; origin: string; createdAt: string; result: string | null; milestones: Milestone[] }
interface ProjectDetail extends Project {
  orders: { orderId: string; linked: boolean; reason: string | null; resolved: boolean; order: { trackingCode: string; status: string; rating: string | null } | null }[];
  timeline: { id: string; seq: number; type: string; at: string; data: Record<string, unknown> }[];
}

const MILESTONE_STATE: Record<string, [string, string, string]> = {
  open: ['进行中', 'open', 'processing'],
  warned: ['即将到期（已催办）', 'due soon (warned)', 'warning'],
  missed: ['已逾期，已上报', 'missed, escalated', 'error'],
  reached: ['已完成', 'reached', 'success'],
};
const EVENT_ZH: Record<string, [string, string]> = {
  'project.created': ['立项', 'created'],
  'project.orders_linked': ['关联诉求', 'orders linked'],
  'project.progress_reported': ['进展', 'progress'],
  'project.milestone_warned': ['节点催办（80%）', 'milestone warned (80 %)'],
  'project.milestone_missed': ['节点逾期，已上报', 'milestone missed, escalated'],
  'project.milestone_reached': ['节点完成', 'milestone reached'],
  'project.completed': ['项目办结', 'completed'],
  'project.orders_resolved': ['关联诉求已办结', 'orders resolved'],
};

export default function Projects() {
  const { t } = useLang();
  const role = session.tokens?.user.role ?? '';
  const bundles = ['supervisor', 'dispatcher'].includes(role);
  return (
    <Tabs
      defaultActiveKey={bundles ? 'bundles' : 'projects'}
      items={[
        ...(bundles ? [{ key: 'bundles', label: t('月度打包', 'Monthly bundles'), children: <Bundles /> }] : []),
        { key: 'projects', label: t('项目', 'Projects'), children: <ProjectList /> },
      ]}
    />
  );
}

function Bundles() {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const [month, setMonth] = useState<Dayjs>(dayjs());
  const key = month.format('YYYY-MM');
  const list = useLoad(async () => (await must(dispatchApi.GET('/v1/bundles', { params: { query: { month: key, limit: 200 } as never } }))) as unknown as { total: number; bundles: Bundle[] }, [key]);
  const [running, setRunning] = useState(false);
  const [making, setMaking] = useState<Bundle | null>(null);
  const run = async () => {
    setRunning(true);
    try {
      const summary = (await must(dispatchApi.POST('/v1/bundles/run', { body: { month: key } }))) as unknown as { orders: number; bundles: number };
      message.success(t(`已打包：${summary.orders} 件诉求，${summary.bundles} 个建议项目包`, `bundled ${summary.orders} orders into ${summary.bundles} bundles`));
      await list.reload();
    } catch (e) {
      message.error(asApiError(e).title(lang));
    } finally {
      setRunning(false);
    }
  };
  return (
    <Flex vertical gap={16}>
      <Card size="small">
        <Space wrap>
          <DatePicker picker="month" aria-label={t('月份', 'Month')} value={month} onChange={(d) => d && setMonth(d)} allowClear={false} />
          <Button type="primary" loading={running} onClick={() => void run()}>{t('立即打包', 'Bundle now')}</Button>
          <Typography.Text type="secondary">{t('每月第一个工作日自动打包上月诉求', 'Runs by itself on the first working day of every month')}</Typography.Text>
        </Space>
      </Card>
      {list.error && <ErrorView error={list.error} retry={() => void list.reload()} />}
      <Table<Bundle>
        rowKey="id"
        data-testid="bundles"
        loading={list.loading}
        dataSource={list.data?.bundles ?? []}
        pagination={false}
        columns={[
          { title: t('类别', 'Category'), dataIndex: 'categoryName', width: 140, render: (v: string | null) => v ?? '—' },
          { title: t('片区', 'Area'), dataIndex: 'areaName', width: 140, render: (v: string | null) => v ?? '—' },
          { title: t('诉求数', 'Orders'), dataIndex: 'orderCount', width: 80 },
          { title: t('共同关键词', 'Shared words'), dataIndex: 'keywords', width: 220, render: (k: string[]) => k.map((w) => <Tag key={w}>{w}</Tag>) },
          { title: t('示例', 'Example'), dataIndex: 'sample', ellipsis: true },
          {
            title: '',
            width: 110,
            render: (_v, b) =>
              b.status === 'projected' ? <Tag color="green">{t('已立项', 'project made')}</Tag> : session.tokens?.user.role === 'supervisor' ? <Button size="small" onClick={() => setMaking(b)}>{t('立项', 'Make project')}</Button> : null,
          },
        ]}
      />
      {making && <MakeProject bundle={making} onClose={() => setMaking(null)} onDone={() => void list.reload()} />}
    </Flex>
  );
}

function MakeProject({ bundle, onClose, onDone }: { bundle: Bundle; onClose: () => void; onDone: () => void }) {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const reference = useReference();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const values = (await form.validateFields()) as { title: string; ownerUnitId: string; budget?: number; milestones: { name: string; workingDays: number }[] };
    setBusy(true);
    try {
      await must(dispatchApi.POST('/v1/bundles/{bundleId}/project', { params: { path: { bundleId: bundle.id } }, body: { ...values, ...(values.budget == null ? { budget: undefined } : {}) } }));
      message.success(t('已立项：关联诉求将随项目办理', 'Project made: its orders are handled with it'));
      onDone();
      onClose();
    } catch (e) {
      message.error(asApiError(e).title(lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t(`立项：${bundle.categoryName ?? ''} · ${bundle.areaName ?? ''}（${bundle.orderCount} 件）`, `Make a project of ${bundle.orderCount} orders`)} onCancel={onClose} onOk={() => void submit()} okText={t('立项', 'Create')} confirmLoading={busy} width={640}>
      <Form form={form} layout="vertical" initialValues={{ title: `${bundle.areaName ?? ''}${bundle.categoryName ?? ''}服务项目`, milestones: [{ name: '方案确定', workingDays: 5 }, { name: '服务落地', workingDays: 15 }] }}>
        <Form.Item name="title" label={t('项目名称', 'Title')} rules={[{ required: true, whitespace: true, max: 200 }]}><Input /></Form.Item>
        <Form.Item name="ownerUnitId" label={t('承办单位', 'Owning unit')} rules={[{ required: true }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={(reference.data?.units ?? []).map((u) => ({ value: u.id, label: `${u.name}（${label(LEVEL, u.level, lang)}）` }))} />
        </Form.Item>
        <Form.Item name="budget" label={t('预算（元，可不填）', 'Budget (yuan, optional)')}><InputNumber min={0} style={{ width: 200 }} /></Form.Item>
        <Form.List name="milestones">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="baseline">
                  <Form.Item name={[field.name, 'name']} rules={[{ required: true, whitespace: true }]}><Input placeholder={t('节点', 'Milestone')} /></Form.Item>
                  <Form.Item name={[field.name, 'workingDays']} rules={[{ required: true }]}><InputNumber min={1} max={500} addonAfter={t('个工作日', 'working days')} /></Form.Item>
                  {fields.length > 1 && <Button size="small" onClick={() => remove(field.name)}>{t('删除', 'Remove')}</Button>}
                </Space>
              ))}
              <Button size="small" onClick={() => add({ name: '', workingDays: 10 })}>{t('添加节点', 'Add milestone')}</Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}

function ProjectList() {
  const { lang, t } = useLang();
  const reference = useReference();
  const list = useLoad(async () => (await must(dispatchApi.GET('/v1/projects', { params: { query: { limit: 200 } as never } }))) as unknown as { total: number; projects: Project[] }, []);
  const [open, setOpen] = useState<string | null>(null);
  const unitName = (id: string) => reference.data?.unitById.get(id)?.name ?? id;
  return (
    <Flex vertical gap={16}>
      <Space><Button onClick={() => void list.reload()}>{t('刷新', 'Refresh')}</Button></Space>
      {list.error && <ErrorView error={list.error} retry={() => void list.reload()} />}
      <Table<Project>
        rowKey="id"
        data-testid="projects"
        loading={list.loading}
        dataSource={list.data?.projects ?? []}
        pagination={false}
        onRow={(p) => ({ onClick: () => setOpen(p.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('项目', 'Project'), dataIndex: 'title' },
          { title: t('承办单位', 'Unit'), dataIndex: 'ownerUnitId', width: 160, render: unitName },
          { title: t('诉求数', 'Orders'), dataIndex: 'orderCount', width: 80 },
          { title: t('进度', 'Progress'), dataIndex: 'percent', width: 160, render: (v: number, p) => <Progress percent={v} size="small" status={p.overdue ? 'exception' : p.status === 'completed' ? 'success' : 'active'} /> },
          { title: t('状态', 'Status'), width: 140, render: (_v, p) => (p.status === 'completed' ? <Tag color="green">{t('已办结', 'completed')}</Tag> : p.overdue ? <Tag color="red">{t('节点逾期', 'milestone missed')}</Tag> : <Tag color="blue">{t('实施中', 'active')}</Tag>) },
          { title: t('立项时间', 'Created'), dataIndex: 'createdAt', width: 150, render: when },
        ]}
      />
      {open && <ProjectDrawer projectId={open} lang={lang} unitName={unitName} onClose={() => { setOpen(null); void list.reload(); }} />}
    </Flex>
  );
}

function ProjectDrawer({ projectId, unitName, onClose }: { projectId: string; lang: string; unitName: (id: string) => string; onClose: () => void }) {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const detail = useLoad(async () => (await must(dispatchApi.GET('/v1/projects/{projectId}', { params: { path: { projectId } } }))) as unknown as ProjectDetail, [projectId]);
  const role = session.tokens?.user.role ?? '';
  // The workflow's answer is the project as it is now; the read model follows a moment later.
  const [now, setNow] = useState<{ status: string; percent: number; milestones: { id: string; state: string }[] } | null>(null);
  const loaded = detail.data;
  const p = loaded && {
    ...loaded,
    ...(now ? { status: now.status, percent: now.percent } : {}),
    milestones: loaded.milestones.map((m) => ({ ...m, state: now?.milestones.find((n) => n.id === m.id)?.state ?? m.state })),
  };
  const mayAct = p?.status === 'active' && (role === 'supervisor' || (role === 'unit_handler' && session.tokens?.user.unitId === p.ownerUnitId));
  const [note, setNote] = useState('');
  const [percent, setPercent] = useState<number | null>(null);
  const [result, setResult] = useState('');
  const act = async (what: string, call: () => Promise<unknown>) => {
    try {
      const answer = (await call()) as { project?: { status: string; percent: number; milestones: { id: string; state: string }[] } };
      if (answer.project) setNow(answer.project);
      message.success(what);
      await detail.reload();
      setTimeout(() => void detail.reload(), 1500);
    } catch (e) {
      message.error(asApiError(e).title(lang));
    }
  };
  return (
    <Drawer open width={760} title={p?.title ?? ''} onClose={onClose} destroyOnHidden>
      {detail.error && <ErrorView error={detail.error} retry={() => void detail.reload()} />}
      {p && (
        <Flex vertical gap={16}>
          <Descriptions size="small" column={2} bordered items={[
            { key: 'u', label: t('承办单位', 'Unit'), children: unitName(p.ownerUnitId) },
            { key: 'b', label: t('预算', 'Budget'), children: p.budget ? `${p.budget} 元` : '—' },
            { key: 'o', label: t('关联诉求', 'Orders'), children: p.orderCount },
            { key: 'p', label: t('进度', 'Progress'), children: <Progress percent={p.percent} size="small" /> },
            ...(p.result ? [{ key: 'r', label: t('办理结果', 'Result'), children: p.result, span: 2 }] : []),
          ]} />
          <Card size="small" title={t('节点（工作日计时，80% 催办，逾期上报）', 'Milestones (working time; warned at 80 %, escalated when missed)')}>
            <Table<Milestone> rowKey="id" size="small" pagination={false} dataSource={p.milestones} data-testid="milestones" columns={[
              { title: t('节点', 'Milestone'), dataIndex: 'name' },
              { title: t('期限', 'Due'), dataIndex: 'dueAt', width: 150, render: when },
              { title: t('状态', 'State'), dataIndex: 'state', width: 160, render: (s: string) => <Tag color={MILESTONE_STATE[s]?.[2]}>{lang === 'zh' ? MILESTONE_STATE[s]?.[0] : MILESTONE_STATE[s]?.[1]}</Tag> },
              { title: '', width: 90, render: (_v, m) => (mayAct && m.state !== 'reached' ? <Button size="small" onClick={() => void act(t('节点已完成', 'milestone reached'), () => must(dispatchApi.POST('/v1/projects/{projectId}/milestones/{milestoneId}/reach', { params: { path: { projectId, milestoneId: m.id } }, body: {} })))}>{t('完成', 'Reached')}</Button> : null) },
            ]} />
          </Card>
          {mayAct && (
            <Card size="small" title={t('报告进展 / 办结', 'Report progress / complete')}>
              <Flex vertical gap={8}>
                <Space.Compact style={{ width: '100%' }}>
                  <Input aria-label={t('进展', 'Progress note')} placeholder={t('本阶段做了什么', 'What was done')} value={note} onChange={(e) => setNote(e.target.value)} />
                  <InputNumber aria-label={t('完成比例', 'Percent')} min={0} max={100} value={percent} onChange={(v) => setPercent(v)} addonAfter="%" style={{ width: 140 }} />
                  <Button onClick={() => void act(t('进展已报告', 'progress reported'), () => must(dispatchApi.POST('/v1/projects/{projectId}/progress', { params: { path: { projectId } }, body: { note, percent: percent ?? 0 } })))}>{t('报告进展', 'Report')}</Button>
                </Space.Compact>
                <Space.Compact style={{ width: '100%' }}>
                  <Input aria-label={t('办理结果', 'Result')} placeholder={t('办理结果（将告知每位群众并请其评价）', 'The result every resident is told and rates')} value={result} onChange={(e) => setResult(e.target.value)} />
                  <Button type="primary" onClick={() => void act(t('项目已办结，关联诉求已办结', 'completed; its orders are resolved'), () => must(dispatchApi.POST('/v1/projects/{projectId}/complete', { params: { path: { projectId } }, body: { result } })))}>{t('项目办结', 'Complete')}</Button>
                </Space.Compact>
              </Flex>
            </Card>
          )}
          <Card size="small" title={t('关联诉求', 'Orders')}>
            <Table rowKey="orderId" size="small" pagination={{ pageSize: 10 }} dataSource={p.orders} data-testid="project-orders" columns={[
              { title: t('查询码', 'Code'), render: (_v, o: ProjectDetail['orders'][number]) => o.order?.trackingCode ?? o.orderId.slice(0, 8) },
              { title: t('状态', 'Status'), width: 160, render: (_v, o: ProjectDetail['orders'][number]) => (o.linked ? (o.order ? <StatusTag status={o.order.status} lang={lang} /> : '—') : <Tag>{t('未关联', 'not linked')}：{o.reason}</Tag>) },
              { title: t('评价', 'Rating'), width: 100, render: (_v, o: ProjectDetail['orders'][number]) => o.order?.rating ?? '—' },
            ]} />
          </Card>
          <Card size="small" title={t('项目记录', 'Timeline')}>
            <Timeline items={p.timeline.map((e) => ({ key: e.id, children: `${when(e.at)} ${lang === 'zh' ? (EVENT_ZH[e.type]?.[0] ?? e.type) : (EVENT_ZH[e.type]?.[1] ?? e.type)}${typeof e.data.note === 'string' ? `：${e.data.note}` : ''}${typeof e.data.percent === 'number' ? `（${e.data.percent}%）` : ''}${typeof e.data.result === 'string' ? `：${e.data.result}` : ''}` }))} />
          </Card>
        </Flex>
      )}
    </Drawer>
  );
}
