// 节假日安排: the holiday calendar every deadline counts on. Administrators enter next year's
// schedule when the State Council publishes it (around November), one line per day; the API
// refuses an incomplete year and says what is missing. Every save is a version with who made it.
import { Alert, Button, Card, Flex, Form, Input, InputNumber, Table, Tag, App } from 'antd';
import { useState } from 'react';
import { dispatchApi, must } from '../../api/client';
import { ApiError } from '../../api/errors';
import { useLang } from '../i18n';
import { asApiError, ErrorView, Loadable, useLoad } from '../parts/state';

interface Day {
  date: string;
  name: string;
}
interface YearRow {
  year: number;
  version: number;
  source: string;
  changedBy: string;
  changedAt: string;
  holidays: number;
  workdays: number;
}
interface Listing {
  years: YearRow[];
  warning: { year: number; message: string } | null;
}
interface YearDetail {
  year: number;
  version: number;
  holidays: Day[];
  workdays: Day[];
  note: string | null;
  changedBy: string;
  changedAt: string;
  history: Array<{ version: number; changedBy: string; note: string | null; changedAt: string }>;
}

const lines = (days: Day[]): string => days.map((d) => `${d.date} ${d.name}`).join('\n');
/** "2027-02-06 春节" per line; blank lines ignored. */
const parse = (text: string): Day[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [date = '', name = ''] = l.split(/\s+/);
      return { date, name };
    });

export default function Calendar() {
  const { t } = useLang();
  const { message } = App.useApp();
  const listing = useLoad(async () => (await must(dispatchApi.GET('/v1/calendar' as never, {} as never))) as unknown as Listing, []);
  const [editing, setEditing] = useState<{ year: number; detail: YearDetail | null } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [form] = Form.useForm();

  const open = async (year: number) => {
    setError(null);
    let detail: YearDetail | null = null;
    try {
      detail = (await must(dispatchApi.GET('/v1/calendar/{year}' as never, { params: { path: { year } } } as never))) as unknown as YearDetail;
    } catch (e) {
      const failure = asApiError(e);
      if (failure.status !== 404) return setError(failure);
    }
    setEditing({ year, detail });
    form.setFieldsValue({ holidays: lines(detail?.holidays ?? []), workdays: lines(detail?.workdays ?? []), note: '' });
  };

  const save = async (values: { holidays: string; workdays: string; note?: string }) => {
    if (!editing) return;
    setError(null);
    try {
      const body = { holidays: parse(values.holidays ?? ''), workdays: parse(values.workdays ?? ''), ...(values.note ? { note: values.note } : {}) };
      await must(dispatchApi.PUT('/v1/calendar/{year}' as never, { params: { path: { year: editing.year } }, body } as never));
      message.success(t('已保存，新计算的期限按此安排', 'Saved; deadlines computed from now on use it'));
      setEditing(null);
      await listing.reload();
    } catch (e) {
      setError(asApiError(e));
    }
  };

  return (
    <Flex vertical gap={12}>
      {listing.data?.warning && (
        <Alert type="warning" showIcon title={t(`尚未录入 ${listing.data.warning.year} 年节假日安排`, `No holiday schedule for ${listing.data.warning.year} yet`)} description={t('跨入该年的期限按周一至周五计算，并在工单上标注。请在国务院办公厅发布通知后录入。', 'Deadlines reaching into it count Monday–Friday and are flagged on the order. Enter it once the State Council publishes it.')} />
      )}
      <Loadable state={listing}>
        {({ years }) => (
          <Table<YearRow> rowKey="year" size="small" dataSource={[...years].reverse()} pagination={{ pageSize: 8 }}
            onRow={(row) => ({ onClick: () => void open(row.year), style: { cursor: 'pointer' } })}
            columns={[
              { title: t('年份', 'Year'), dataIndex: 'year' },
              { title: t('版本', 'Version'), dataIndex: 'version', render: (v: number) => <Tag>v{v}</Tag> },
              { title: t('放假天数', 'Days off'), dataIndex: 'holidays' },
              { title: t('调休上班', 'Make-up days'), dataIndex: 'workdays' },
              { title: t('来源', 'Source'), dataIndex: 'source' },
              { title: t('修改人', 'Changed by'), dataIndex: 'changedBy' },
              { title: t('时间', 'When'), dataIndex: 'changedAt', render: (d: string) => new Date(d).toLocaleString() },
            ]} />
        )}
      </Loadable>
      <Flex gap={8} align="center">
        <InputNumber id="calendar-year" min={2000} max={2100} placeholder={t('年份', 'Year')} onPressEnter={(e) => void open(Number((e.target as HTMLInputElement).value))} />
        <Button onClick={() => void open(Number((document.getElementById('calendar-year') as HTMLInputElement | null)?.value))}>{t('录入或修改', 'Enter or change')}</Button>
      </Flex>
      {error && <ErrorView error={error} />}
      {editing && (
        <Card size="small" title={`${editing.year} ${editing.detail ? `v${editing.detail.version}` : t('（新）', '(new)')}`}>
          <Form form={form} layout="vertical" onFinish={save}>
            <Flex gap={12}>
              <Form.Item name="holidays" label={t('放假日期（每行：日期 节日）', 'Days off (one per line: date festival)')} style={{ flex: 1 }} rules={[{ required: true }]}>
                <Input.TextArea rows={12} placeholder="2027-02-06 春节" />
              </Form.Item>
              <Form.Item name="workdays" label={t('调休上班日期', 'Make-up working days')} style={{ flex: 1 }}>
                <Input.TextArea rows={12} placeholder="2027-02-14 春节" />
              </Form.Item>
            </Flex>
            <Form.Item name="note" label={t('依据或说明', 'Source or note')}>
              <Input maxLength={500} placeholder={t('如：国办发明电〔2026〕X号', 'e.g. the State Council notice number')} />
            </Form.Item>
            <Button type="primary" htmlType="submit">{t('保存为新版本', 'Save as a new version')}</Button>
          </Form>
          {editing.detail && editing.detail.history.length > 0 && (
            <Table size="small" rowKey="version" style={{ marginTop: 12 }} pagination={false} dataSource={editing.detail.history}
              columns={[
                { title: t('历史版本', 'Earlier versions'), dataIndex: 'version', render: (v: number) => `v${v}` },
                { title: t('修改人', 'Changed by'), dataIndex: 'changedBy' },
                { title: t('说明', 'Note'), dataIndex: 'note' },
                { title: t('时间', 'When'), dataIndex: 'changedAt', render: (d: string) => new Date(d).toLocaleString() },
              ]} />
          )}
        </Card>
      )}
    </Flex>
  );
}
