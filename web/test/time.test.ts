// The working-time countdown people read in every queue: office minutes on working days only.
import { createWorkingCalendar } from '@diandan/domain';
import { countdown, formatWorkingMinutes } from '../src/lib/time';

// Office hours 09:00–12:00 and 13:30–17:30 (Asia/Shanghai); 2026-12-04 is a Friday.
const cal = createWorkingCalendar();
const at = (local: string) => new Date(`${local}+08:00`);

describe('working-time countdown', () => {
  it('formatWorkingMinutes.boundaryCheck: days of 420 office minutes, hours, minutes; zero reads 0 分', () => {
    expect(formatWorkingMinutes(0)).toBe('0 分');
    expect(formatWorkingMinutes(59)).toBe('59 分');
    expect(formatWorkingMinutes(60)).toBe('1 小时');
    expect(formatWorkingMinutes(420)).toBe('1 个工作日');
    expect(formatWorkingMinutes(420 + 3 * 60 + 20)).toBe('1 个工作日 3 小时 20 分');
    expect(formatWorkingMinutes(-125)).toBe('2 小时 5 分');
    expect(formatWorkingMinutes(845, 'en')).toBe('2 working days 5 min');
    expect(formatWorkingMinutes(61.9, 'en')).toBe('1 h 1 min');
  });

  it('countdown.workingTimeCheck: nights, lunch and weekends do not count', () => {
    // Friday 17:00 → Monday 10:00: 30 minutes on Friday, 60 on Monday.
    expect(countdown(at('2026-12-07T10:00:00'), at('2026-12-04T17:00:00'), 'zh', undefined, cal)).toMatchObject({ minutes: 90, overdue: false, text: '剩余 1 小时 30 分' });
    // Over lunch: 11:30 → 14:00 is 30 + 30 office minutes.
    expect(countdown(at('2026-12-04T14:00:00'), at('2026-12-04T11:30:00'), 'en', undefined, cal).text).toBe('1 h left');
  });

  it('countdown.overdueCheck: past the deadline it says by how much, in office time', () => {
    const c = countdown(at('2026-12-04T16:00:00'), at('2026-12-07T09:30:00'), 'zh', undefined, cal);
    expect(c).toMatchObject({ minutes: -120, overdue: true, tone: 'overdue', text: '已超时 2 小时' });
    expect(countdown(at('2026-12-04T16:00:00'), at('2026-12-04T16:00:00'), 'en', undefined, cal)).toMatchObject({ overdue: true, text: 'overdue by 0 min' });
  });

  it('countdown.urgeMarkCheck: the last 20 % of a stage is a warning — the 80 % urge (催办) mark', () => {
    const start = at('2026-12-04T09:00:00');
    const deadline = at('2026-12-04T17:30:00'); // 420 office minutes
    expect(countdown(deadline, at('2026-12-04T15:00:00'), 'zh', start, cal).tone).toBe('ok'); // 150 left > 84
    expect(countdown(deadline, at('2026-12-04T16:06:00'), 'zh', start, cal).tone).toBe('warning'); // 84 left
    expect(countdown(deadline, at('2026-12-04T16:00:00'), 'zh', undefined, cal).tone).toBe('ok'); // no stage start: no mark
  });
});
