// 年度周期: an organisation's year (docs/annual-cycle.md) — its phases as steps with the date each
// begins (China time, the working calendar's office hours) and the current one, the timeline
// (phase changes, moved dates with their reasons, the joint meeting's decisions), an
// administrator's 调整日期 dialog (a new start time and a required public reason; the workflow decides: a date that has passed cannot move, the
// phases keep their order; its refusal is shown as the API words it), and the selection screen
// (./CycleSelection). Roles as the staff API enforces them.
import { App, Button, Card, DatePicker, Empty, Flex, Form, Input, Modal, Select, Space, Steps, Tabs, Tag, Timeline, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { dispatchApi, must } from '../../api/client';
import { session } from '../../api/session';
import { label, PHASE, PROPOSAL_STATUS } from '../../lib/labels';
import { useLang } from '../i18n';
import { chinaTime } from '../parts/format';
import { useReference } from '../parts/reference';
import { asApiError, ErrorView, Loadable, useLoad } from '../parts/state';
import { CycleSelection, type RankedProposal } from './CycleSelection';

/** The phases in order, then the close (docs/annual-cycle.md). */
export const BOUNDARIES = ['solicitation', 'selection', 'publication', 'implementation', 'midyear_review', 'evaluation', 'report', 'closed'] as const;
type Boundary = (typeof BOUNDARIES)[number];

export interface CycleRow {
  id: string;
  organisationId: string;
  year: number;
  phase: string;
  dates: Record<Boundary, string>;
}
interface CycleEventRow {
  id: string;
  seq: number;
  type: string;
  at: string;
  actor: { role?: string; id?: string } | null;
  data: Record<string, unknown>;
}
interface CycleDetail extends CycleRow {
  timeline: CycleEventRow[];
}

const EVENT_NAMES: Record<string, [string, string]> = {
  'cycle.opened': ['周期开始', 'cycle opened'],
  'cycle.phase_changed': ['进入新阶段', 'phase changed'],
  'cycle.date_moved': ['调整日期', 'date moved'],
  'cycle.proposal_decided': ['联席会议决定', 'joint meeting decided'],
};

export default function Cycle() {
  const { t } = useLang();
  const reference = useReference();
  const list = useLoad(async () => ((await must(dispatchApi.GET('/v1/cycles', { params: { query: {} } }))) as unknown as { cycles: CycleRow[] }).cycles, []);
  const [cycleId, setCycleId] = useState<string>();
  useEffect(() => {
    // This year's running cycle (next year's solicitation may already be open); else the newest running; else the newest.
    const rows = list.data ?? [];
    const running = rows.filter((c) => c.phase !== 'planned' && c.phase !== 'closed');
    const thisYear = Number(chinaTime(new Date().toISOString()).slice(0, 4));
    if (!cycleId && rows.length > 0) setCycleId((running.find((c) => c.year === thisYear) ?? running[0] ?? rows[0]!).id);
  }, [list.data, cycleId]);
  const orgName = (id: string) => reference.data?.unitById.get(id)?.name ?? id;
  return (
    <Flex vertical gap={16}>
      <Space wrap>
        <span>{t('年度周期', 'Annual cycle')}</span>
        <Select
          aria-label={t('年度周期', 'Annual cycle')}
          style={{ minWidth: 360 }}
          loading={list.loading}
          value={cycleId}
          onChange={setCycleId}
          options={(list.data ?? []).map((c) => ({ value: c.id, label: `${c.year} 年 · ${orgName(c.organisationId)} · ${label(PHASE, c.phase)}` }))}
        />
      </Space>
      {list.error && <ErrorView error={list.error} retry={() => void list.reload()} />}
      {list.data && list.data.length === 0 && <Empty description={t('还没有年度周期', 'No annual cycle yet')} />}
      {cycleId && <CycleView key={cycleId} cycleId={cycleId} orgName={orgName} onChanged={() => void list.reload()} />}
    </Flex>
  );
}

function CycleView({ cycleId, orgName, onChanged }: { cycleId: string; orgName: (id: string) => string; onChanged: () => void }) {
  const { lang, t } = useLang();
  const role = session.tokens?.user.role ?? '';
  const detail = useLoad(async () => (await must(dispatchApi.GET('/v1/cycles/{cycleId}', { params: { path: { cycleId } } }))) as unknown as CycleDetail, [cycleId]);
  // The timeline's decisions name their proposal (the event carries only its id). A role that may
  // not read the ranking still sees the decisions, by id.
  const proposals = useLoad(
    async () =>
      new Map(
        (((await dispatchApi.GET('/v1/cycles/{cycleId}/proposals', { params: { path: { cycleId }, query: {} } })).data as unknown as { proposals?: RankedProposal[] } | undefined)?.proposals ?? []).map(
          (p) => [p.id, p] as const,
        ),
      ),
    [cycleId, detail.data],
  );
  const [moving, setMoving] = useState(false);
  const reload = async () => {
    await detail.reload();
    onChanged();
  };
  return (
    <Loadable state={detail}>
      {(c) => {
        const current = BOUNDARIES.indexOf(c.phase as Boundary);
        return (
          <Flex vertical gap={16}>
            <Card
              size="small"
              title={`${c.year} 年 · ${orgName(c.organisationId)}`}
              extra={
                <Space>
                  <span>{t('当前阶段', 'Current phase')}</span>
                  <Tag color="red" data-testid="cycle-phase">{label(PHASE, c.phase, lang)}</Tag>
                  <Button size="small" onClick={() => void reload()}>{t('刷新', 'Refresh')}</Button>
                  {role === 'admin' && c.phase !== 'closed' && (
                    <Button size="small" type="primary" onClick={() => setMoving(true)}>{t('调整日期', 'Move a date')}</Button>
                  )}
                </Space>
              }
            >
              <Steps
                data-testid="cycle-steps"
                size="small"
                titlePlacement="vertical"
                current={current}
                status={c.phase === 'closed' ? 'finish' : 'process'}
                items={BOUNDARIES.map((b) => ({
                  title: label(PHASE, b, lang),
                  content: <span style={{ whiteSpace: 'nowrap', fontSize: 12 }}>{chinaTime(c.dates[b])}</span>,
                }))}
              />
              <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
                {t('日期为北京时间，各阶段在当天办公时间开始时自动进入；管理员可调整尚未到达的日期，需写明原因（公开）。', 'China time; each phase begins by itself at the start of office hours. An administrator may move a date not reached yet, with a public reason.')}
              </Typography.Paragraph>
            </Card>
            <Tabs
              items={[
                { key: 'selection', label: t('提议遴选', 'Proposals'), children: <CycleSelection cycle={c} onDecided={() => void detail.reload()} /> },
                {
                  key: 'timeline',
                  label: t('周期记录', 'Timeline'),
                  children: (
                    <Card size="small">
                      <Timeline data-testid="cycle-timeline" items={c.timeline.map((e) => ({ key: e.id, content: <EventLine event={e} lang={lang} proposals={proposals.data} /> }))} />
                    </Card>
                  ),
                },
              ]}
            />
            {moving && <MoveDate cycle={c} onClose={() => setMoving(false)} onDone={() => void reload()} />}
          </Flex>
        );
      }}
    </Loadable>
  );
}

function EventLine({ event, lang, proposals }: { event: CycleEventRow; lang: 'zh' | 'en'; proposals?: Map<string, RankedProposal> | undefined }) {
  const name = EVENT_NAMES[event.type]?.[lang === 'zh' ? 0 : 1] ?? event.type;
  const d = event.data;
  let what = '';
  if (event.type === 'cycle.phase_changed') what = `${label(PHASE, String(d.from), lang)} → ${label(PHASE, String(d.to), lang)}`;
  if (event.type === 'cycle.date_moved') what = `${label(PHASE, String(d.boundary), lang)}：${chinaTime(String(d.from))} → ${chinaTime(String(d.to))}；${lang === 'zh' ? '原因' : 'reason'}：${String(d.reason)}`;
  if (event.type === 'cycle.proposal_decided') {
    const proposal = proposals?.get(String(d.proposalId));
    const which = proposal ? `${proposal.reference}「${proposal.title}」` : String(d.proposalId);
    what = `${which} ${label(PROPOSAL_STATUS, String(d.decision), lang)}；${lang === 'zh' ? '理由' : 'reason'}：${String(d.reason)}`;
  }
  return (
    <span>
      {chinaTime(event.at)} <b>{name}</b>
      {what ? ` ${what}` : ''}
    </span>
  );
}

/**
 * The workflow's refusals of a move (packages/domain moveCycleDate words them in English) as an
 * administrator reads them; anything else as the API said it.
 */
export function moveRefusalZh(message: string): string {
  const phase = (key: string) => `「${label(PHASE, key)}」`;
  let m = /^(\w+) must begin before (\w+) \(([^)]+)\)/.exec(message);
  if (m) return `${phase(m[1]!)}须早于${phase(m[2]!)}的开始时间（${chinaTime(m[3]!)}）；如需更晚，请先推迟${phase(m[2]!)}`;
  m = /^(\w+) must begin after (\w+) \(([^)]+)\)/.exec(message);
  if (m) return `${phase(m[1]!)}须晚于${phase(m[2]!)}的开始时间（${chinaTime(m[3]!)}）`;
  m = /^(\w+) began at .*cannot move/.exec(message);
  if (m) return `${phase(m[1]!)}已经开始，不能再调整`;
  if (/has passed; a phase can only be moved into the future/.test(message)) return '新的时间已经过去，只能调整到将来的时间';
  if (/needs a reason/.test(message)) return '请填写调整原因';
  return message;
}

/** 调整日期: the boundaries still ahead, a new day, and the (public) reason. */
function MoveDate({ cycle, onClose, onDone }: { cycle: CycleRow; onClose: () => void; onDone: () => void }) {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ boundary: Boundary; date: Dayjs; reason: string }>();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const ahead = BOUNDARIES.filter((b) => BOUNDARIES.indexOf(b) > BOUNDARIES.indexOf(cycle.phase as Boundary));
  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setRefusal(null);
    try {
      // The instant as picked (the console runs in China time); the workflow checks it lies ahead and in order.
      await must(dispatchApi.POST('/v1/cycles/{cycleId}/dates', { params: { path: { cycleId: cycle.id } }, body: { boundary: values.boundary, at: values.date.toISOString(), reason: values.reason } }));
      message.success(t('日期已调整，流程将按新日期进入该阶段', 'Moved: the phase begins at the new date'));
      onDone();
      onClose();
    } catch (e) {
      const error = asApiError(e);
      setRefusal(`${error.title(lang)}：${lang === 'zh' ? moveRefusalZh(error.apiMessage) : error.apiMessage}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('调整阶段开始日期', 'Move the date a phase begins')} onCancel={onClose} onOk={() => void submit()} okText={t('确定调整', 'Move')} cancelText={t('取消', 'Cancel')} confirmLoading={busy}>
      <Form form={form} layout="vertical" initialValues={{ boundary: ahead[0] }}>
        <Form.Item name="boundary" label={t('阶段', 'Phase')} rules={[{ required: true, message: t('请选择阶段', 'Choose a phase') }]}>
          <Select options={ahead.map((b) => ({ value: b, label: `${label(PHASE, b, lang)}（${t('现为', 'now')} ${chinaTime(cycle.dates[b])}）` }))} />
        </Form.Item>
        <Form.Item name="date" label={t('新的开始时间（北京时间）', 'New start (China time)')} extra={t('须晚于现在，并在前后两个阶段之间', 'After now, and between the phases before and after it')} rules={[{ required: true, message: t('请选择时间', 'Choose a time') }]}>
          <DatePicker showTime={{ format: 'HH:mm:ss' }} format="YYYY-MM-DD HH:mm:ss" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="reason" label={t('调整原因（公开）', 'Reason (public)')} rules={[{ required: true, whitespace: true, message: t('请填写调整原因', 'Give the reason') }, { max: 500 }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
      {refusal && <Typography.Text type="danger" role="alert">{refusal}</Typography.Text>}
    </Modal>
  );
}
