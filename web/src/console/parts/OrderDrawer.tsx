// One order in a drawer: what it is, where, its whole timeline, and the actions the caller's role
// may take in its current status (the domain's own availableCommands). After an action the order
// is read again; when someone else acted first (409) the drawer says so and shows the order as it
// is now.
import { Alert, Button, Descriptions, Drawer, Flex, Form, Input, Select, Space, Tag, Timeline, Typography, Upload, App, type UploadFile } from 'antd';
import { useEffect, useState } from 'react';
import { isWithin } from '../../../../packages/domain/src/ladder';
import { availableCommands, type CommandType, type OrderStatus, type Role } from '../../../../packages/domain/src/order';
import { dispatchApi, must } from '../../api/client';
import { ApiError, apiErrorOf } from '../../api/errors';
import { session } from '../../api/session';
import type { OrderRow, TimelineEvent } from '../../api/views';
import { EVENT, label, LEVEL, PRIORITY, RATING } from '../../lib/labels';
import { actionTextError } from '../../lib/validate';
import { useLang } from '../i18n';
import { Countdown, StatusTag, useNow, when } from './format';
import { asApiError, ErrorView, Loadable, useLoad } from './state';
import { suggestUnit, useReference } from './reference';
import { TriageHelp } from './TriageHelp';

/** A unit's result photo (stored by the staff API under a name derived from its bytes). */
const isResultPhoto = (orderId: string, id: string) => id.startsWith(`${orderId}-r`);

/** Files are served with the staff token in a header, so a plain link cannot fetch them: fetch, then save. */
async function downloadAttachment(orderId: string, a: { id: string; fileName: string }) {
  const response = await fetch(`/api/dispatch/v1/orders/${orderId}/attachments/${encodeURIComponent(a.id)}`, { headers: { authorization: `Bearer ${session.tokens?.accessToken ?? ''}` } });
  if (!response.ok) throw apiErrorOf(response.status, await response.json().catch(() => undefined));
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = a.fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The resolve with photos: multipart, the field `result` and the files (staff API, ≤ 5). */
async function resolveWithPhotos(orderId: string, result: string, files: UploadFile[]) {
  const form = new FormData();
  form.set('result', result);
  for (const f of files) if (f.originFileObj) form.append('files', f.originFileObj, f.name);
  return must(dispatchApi.POST('/v1/orders/{orderId}/resolve', { params: { path: { orderId } }, body: form as never, bodySerializer: (b: unknown) => b as FormData }));
}

/** URL segment of each command in the staff API. */
const SEGMENT: Partial<Record<CommandType, string>> = {
  answer: 'answer', dispatch: 'dispatch', merge: 'merge', unmerge: 'unmerge', markInvalid: 'invalidate', withdraw: 'withdraw', accept: 'accept',
  opinion: 'opinion', resolve: 'resolve', return: 'return', escalate: 'escalate', urge: 'urge',
};

const ACTION_LABEL: Partial<Record<CommandType, [string, string]>> = {
  answer: ['即接即办', 'Answer on the spot'], dispatch: ['派单', 'Dispatch'], merge: ['合并', 'Merge'], unmerge: ['取消合并', 'Un-merge'], markInvalid: ['标记无效', 'Mark invalid'],
  withdraw: ['代为撤回', 'Withdraw'], accept: ['签收', 'Accept'], opinion: ['初步意见', 'Preliminary opinion'], resolve: ['办结', 'Resolve'],
  return: ['退单', 'Return'], escalate: ['上报', 'Escalate'], urge: ['催办', 'Urge'],
};

interface Detail {
  order: OrderRow;
  events: TimelineEvent[];
}

async function loadDetail(orderId: string, expectedSeq = 0): Promise<Detail> {
  const params = { params: { path: { orderId } } };
  // The read model follows the workflow through Kafka: after an action, wait (briefly) until it
  // has caught up with what the action answered, so the drawer never shows the step before.
  for (let attempt = 0; ; attempt++) {
    const [order, timeline] = await Promise.all([must(dispatchApi.GET('/v1/orders/{orderId}', params)), must(dispatchApi.GET('/v1/orders/{orderId}/timeline', params))]);
    const detail = { order: order as unknown as OrderRow, events: (timeline as unknown as { events: TimelineEvent[] }).events };
    const seq = detail.events.at(-1)?.seq ?? 0;
    if (seq >= expectedSeq || attempt >= 20) return detail;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function OrderDrawer({ orderId, onClose, onChanged, temporalUiUrl }: { orderId: string | null; onClose: () => void; onChanged?: () => void; temporalUiUrl?: string }) {
  const { lang, t } = useLang();
  const [expectedSeq, setExpectedSeq] = useState(0);
  const detail = useLoad(() => (orderId ? loadDetail(orderId, expectedSeq) : Promise.resolve(undefined)), [orderId, expectedSeq]);
  return (
    <Drawer open={orderId !== null} onClose={onClose} size={720} title={detail.data ? `${t('工单', 'Order')} ${detail.data.order.trackingCode}` : t('工单', 'Order')} destroyOnHidden>
      {orderId && (
        <Loadable state={detail}>
          {(data) =>
            data && (
              <OrderDetail
                key={data.order.id + data.events.length}
                detail={data}
                lang={lang}
                temporalUiUrl={temporalUiUrl}
                reload={async (seq?: number) => {
                  if (seq && seq !== expectedSeq) setExpectedSeq(seq);
                  else await detail.reload();
                  onChanged?.();
                }}
              />
            )
          }
        </Loadable>
      )}
    </Drawer>
  );
}

function OrderDetail({ detail, lang, reload, temporalUiUrl }: { detail: Detail; lang: 'zh' | 'en'; reload: (seq?: number) => Promise<void>; temporalUiUrl?: string }) {
  const { t } = useLang();
  const now = useNow();
  const { order, events } = detail;
  const user = session.tokens?.user;
  const commands = user ? availableCommands({ status: order.status as OrderStatus, unitId: order.unitId } as never, { role: user.role as Role, unitId: user.unitId ?? undefined }) : [];
  const actions = commands.filter((c) => SEGMENT[c]);
  const attachments = order.attachments ?? (events.find((e) => e.type === 'order.placed')?.data.attachments as { id: string; fileName: string; contentType: string; size: number }[] | undefined) ?? [];
  const urges = events.filter((e) => e.type === 'order.urged').length;
  return (
    <Flex vertical gap={16}>
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('状态', 'Status')}>
          <StatusTag status={order.status} lang={lang} />
          {urges > 0 && <Tag color="volcano">{t(`已催办 ${urges} 次`, `urged ${urges}×`)}</Tag>}
          {order.buckPassing && <Tag color="red">{t('扯皮推诿', 'buck-passing')}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={t('剩余工作时间', 'Working time left')}>
          {['placed', 'dispatched', 'accepted', 'in_progress', 'awaiting_rating'].includes(order.status) ? <Countdown order={order} now={now} lang={lang} /> : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('类别', 'Category')}>{order.category?.name ?? order.categoryCode ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('紧急程度', 'Priority')}>{label(PRIORITY, order.priority, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('承办单位', 'Unit')}>
          {order.unit?.name ?? '—'} {order.level && <Tag>{label(LEVEL, order.level, lang)}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={t('渠道', 'Channel')}>{order.channel}</Descriptions.Item>
        <Descriptions.Item label={t('地点', 'Location')} span={2}>
          {order.address ?? '—'}
          {order.lat != null && order.lng != null && (
            <Typography.Text type="secondary">
              {' '}
              ({order.lat.toFixed(5)}, {order.lng.toFixed(5)})
            </Typography.Text>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('诉求内容', 'Need')} span={2}>
          <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{order.content}</Typography.Paragraph>
        </Descriptions.Item>
        {attachments.length > 0 && (
          <Descriptions.Item label={t('附件', 'Attachments')} span={2}>
            <Space wrap>
              {attachments.map((a) => (
                <Tag key={a.id} color={isResultPhoto(order.id, a.id) ? 'green' : undefined}>
                  {isResultPhoto(order.id, a.id) && `${t('办理结果', 'Result')} · `}
                  <a href="#" onClick={(e) => { e.preventDefault(); void downloadAttachment(order.id, a); }}>{a.fileName}</a> ({Math.ceil(a.size / 1024)} KB)
                </Tag>
              ))}
            </Space>
          </Descriptions.Item>
        )}
        {order.rating && <Descriptions.Item label={t('评价', 'Rating')}>{label(RATING, order.rating, lang)}</Descriptions.Item>}
        {temporalUiUrl && user?.role === 'supervisor' && (
          <Descriptions.Item label="Temporal" span={2}>
            <a href={`${temporalUiUrl}/namespaces/default/workflows/order-${order.id}`} target="_blank" rel="noreferrer">
              {t('在 Temporal Web UI 中查看流程', 'Open the workflow in the Temporal Web UI')}
            </a>
          </Descriptions.Item>
        )}
      </Descriptions>
      {user && ['operator', 'dispatcher', 'supervisor'].includes(user.role) && <TriageHelp order={order} reload={reload} />}
      {actions.length > 0 && <Actions order={order} actions={actions} reload={reload} />}
      <section aria-label={t('处理过程', 'Timeline')}>
        <Typography.Title level={5}>{t('处理过程', 'Timeline')}</Typography.Title>
        <Timeline
          items={events.map((e) => ({
            color: e.type === 'order.supervisor_alerted' || e.type === 'order.returned' || e.type === 'order.accountability_recorded' ? 'red' : e.type === 'order.closed' ? 'green' : 'blue',
            content: (
              <div>
                <b>{label(EVENT, e.type, lang)}</b> <Typography.Text type="secondary">{when(e.at)}</Typography.Text>
                {typeof e.data.entryId === 'string' && <Tag color="blue" style={{ marginLeft: 8 }}>{t('知识库答复', 'From the knowledge base')} v{String(e.data.entryVersion ?? '')}</Tag>}
                {typeof e.data.viaTrackingCode === 'string' && <Tag style={{ marginLeft: 8 }}>{t('随合并工单办结', 'Resolved with')} {e.data.viaTrackingCode}</Tag>}
                {typeof e.data.intoTrackingCode === 'string' && <Tag style={{ marginLeft: 8 }}>{t('并入', 'Into')} {e.data.intoTrackingCode}</Tag>}
                {eventNote(e) && <div style={{ whiteSpace: 'pre-wrap' }}>{eventNote(e)}</div>}
              </div>
            ),
          }))}
        />
      </section>
    </Flex>
  );
}

function eventNote(e: TimelineEvent): string | undefined {
  const d = e.data;
  const text = d.opinion ?? d.result ?? d.answer ?? d.reason ?? d.note ?? d.comment ?? (d.rating as string | undefined);
  return typeof text === 'string' ? text : undefined;
}

function Actions({ order, actions, reload }: { order: OrderRow; actions: CommandType[]; reload: (seq?: number) => Promise<void> }) {
  const { lang, t } = useLang();
  const { message } = App.useApp();
  const [active, setActive] = useState<CommandType | null>(null);
  const [form] = Form.useForm();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const reference = useReference();
  const user = session.tokens?.user;
  // Officers dispatch down, within their own branch of the tree; dispatchers anywhere.
  const officerUnit = user && user.role.endsWith('_officer') ? user.unitId : null;
  const dispatchable = (reference.data?.units ?? []).filter((u) => u.active !== false && (!officerUnit || (reference.data && u.id !== officerUnit && isWithin(reference.data.tree, u.id, officerUnit))));
  const [fromApi, setFromApi] = useState<{ unitId: string; unitName: string; reason: string } | null>(null);
  const canDispatch = actions.includes('dispatch');
  useEffect(() => {
    if (!canDispatch) return;
    must(dispatchApi.GET('/v1/orders/{orderId}/suggestion' as never, { params: { path: { orderId: order.id } } } as never))
      .then((s) => setFromApi((s as { suggested: { unitId: string; unitName: string; reason: string } | null }).suggested), () => setFromApi(null));
  }, [order.id, canDispatch]);
  const local = suggestUnit(reference.data, order);
  const suggestion = fromApi ? { unit: { id: fromApi.unitId, name: fromApi.unitName }, reason: { zh: fromApi.reason, en: fromApi.reason } } : local;
  // The suggestion may arrive after the form opened: preselect it unless someone chose already.
  useEffect(() => {
    if (active === 'dispatch' && suggestion && !form.getFieldValue('unitId')) form.setFieldValue('unitId', suggestion.unit.id);
  }, [active, suggestion?.unit.id, form]);

  const send = async (command: CommandType, body: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const photos = (body.files as UploadFile[] | undefined) ?? [];
      const result =
        command === 'resolve' && photos.length > 0
          ? await resolveWithPhotos(order.id, String(body.result ?? ''), photos)
          : await must(dispatchApi.POST(`/v1/orders/{orderId}/${SEGMENT[command]}` as '/v1/orders/{orderId}/accept', { params: { path: { orderId: order.id } }, body: Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'files')) as never }));
      message.success(`${(ACTION_LABEL[command] ?? [command, command])[lang === 'zh' ? 0 : 1]} ✓`);
      setActive(null);
      form.resetFields();
      const events = (result as { events?: { seq?: number }[] }).events ?? [];
      await reload(events.at(-1)?.seq);
    } catch (e) {
      const failure = asApiError(e);
      setError(failure);
      // Someone else acted first: show the order as it is now, keep the message on screen.
      if (failure.conflict) await reload();
    } finally {
      setBusy(false);
    }
  };

  const text = (name: string, zh: string, en: string, required = true) => (
    <Form.Item name={name} label={t(zh, en)} rules={[{ validator: async (_r, v: string | undefined) => { const problem = required || (v ?? '') !== '' ? actionTextError(v ?? '', lang) : undefined; if (problem) throw new Error(problem); } }]} validateTrigger={['onChange', 'onBlur']}>
      <Input.TextArea rows={3} showCount maxLength={4000} />
    </Form.Item>
  );

  const fields: Partial<Record<CommandType, React.ReactNode>> = {
    answer: text('answer', '答复内容', 'Answer'),
    dispatch: (
      <>
        {suggestion && (
          <Alert type="info" showIcon style={{ marginBottom: 12 }} title={`${t('建议派往', 'Suggested unit')}：${suggestion.unit.name}`} description={lang === 'zh' ? suggestion.reason.zh : suggestion.reason.en} />
        )}
        <Form.Item name="unitId" label={t('承办单位', 'Unit')} rules={[{ required: true, message: t('请选择承办单位', 'Choose a unit') }]} initialValue={suggestion?.unit.id}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={dispatchable.map((u) => ({ value: u.id, label: `${u.name}（${label(LEVEL, u.level, lang)}）` }))} />
        </Form.Item>
      </>
    ),
    merge: (
      <Form.Item name="intoOrderId" label={t('并入工单编号', 'Merge into order id')} rules={[{ required: true, pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, message: t('请输入工单编号（UUID）', 'Enter an order id (UUID)') }]} validateTrigger={['onChange', 'onBlur']}>
        <Input />
      </Form.Item>
    ),
    unmerge: text('reason', '取消合并的原因（可选）', 'Why (optional)', false),
    markInvalid: text('reason', '原因', 'Reason'),
    withdraw: text('reason', '原因（可选）', 'Reason (optional)', false),
    opinion: text('opinion', '初步意见', 'Preliminary opinion'),
    resolve: (
      <>
        {text('result', '办理结果', 'Result')}
        <Form.Item name="files" label={t('结果照片（可选，最多 5 张）', 'Result photos (optional, up to 5)')} valuePropName="fileList" getValueFromEvent={(e: { fileList: UploadFile[] }) => e.fileList}>
          <Upload listType="picture" accept="image/*,application/pdf" multiple maxCount={5} beforeUpload={() => false}>
            <Button>{t('选择照片', 'Choose photos')}</Button>
          </Upload>
        </Form.Item>
      </>
    ),
    return: text('reason', '退单理由', 'Why it is not yours'),
    escalate: text('reason', '上报理由', 'Reason'),
    urge: text('note', '催办说明（可选）', 'Note (optional)', false),
  };

  return (
    <section aria-label={t('操作', 'Actions')}>
      <Space wrap>
        {actions.map((c) => (
          <Button key={c} type={c === 'dispatch' || c === 'accept' || c === 'resolve' ? 'primary' : 'default'} danger={c === 'return' || c === 'markInvalid'} loading={busy && active === c}
            onClick={() => {
              setError(null);
              if (c === 'accept') void send('accept', {});
              else setActive(c);
            }}>
            {(ACTION_LABEL[c] ?? [c, c])[lang === 'zh' ? 0 : 1]}
          </Button>
        ))}
      </Space>
      {error && (
        <div style={{ marginTop: 12 }}>
          {error.conflict ? (
            <Alert role="alert" type="warning" showIcon title={t('有人先处理了这张工单，下面显示的是它现在的状态', 'Someone acted first; this is the order as it is now')} description={error.apiMessage} />
          ) : (
            <ErrorView error={error} />
          )}
        </div>
      )}
      {active && active !== 'accept' && (
        <Form form={form} layout="vertical" style={{ marginTop: 12, padding: 16, background: '#fafafa', borderRadius: 8 }} onFinish={(values) => send(active, Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '')))}>
          {fields[active]}
          <Space>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('提交', 'Submit')}：{(ACTION_LABEL[active] ?? [active, active])[lang === 'zh' ? 0 : 1]}
            </Button>
            <Button onClick={() => setActive(null)}>{t('取消', 'Cancel')}</Button>
          </Space>
        </Form>
      )}
    </section>
  );
}
