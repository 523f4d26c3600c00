import { residentCommands, residentStory, urgesThisStage, type StoryEvent } from '../src';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 1, minute)).toISOString();
const ev = (seq: number, type: string, data: Record<string, unknown> = {}, actor: Record<string, unknown> = { role: 'system' }): StoryEvent => ({
  seq,
  type,
  at: at(seq),
  actor,
  data,
});

const handled: StoryEvent[] = [
  ev(1, 'order.placed', { content: '楼道灯坏了', secretHash: 'ab', address: '建新北路 1 号' }, { role: 'resident' }),
  ev(2, 'order.dispatched', { unitName: '建新北路社区' }, { role: 'dispatcher', id: 'u-disp' }),
  ev(3, 'order.returned', { reason: '内部说明：不归我们管，找物业', fromUnitId: 'c1' }, { role: 'unit_handler', id: 'u-h1', unitId: 'c1' }),
  ev(4, 'order.supervisor_alerted', { reason: 'not dispatched in time' }),
  ev(5, 'order.dispatched', { unitName: '观音桥街道' }, { role: 'dispatcher', id: 'u-disp' }),
  ev(6, 'order.accepted', {}, { role: 'unit_handler', id: 'u-h2', unitId: 's1' }),
  ev(7, 'order.urged', { stage: 'opinion', automatic: true }),
  ev(8, 'order.opinion_given', { opinion: '三个工作日内更换灯具' }, { role: 'unit_handler', id: 'u-h2' }),
  ev(9, 'order.resolved', { result: '已更换' }, { role: 'unit_handler', id: 'u-h2' }),
];

describe('residentStory', () => {
  it('residentStory.safetyCheck: no staff ids, no internal notes, no internal events', () => {
    const story = residentStory(handled);
    const shown = JSON.stringify(story);
    expect(shown).not.toMatch(/u-disp|u-h1|u-h2|内部说明|secretHash|建新北路 1 号|not dispatched/);
    expect(story.timeline.map((e) => e.type)).not.toContain('order.supervisor_alerted');
    expect(story.timeline.every((e) => !('actor' in e) && !('data' in e))).toBe(true);
  });

  it('residentStory.storyCheck: opinion and result before rating, each line titled in Chinese with its unit', () => {
    const story = residentStory(handled);
    expect(story.opinion).toEqual({ text: '三个工作日内更换灯具', at: at(8), unitName: '观音桥街道' });
    expect(story.result).toEqual({ text: '已更换', at: at(9), unitName: '观音桥街道' });
    expect(story.timeline.map((e) => e.title)).toEqual([
      '诉求已提交',
      '已派往建新北路社区办理',
      '承办单位退回，正在重新派单',
      '已派往观音桥街道办理',
      '观音桥街道已签收',
      '系统已催办承办单位',
      '承办单位给出初步意见',
      '承办单位已办结，请您评价',
    ]);
  });

  it('residentStory.photoCheck: the result carries the unit’s result photos, and nothing malformed', () => {
    const photo = { id: 'o-1-r0123456789abcdef', fileName: '新灯.png', contentType: 'image/png', size: 68, sha256: 'f'.repeat(64) };
    const story = residentStory([...handled.slice(0, -1), ev(9, 'order.resolved', { result: '已更换', attachments: [photo, { id: 7 }, null] }, { role: 'unit_handler', id: 'u-h2' })]);
    expect(story.result).toEqual({ text: '已更换', at: at(9), unitName: '观音桥街道', photos: [{ id: photo.id, fileName: '新灯.png', contentType: 'image/png', size: 68 }] });
  });

  it('residentStory.reopenCheck: a reopened order drops the old result until the new unit gives one', () => {
    const story = residentStory([
      ...handled,
      ev(10, 'order.rated', { rating: 'dissatisfied', comment: '还是不亮' }, { role: 'resident' }),
      ev(11, 'order.reopened', { unitName: '江北区群团工作联合会', fromUnitId: 's1' }),
    ]);
    expect(story.result).toBeNull();
    expect(story.opinion).toBeNull();
    expect(story.timeline.at(-2)?.title).toBe('您的评价：不满意');
    expect(story.timeline.at(-1)?.title).toBe('已重新派往江北区群团工作联合会办理');
  });

  it('residentStory.answerCheck: an answer on the spot is the result to rate', () => {
    const story = residentStory([ev(1, 'order.placed'), ev(2, 'order.answered', { answer: '周一至周五 9 点开放' }, { role: 'operator', id: 'op' })]);
    expect(story.result?.text).toBe('周一至周五 9 点开放');
    expect(story.timeline[1]).toMatchObject({ title: '已即时答复，请您评价', text: '周一至周五 9 点开放' });
  });
});

describe('urgesThisStage', () => {
  it('urges.stageCheck: an urge counts until the next stage starts', () => {
    expect(urgesThisStage(handled.slice(0, 7))).toEqual({ count: 1, byResident: false, automatic: true, lastAt: at(7) });
    expect(urgesThisStage(handled.slice(0, 8)).count).toBe(0);
  });

  it('urges.residentCheck: a resident’s urge is told apart from staff and automatic ones, in any order', () => {
    const events = [ev(3, 'order.urged', {}, { role: 'resident' }), ev(1, 'order.placed'), ev(2, 'order.dispatched', { unitName: 'x' }), ev(4, 'order.urged', { note: 'x' }, { role: 'supervisor', id: 's' })];
    expect(urgesThisStage(events)).toEqual({ count: 2, byResident: true, automatic: false, lastAt: at(4) });
    expect(urgesThisStage([])).toEqual({ count: 0, byResident: false, automatic: false, lastAt: null });
  });
});

describe('residentCommands', () => {
  it('resident.commandsCheck: urge and withdraw while handled, rate once resolved, urge once per stage', () => {
    expect(residentCommands('dispatched', { byResident: false })).toEqual(['urge', 'withdraw']);
    expect(residentCommands('dispatched', { byResident: true })).toEqual(['withdraw']);
    expect(residentCommands('awaiting_rating', { byResident: false })).toEqual(['rate']);
    expect(residentCommands('closed', { byResident: false })).toEqual([]);
    expect(residentCommands('placed', { byResident: false })).toEqual(['urge', 'withdraw']);
  });
});
