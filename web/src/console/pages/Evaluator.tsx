// 评估导出: the anonymised exports (orders, rates) and callback samples, as files.
import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Flex, Form, Input, InputNumber, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { feedbackGet } from '../../api/client';
import { apiErrorOf, ApiError } from '../../api/errors';
import { session } from '../../api/session';
import { useLang } from '../i18n';
import { ErrorView } from '../parts/state';

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

export default function Evaluator() {
  const { lang, t } = useLang();
  const [month, setMonth] = useState<Dayjs>(dayjs());
  const [error, setError] = useState<ApiError | null>(null);
  const [sample, setSample] = useState<{ orderId: string; trackingCode?: string; categoryCode?: string; rating?: string }[] | null>(null);
  const m = month.format('YYYY-MM');
  const run = (fn: () => Promise<void>) => () => {
    setError(null);
    fn().catch((e) => setError(e instanceof ApiError ? e : new ApiError(0, 'service_unavailable', String(e))));
  };
  const drawSample = async (values: { size: number; seed: string }) => {
    const response = await fetch(`/api/feedback/v1/evaluator/callbacks/sample`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.tokens?.accessToken ?? ''}` },
      body: JSON.stringify({ month: m, size: values.size, seed: values.seed }),
    });
    const body = await response.json().catch(() => undefined);
    if (!response.ok) throw apiErrorOf(response.status, body);
    setSample((body.orders ?? body.sample ?? []) as never);
  };
  return (
    <Flex vertical gap={16}>
      <Alert type="info" showIcon title={t('导出数据已匿名化：不含姓名、电话、地址。', 'Exports are anonymised: no names, phones or addresses.')} />
      {error && <ErrorView error={error} />}
      <Card size="small" title={t('月度导出', 'Monthly exports')}>
        <Space wrap>
          <DatePicker picker="month" value={month} allowClear={false} onChange={(d) => d && setMonth(d)} aria-label={t('月份', 'Month')} />
          <Button icon={<DownloadOutlined />} onClick={run(() => download(`/v1/evaluator/orders.csv?from=${m}`, `orders-${m}.csv`))}>{t('工单明细 CSV', 'Orders CSV')}</Button>
          <Button icon={<DownloadOutlined />} onClick={run(() => download(`/v1/evaluator/orders.xlsx?from=${m}`, `orders-${m}.xlsx`))}>{t('工单明细 Excel', 'Orders Excel')}</Button>
          <Button icon={<DownloadOutlined />} onClick={run(() => download(`/v1/evaluator/kpis.csv?from=${m}`, `kpis-${m}.csv`))}>{t('三率 CSV', 'Rates CSV')}</Button>
          <Button icon={<DownloadOutlined />} onClick={run(() => download(`/v1/evaluator/kpis.xlsx?from=${m}`, `kpis-${m}.xlsx`))}>{t('三率 Excel', 'Rates Excel')}</Button>
        </Space>
      </Card>
      <Card size="small" title={t('回访抽样', 'Callback sample')}>
        <Form layout="inline" onFinish={(v) => run(() => drawSample(v))()} initialValues={{ size: 10, seed: `${m}-回访` }}>
          <Form.Item name="size" label={t('样本量', 'Size')} rules={[{ required: true, type: 'number', min: 1, max: 1000 }]}>
            <InputNumber min={1} max={1000} />
          </Form.Item>
          <Form.Item name="seed" label={t('随机种子', 'Seed')} rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input />
          </Form.Item>
          <Button htmlType="submit" type="primary">{t('抽样', 'Draw')}</Button>
        </Form>
        {sample && (
          <Table
            style={{ marginTop: 12 }}
            size="small"
            rowKey="orderId"
            dataSource={sample}
            pagination={false}
            columns={[
              { title: t('工单', 'Order'), dataIndex: 'orderId', render: (v: string) => <Typography.Text code>{v.slice(0, 8)}</Typography.Text> },
              { title: t('查询码', 'Code'), dataIndex: 'trackingCode' },
              { title: t('类别', 'Category'), dataIndex: 'categoryCode' },
              { title: t('评价', 'Rating'), dataIndex: 'rating' },
            ]}
            locale={{ emptyText: lang === 'zh' ? '本月没有可抽样的工单' : 'nothing to sample this month' }}
          />
        )}
      </Card>
    </Flex>
  );
}
