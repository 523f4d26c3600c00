import { Tag, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { label, STATUS, type Lang } from '../../lib/labels';
import { countdown } from '../../lib/time';
import type { OrderRow } from '../../api/views';

const STATUS_COLOR: Record<string, string> = {
  placed: 'gold', dispatched: 'blue', accepted: 'cyan', in_progress: 'geekblue', awaiting_rating: 'purple', closed: 'green', invalid: 'default', merged: 'default', withdrawn: 'default',
};

export const StatusTag = ({ status, lang }: { status: string; lang: Lang }) => <Tag color={STATUS_COLOR[status] ?? 'default'}>{label(STATUS, status, lang)}</Tag>;

export const when = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—');

/** Ticks once a minute so every countdown on a screen moves without a reload. */
export function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function Countdown({ order, now, lang }: { order: Pick<OrderRow, 'deadlineAt' | 'dispatchedAt' | 'stageStartedAt' | 'overdue'>; now: Date; lang: Lang }) {
  if (!order.deadlineAt) return <span>—</span>;
  const start = order.stageStartedAt ?? order.dispatchedAt;
  const c = countdown(new Date(order.deadlineAt), now, lang, start ? new Date(start) : undefined);
  const color = c.overdue || order.overdue ? 'red' : c.tone === 'warning' ? 'orange' : 'green';
  return (
    <Tooltip title={`${lang === 'zh' ? '期限' : 'Deadline'} ${when(order.deadlineAt)}`}>
      <Tag color={color} data-testid="countdown">
        {c.text}
      </Tag>
    </Tooltip>
  );
}
