// Remaining *working* time until a deadline, as people read it: "剩余 1 个工作日 3 小时 20 分".
// Deadlines count office minutes on working days (packages/domain's calendar: 7 office hours a
// day, the State Council's holidays and make-up days), so the countdown does too — a Friday
// afternoon deadline is not "2 days left" on Thursday evening, it is a few office hours.
import { createWorkingCalendar, type WorkingCalendar } from '../../../packages/domain/src/calendar';
import type { Lang } from './labels';

let calendar: WorkingCalendar | undefined;
const defaultCalendar = () => (calendar ??= createWorkingCalendar());

export interface Countdown {
  /** Office minutes left; negative once overdue. */
  minutes: number;
  overdue: boolean;
  /** Less than 20 % of the stage left (the 80 % urge mark) or overdue. */
  tone: 'ok' | 'warning' | 'overdue';
  text: string;
}

/** "1 个工作日 3 小时 20 分" / "1 working day 3 h 20 min" for a count of office minutes. */
export function formatWorkingMinutes(minutes: number, lang: Lang = 'zh', workingDayMinutes = 420): string {
  const total = Math.max(0, Math.floor(Math.abs(minutes)));
  const days = Math.floor(total / workingDayMinutes);
  const hours = Math.floor((total % workingDayMinutes) / 60);
  const mins = total % 60;
  const parts: string[] = [];
  if (lang === 'zh') {
    if (days) parts.push(`${days} 个工作日`);
    if (hours) parts.push(`${hours} 小时`);
    if (mins || parts.length === 0) parts.push(`${mins} 分`);
  } else {
    if (days) parts.push(`${days} working day${days === 1 ? '' : 's'}`);
    if (hours) parts.push(`${hours} h`);
    if (mins || parts.length === 0) parts.push(`${mins} min`);
  }
  return parts.join(' ');
}

/**
 * The countdown to `deadline` at `now`. `stageStart` (when the clock started, e.g. dispatch) lets
 * it say when 80 % of the stage is gone — the moment the platform urges (催办) the unit.
 */
export function countdown(deadline: Date, now: Date, lang: Lang = 'zh', stageStart?: Date, cal: WorkingCalendar = defaultCalendar()): Countdown {
  const minutes = deadline.getTime() <= now.getTime() ? -cal.workingTimeBetween(deadline, now) : cal.workingTimeBetween(now, deadline);
  const overdue = deadline.getTime() <= now.getTime();
  let tone: Countdown['tone'] = overdue ? 'overdue' : 'ok';
  if (!overdue && stageStart) {
    const span = cal.workingTimeBetween(stageStart, deadline);
    if (span > 0 && minutes <= span * 0.2) tone = 'warning';
  }
  const amount = formatWorkingMinutes(minutes, lang, cal.workingDayMinutes);
  const text = overdue ? (lang === 'zh' ? `已超时 ${amount}` : `overdue by ${amount}`) : lang === 'zh' ? `剩余 ${amount}` : `${amount} left`;
  return { minutes, overdue, tone, text };
}
