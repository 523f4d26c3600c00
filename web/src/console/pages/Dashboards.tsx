// 三率看板: response, resolution and satisfaction rates by unit, category, street and month —
// rankings (bars) and the monthly trend (lines) — from feedback's /v1/kpis.
import { Card, Col, DatePicker, Flex, Row, Segmented, Space, Table } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { feedbackGet } from '../../api/client';
import { apiErrorOf } from '../../api/errors';
import { useLang } from '../i18n';
import { Chart } from '../parts/Chart';
import { Loadable, useLoad } from '../parts/state';

interface KpiRow {
  key: string;
  name: string;
  counters: { received: number; rated: number };
  rates: { response: number | null; resolution: number | null; satisfaction: number | null; composite: number | null };
  rank: number | null;
}
interface KpiReport {
  total: KpiRow;
  rows: KpiRow[];
}

async function kpis(query: Record<string, string>): Promise<KpiReport> {
  const response = await feedbackGet(`/v1/kpis?${new URLSearchParams(query)}`);
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw apiErrorOf(response.status, body);
  return body as KpiReport;
}

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

export default function Dashboards() {
  const { t } = useLang();
  const [by, setBy] = useState<'unit' | 'category' | 'street'>('unit');
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(5, 'month'), dayjs()]);
  const from = range[0].format('YYYY-MM');
  const to = range[1].format('YYYY-MM');
  const ranking = useLoad(() => kpis({ by, from, to }), [by, from, to]);
  const trend = useLoad(() => kpis({ by: 'month', from, to }), [from, to]);
  const names = [t('响应率', 'Response'), t('办结率', 'Resolution'), t('满意率', 'Satisfaction')];
  const keys = ['response', 'resolution', 'satisfaction'] as const;
  return (
    <Flex vertical gap={16}>
      <Card size="small">
        <Space wrap>
          <Segmented value={by} onChange={(v) => setBy(v as typeof by)} options={[{ value: 'unit', label: t('按单位', 'By unit') }, { value: 'category', label: t('按类别', 'By category') }, { value: 'street', label: t('按街道', 'By street') }]} />
          <DatePicker.RangePicker picker="month" value={range} allowClear={false} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} aria-label={t('月份范围', 'Months')} />
        </Space>
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card title={t('排名（综合得分）', 'Ranking (composite)')} size="small">
            <Loadable state={ranking} empty={(r) => r.rows.length === 0}>
              {(r) => (
                <Chart
                  label={t('三率排名柱状图', 'Ranking bar chart')}
                  height={Math.max(260, r.rows.length * 34)}
                  option={{
                    tooltip: { trigger: 'axis' },
                    legend: { data: names },
                    grid: { left: 8, right: 24, containLabel: true },
                    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
                    yAxis: { type: 'category', inverse: true, data: r.rows.map((row) => row.name) },
                    series: keys.map((k, i) => ({ name: names[i], type: 'bar', data: r.rows.map((row) => pct(row.rates[k])) })),
                  }}
                />
              )}
            </Loadable>
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('月度趋势', 'Monthly trend')} size="small">
            <Loadable state={trend} empty={(r) => r.rows.length === 0}>
              {(r) => (
                <Chart
                  label={t('三率月度趋势折线图', 'Monthly trend line chart')}
                  option={{
                    tooltip: { trigger: 'axis' },
                    legend: { data: names },
                    xAxis: { type: 'category', data: r.rows.map((row) => row.name || row.key) },
                    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
                    series: keys.map((k, i) => ({ name: names[i], type: 'line', smooth: true, data: r.rows.map((row) => pct(row.rates[k])) })),
                  }}
                />
              )}
            </Loadable>
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('明细', 'Figures')}>
        <Loadable state={ranking}>
          {(r) => (
            <Table<KpiRow>
              rowKey="key"
              size="small"
              pagination={false}
              dataSource={r.rows}
              columns={[
                { title: t('名次', 'Rank'), dataIndex: 'rank', width: 70 },
                { title: t('名称', 'Name'), dataIndex: 'name' },
                { title: t('受理', 'Received'), render: (_v, row) => row.counters.received },
                ...keys.map((k, i) => ({ title: names[i], render: (_v: unknown, row: KpiRow) => (pct(row.rates[k]) === null ? '—' : `${pct(row.rates[k])}%`) })),
              ]}
            />
          )}
        </Loadable>
      </Card>
    </Flex>
  );
}
