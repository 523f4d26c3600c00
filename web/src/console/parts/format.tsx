import { Tag, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { label, STATUS, type Lang } from '../../lib/labels';
import { countdown, formatWorkingMinutes } from '../../lib/time';
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

/** The queue's clock as the API computed it (its working calendar), else computed here. */
function clockText(order: Pick<OrderRow, 'deadlineAt' | 'dispatchedAt' | 'stageStartedAt' | 'overdue' | 'clock' | 'urges'>, now: Date, lang: Lang) {
  const clock = order.clock;
  if (clock) {
    const amount = clock.calendar ? formatWorkingMinutes(clock.remainingMinutes, lang, 1440).replace('个工作日', '天').replace(/working days?/, 'd') : formatWorkingMinutes(clock.remainingMinutes, lang);
    const text = clock.overdue ? (lang === 'zh' ? `已超时 ${amount}` : `overdue by ${amount}`) : lang === 'zh' ? `剩余 ${amount}` : `${amount} left`;
    // Urged by the 80 % timer: the stage's last fifth.
    return { text, overdue: clock.overdue, warning: order.urges?.automatic === true };
  }
  const start = order.stageStartedAt ?? order.dispatchedAt;
  const c = countdown(new Date(order.deadlineAt as string), now, lang, start ? new Date(start) : undefined);
  return { text: c.text, overdue: c.overdue, warning: c.tone === 'warning' };
}

export function Countdown({ order, now, lang }: { order: Pick<OrderRow, 'deadlineAt' | 'dispatchedAt' | 'stageStartedAt' | 'overdue' | 'clock' | 'urges' | 'deadlineUnscheduled'>; now: Date; lang: Lang }) {
  if (!order.deadlineAt && !order.clock) return <span>—</span>;
  const c = clockText(order, now, lang);
  const color = c.overdue || order.overdue ? 'red' : c.warning ? 'orange' : 'green';
  return (
    <Tooltip
      title={`${lang === 'zh' ? '期限' : 'Deadline'} ${when(order.clock?.dueAt ?? order.deadlineAt)}${
        order.deadlineUnscheduled ? (lang === 'zh' ? '（跨入尚未录入节假日安排的年份，按周一至周五计算）' : ' (reaches into a year without a holiday schedule: counted Monday–Friday)') : ''
      }`}
    >
      <Tag color={color} data-testid="countdown">
        {c.text}
        {order.deadlineUnscheduled ? (lang === 'zh' ? ' · 未按节假日' : ' · no holiday schedule') : ''}
      </Tag>
    </Tooltip>
  );
}

const CHINA = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** An instant as China time ("2026-03-02 09:00"), whatever the browser's zone: the cycle's dates are China office hours. */
export const chinaTime = (iso: string | null | undefined) => {
  if (!iso) return '—';
  const parts = Object.fromEntries(CHINA.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
};
