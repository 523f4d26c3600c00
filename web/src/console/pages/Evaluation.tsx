// 年终评估: the evaluator's scoring form (per unit and per project, revisable while the cycle is in
// its evaluation phase, frozen after), the administrator's criteria editor (weights are any
// positive numbers, shown as shares), and the annual report with its downloads. Every time shown
// is China time (the API answers `…+08:00`).
import { DownloadOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Empty, Flex, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { feedbackApi, feedbackGet, must } from '../../api/client';
import { apiErrorOf, ApiError } from '../../api/errors';
import { session } from '../../api/session';
import type { components } from '../../api/feedback';
import { label, PHASE } from '../../lib/labels';
import { useLang } from '../i18n';
import { useReference } from '../parts/reference';
import { asApiError, ErrorView, useLoad } from '../parts/state';

type Form = components['schemas']['ScoringForm'];
type Sheet = components['schemas']['ScoreSheet'];
type Criterion = components['schemas']['Criterion'];
type Target = 'unit' | 'project';

/** `2026-12-01T09:30:00.000+08:00` → `2026-12-01 09:30` (China time as sent, whatever the browser's zone). */
const chinaWhen = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 16).replace('T', ' ')}` : '—');

async function download(path: string, fileName: string): Promise<void> {
  const response = await feedbackGet(path);
  if (!response.ok) throw apiErrorOf(response.status, await response.json().catch(() => undefined));
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export default function Evaluation() {
  const { lang, t } = useLang();
  const reference = useReference();
  const orgName = (id: string) => reference.data?.unitById.get(id)?.name ?? id;
  const role = session.tokens?.user.role ?? '';
  const cycles = useLoad(async () => (await must(feedbackApi.GET('/v1/evaluation/cycles'))).cycles, []);
  const [cycleId, setCycleId] = useState<string>();
  useEffect(() => {
    if (!cycleId && cycles.data?.[0]) setCycleId(cycles.data[0].id);
  }, [cycles.data, cycleId]);
  if (cycles.error) return <ErrorView error={cycles.error} retry={cycles.reload} />;
  if (cycles.data && cycles.data.length === 0) return <Empty description={t('还没有年度周期', 'No annual cycle yet')} />;
  return (
    <Flex vertical gap={16}>
      <Space wrap>
        <span>{t('年度周期', 'Annual cycle')}</span>
        <Select
          aria-label={t('年度周期', 'Annual cycle')}
          style={{ minWidth: 320 }}
          loading={cycles.loading}
          value={cycleId}
          onChange={setCycleId}
          options={(cycles.data ?? []).map((c) => ({ value: c.id, label: `${c.year} 年 · ${orgName(c.organisation)} · ${label(PHASE, c.phase, lang)}` }))}
        />
      </Space>
      {cycleId && <CycleView cycleId={cycleId} role={role} orgName={orgName} />}
    </Flex>
  );
}

function CycleView({ cycleId, role, orgName }: { cycleId: string; role: string; orgName: (id: string) => string }) {
  const { lang, t } = useLang();
  const form = useLoad(() => must(feedbackApi.GET('/v1/evaluation/cycles/{cycleId}', { params: { path: { cycleId } } })), [cycleId]);
  if (form.error) return <ErrorView error={form.error} retry={form.reload} />;
  if (!form.data) return <Card loading />;
  const data = form.data;
  const phase = data.cycle.scoringOpen ? (
    <Tag color="green">{t('评估进行中：评分可修改', 'Evaluation open: scores can be revised')}</Tag>
  ) : data.cycle.published ? (
    <Tag color="red">{t('评估已结束：评分已冻结', 'Evaluation closed: scores frozen')}</Tag>
  ) : (
    <Tag>{t('评估尚未开始', 'Evaluation not open yet')}</Tag>
  );
  return (
    <Flex vertical gap={12}>
      <Descriptions size="small" bordered column={3} items={[
        { key: 'y', label: t('年度', 'Year'), children: data.cycle.year },
        { key: 'p', label: t('当前阶段', 'Phase'), children: <Space>{label(PHASE, data.cycle.phase, lang)}{phase}</Space> },
        { key: 'o', label: t('组织', 'Organisation'), children: orgName(data.cycle.organisation) },
      ]} />
      <Tabs
        items={[
          ...(role === 'evaluator' || role === 'supervisor' || role === 'admin'
            ? [
                { key: 'unit', label: t('单位评分', 'Unit scores'), children: <ScoringForm form={data} target="unit" canWrite={role === 'evaluator'} reload={form.reload} /> },
                { key: 'project', label: t('项目评分', 'Project scores'), children: <ScoringForm form={data} target="project" canWrite={role === 'evaluator'} reload={form.reload} /> },
              ]
            : []),
          ...(role === 'admin' ? [{ key: 'criteria', label: t('评分指标', 'Criteria'), children: <CriteriaEditor form={data} reload={form.reload} /> }] : []),
          { key: 'report', label: t('年度报告', 'Annual report'), children: <ReportPanel form={data} /> },
        ]}
      />
    </Flex>
  );
}

function ScoringForm({ form, target, canWrite, reload }: { form: Form; target: Target; canWrite: boolean; reload: () => Promise<void> }) {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const criteria = form.criteria.filter((c) => c.target === target);
  const targets = target === 'unit' ? form.targets.units.map((u) => ({ id: u.id, name: u.name })) : form.targets.projects.map((p) => ({ id: p.id, name: `${p.name}（${p.ownerUnitName}）` }));
  const sheets = useMemo(() => new Map(form.sheets.filter((s) => s.target === target).map((s) => [s.targetId, s])), [form.sheets, target]);
  const [targetId, setTargetId] = useState<string | undefined>(targets[0]?.id);
  // A district has dozens of units: find one by name.
  const [filter, setFilter] = useState('');
  const shown = filter.trim() ? targets.filter((x) => x.name.includes(filter.trim())) : targets;
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [antForm] = Form.useForm();
  const sheet: Sheet | undefined = targetId ? sheets.get(targetId) : undefined;
  const readOnly = !canWrite || !form.cycle.scoringOpen;
  const revisions = useLoad(
    async () => (targetId ? (await must(feedbackApi.GET('/v1/evaluation/cycles/{cycleId}/sheets/{target}/{targetId}/revisions', { params: { path: { cycleId: form.cycle.id, target, targetId } } }))).revisions : []),
    [form.cycle.id, target, targetId, sheet?.revision],
  );
  useEffect(() => {
    antForm.setFieldsValue({
      comment: sheet?.comment ?? '',
      scores: Object.fromEntries(criteria.map((c) => [c.id, sheet?.scores.find((s) => s.criterionId === c.id)?.score ?? null])),
    });
  }, [antForm, sheet, targetId, criteria]);

  if (criteria.length === 0) return <Alert type="info" showIcon title={t('本周期还没有配置评分指标（由系统管理员配置）', 'No criteria configured for this cycle yet (an administrator sets them)')} />;
  const save = async (values: { comment: string; scores: Record<string, number | null> }) => {
    if (!targetId) return;
    setSaving(true);
    setError(null);
    try {
      await must(
        feedbackApi.PUT('/v1/evaluation/cycles/{cycleId}/sheets/{target}/{targetId}', {
          params: { path: { cycleId: form.cycle.id, target, targetId } },
          body: {
            scores: Object.entries(values.scores).filter((e): e is [string, number] => typeof e[1] === 'number').map(([criterionId, score]) => ({ criterionId, score })),
            comment: values.comment ?? '',
            expectedRevision: sheet?.revision ?? 0,
          },
        }),
      );
      message.success(t('已保存', 'Saved'));
      await reload();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Flex gap={16} wrap>
      <Card size="small" style={{ flex: '1 1 280px' }} title={target === 'unit' ? t('承办单位', 'Units') : t('项目', 'Projects')}>
        <Input.Search allowClear style={{ marginBottom: 8 }} aria-label={target === 'unit' ? t('搜索单位', 'Find a unit') : t('搜索项目', 'Find a project')} placeholder={t('按名称查找', 'Find by name')} value={filter} onChange={(e) => setFilter(e.target.value)} />
        <Table
          size="small"
          rowKey="id"
          pagination={{ pageSize: 12 }}
          dataSource={shown}
          rowClassName={(r) => (r.id === targetId ? 'ant-table-row-selected' : '')}
          onRow={(r) => ({ onClick: () => setTargetId(r.id), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('名称', 'Name'), dataIndex: 'name' },
            { title: t('综合得分', 'Total'), key: 'total', render: (_: unknown, r: { id: string }) => { const s = sheets.get(r.id); return s ? (s.total ?? t('未完成', 'incomplete')) : '—'; } },
          ]}
        />
      </Card>
      <Card size="small" style={{ flex: '2 1 420px' }} title={targets.find((x) => x.id === targetId)?.name ?? ''}>
        {readOnly && <Alert style={{ marginBottom: 12 }} type="warning" showIcon title={form.cycle.scoringOpen ? t('只读：只有评估人员可以评分', 'Read-only: only evaluators score') : t(`评分已冻结（当前阶段：${label(PHASE, form.cycle.phase, lang)}）`, `Scores are frozen (phase: ${label(PHASE, form.cycle.phase, lang)})`)} />}
        {error && <ErrorView error={error} />}
        <Form form={antForm} layout="horizontal" labelCol={{ span: 10 }} onFinish={save} disabled={readOnly}>
          {criteria.map((c: Criterion) => (
            <Form.Item key={c.id} name={['scores', c.id]} label={`${c.name}（${t('权重', 'weight')} ${(c.share * 100).toFixed(1)}%）`} extra={c.description || undefined}
              rules={[{ type: 'number', min: 0, max: c.maxScore, message: t(`0 到 ${c.maxScore} 之间`, `between 0 and ${c.maxScore}`) }]}>
              <InputNumber min={0} max={c.maxScore} step={0.5} addonAfter={`/ ${c.maxScore}`} />
            </Form.Item>
          ))}
          <Form.Item name="comment" label={t('评语', 'Comment')} rules={[{ max: 5000 }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={saving}>{t('保存评分', 'Save scores')}</Button>
            {sheet && <Typography.Text type="secondary">{t(`第 ${sheet.revision} 版 · ${sheet.evaluatorName} · ${chinaWhen(sheet.updatedAt)}（北京时间）· 综合得分 ${sheet.total ?? '未完成'}`, `revision ${sheet.revision} · ${sheet.evaluatorName} · ${chinaWhen(sheet.updatedAt)} (China time) · total ${sheet.total ?? 'incomplete'}`)}</Typography.Text>}
          </Space>
        </Form>
        {(revisions.data?.length ?? 0) > 0 && (
          <Card size="small" type="inner" style={{ marginTop: 16 }} title={t('修改记录', 'Revisions')}>
            <Timeline items={(revisions.data ?? []).map((r) => ({ children: `${t('第', '#')}${r.revision}${t(' 版', '')} · ${r.evaluatorName} · ${chinaWhen(r.at)}${r.comment ? ` · ${r.comment}` : ''}` }))} />
          </Card>
        )}
      </Card>
    </Flex>
  );
}

interface CriterionRow { id?: string; target: Target; name: string; description?: string; weight: number; maxScore: number }

function CriteriaEditor({ form, reload }: { form: Form; reload: () => Promise<void> }) {
  const { t } = useLang();
  const { message } = App.useApp();
  const [antForm] = Form.useForm<{ criteria: CriterionRow[] }>();
  const [error, setError] = useState<ApiError | null>(null);
  const rows = Form.useWatch('criteria', antForm) ?? [];
  const sums = { unit: 0, project: 0 };
  for (const r of rows) if (r && r.weight > 0) sums[r.target] += r.weight;
  const share = (r: CriterionRow | undefined) => (r && r.weight > 0 && sums[r.target] > 0 ? `${((r.weight / sums[r.target]) * 100).toFixed(1)}%` : '—');
  const editable = !form.cycle.published;
  const save = async (values: { criteria: CriterionRow[] }) => {
    setError(null);
    try {
      await must(feedbackApi.PUT('/v1/evaluation/cycles/{cycleId}/criteria', { params: { path: { cycleId: form.cycle.id } }, body: { criteria: values.criteria.map((c) => ({ ...c, description: c.description ?? '' })) } }));
      message.success(t('指标已保存', 'Criteria saved'));
      await reload();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <Card size="small">
      <Alert style={{ marginBottom: 12 }} type="info" showIcon title={t('权重可填任意正数，按同类指标的权重之和折算为占比；综合得分折算为百分制。', 'Weights are any positive numbers, shown as shares of their target; totals are on 0–100.')} />
      {error && <ErrorView error={error} />}
      <Form form={antForm} onFinish={save} disabled={!editable} initialValues={{ criteria: form.criteria.map((c) => ({ id: c.id, target: c.target, name: c.name, description: c.description, weight: c.weight, maxScore: c.maxScore })) }}>
        <Form.List name="criteria">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item name={[field.name, 'target']} rules={[{ required: true }]}>
                    <Select style={{ width: 100 }} options={[{ value: 'unit', label: t('单位', 'Unit') }, { value: 'project', label: t('项目', 'Project') }]} aria-label={t('对象', 'Target')} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'name']} rules={[{ required: true, whitespace: true, message: t('请填写指标名称', 'Name required') }, { max: 100 }]}>
                    <Input placeholder={t('指标名称', 'Criterion')} aria-label={t('指标名称', 'Criterion')} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'weight']} rules={[{ required: true, type: 'number', min: 0.0001, message: t('权重须为正数', 'Weight must be positive') }]}>
                    <InputNumber placeholder={t('权重', 'Weight')} aria-label={t('权重', 'Weight')} min={0} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'maxScore']} rules={[{ required: true, type: 'number', min: 0.0001, message: t('满分须为正数', 'Maximum must be positive') }]}>
                    <InputNumber placeholder={t('满分', 'Max')} aria-label={t('满分', 'Max')} min={0} addonBefore={t('满分', 'max')} />
                  </Form.Item>
                  <Typography.Text type="secondary">{t('占比', 'share')} {share(rows[field.name])}</Typography.Text>
                  <MinusCircleOutlined aria-label={t('删除', 'Remove')} onClick={() => remove(field.name)} />
                </Space>
              ))}
              <Form.Item>
                <Button type="dashed" onClick={() => add({ target: 'unit', weight: 1, maxScore: 100 })} icon={<PlusOutlined />}>{t('添加指标', 'Add criterion')}</Button>
              </Form.Item>
            </>
          )}
        </Form.List>
        <Button type="primary" htmlType="submit">{t('保存指标', 'Save criteria')}</Button>
      </Form>
    </Card>
  );
}

function ReportPanel({ form }: { form: Form }) {
  const { t } = useLang();
  const [error, setError] = useState<ApiError | null>(null);
  const id = form.cycle.id;
  const run = (fn: () => Promise<void>) => () => {
    setError(null);
    fn().catch((e) => setError(asApiError(e)));
  };
  const base = `/v1/evaluation/cycles/${encodeURIComponent(id)}`;
  return (
    <Flex vertical gap={12}>
      {!form.cycle.published && <Alert type="warning" showIcon title={t('草稿：评估结束（进入年度报告阶段）后才在回首望公开。', 'Draft: published on the board once the evaluation closes.')} />}
      {error && <ErrorView error={error} />}
      <Card size="small" title={t('年度报告下载', 'Annual report')}>
        <Space wrap>
          <Button type="primary" icon={<DownloadOutlined />} onClick={run(() => download(`${base}/report.xlsx`, `annual-report-${id}.xlsx`))}>{t('下载 Excel', 'Excel')}</Button>
          <Button type="primary" icon={<DownloadOutlined />} onClick={run(() => download(`${base}/report.pdf`, `annual-report-${id}.pdf`))}>{t('下载 PDF', 'PDF')}</Button>
          {form.cycle.published && <Typography.Link href={`/api/feedback/board/annual-report/${encodeURIComponent(id)}`} target="_blank">{t('公开页面（回首望）', 'Public page')}</Typography.Link>}
        </Space>
      </Card>
      <Card size="small" title={t('评估数据集（已匿名化，时间为北京时间）', 'Data set (anonymised, China time)')}>
        <Space wrap>
          {(['projects', 'orders', 'kpis', 'callbacks'] as const).map((part) => (
            <Button key={part} icon={<DownloadOutlined />} onClick={run(() => download(`${base}/dataset/${part}.csv`, `${id}-${part}.csv`))}>
              {{ projects: t('项目', 'Projects'), orders: t('工单', 'Orders'), kpis: t('三率', 'Rates'), callbacks: t('回访', 'Callbacks') }[part]} CSV
            </Button>
          ))}
        </Space>
      </Card>
    </Flex>
  );
}
