import { exampleEvent, NOTICE_KINDS, noticeMessage, noticesFor, LIFECYCLE_EVENT_TYPES, projectNotices, projectNoticeEventSchema, type LifecycleEventType } from '../src';

const event = (type: LifecycleEventType, data: Record<string, unknown> = {}) =>
  exampleEvent({ eventId: 'order-00000000-0000-4000-8000-000000000001#2', orderId: '00000000-0000-4000-8000-000000000001', seq: 2, at: '2026-11-30T02:00:00.000Z', actor: { role: 'system' }, status: 'dispatched', type, data });

describe('noticesFor: every step a resident should know about', () => {
  it('gives one notice for each resident-facing event, none for staff-only ones', () => {
    const kinds = Object.fromEntries(LIFECYCLE_EVENT_TYPES.map((type) => [type, noticesFor(event(type)).map((n) => n.kind)]));
    expect(kinds).toEqual({
      'order.placed': ['placed'],
      'order.answered': ['answered'],
      'order.dispatched': ['dispatched'],
      'order.accepted': ['accepted'],
      'order.opinion_given': ['opinion'],
      'order.resolved': ['resolved'],
      'order.returned': ['returned'],
      'order.escalated': ['escalated'],
      'order.urged': [],
      'order.rated': [],
      'order.reopened': ['reopened'],
      'order.closed': ['closed'],
      'order.invalidated': ['invalid'],
      'order.merged': ['merged'],
      'order.unmerged': ['unmerged'],
      'order.bundled': ['bundled'],
      'order.duplicate_linked': [],
      'order.duplicate_unlinked': [],
      'order.withdrawn': ['withdrawn'],
      'order.buck_passing_flagged': [],
      'order.supervisor_alerted': [],
      'order.accountability_recorded': [],
      'order.callback_flagged': [],
    });
  });

  it('says to whom an order was escalated, and "redispatched" after a return', () => {
    expect(noticesFor(event('order.escalated', { unitName: '建新街道' }))).toEqual([{ kind: 'escalated', data: { unitName: '建新街道' } }]);
    expect(noticesFor(event('order.dispatched', { unitName: '华新社区' }), { returnedBefore: true })).toEqual([{ kind: 'redispatched', data: { unitName: '华新社区' } }]);
  });

  it('reminds of the rating only for the workflow’s own 80 % urge of the rating stage', () => {
    expect(noticesFor(event('order.urged', { stage: 'rating', automatic: true, dueAt: '2026-12-07T10:00:00.000Z' }))).toEqual([
      { kind: 'rating_reminder', data: { dueAt: '2026-12-07T10:00:00.000Z' } },
    ]);
    expect(noticesFor(event('order.urged', { stage: 'accept', automatic: true }))).toEqual([]);
    expect(noticesFor(event('order.urged', { note: '快点' }))).toEqual([]);
  });
});

describe('noticeMessage', () => {
  it.each(NOTICE_KINDS)('%s: Chinese, with the tracking code, the status and what happens next, within template limits', (kind) => {
    const message = noticeMessage(kind, { trackingCode: 'DD-7K3M-Q9TB', unitName: '建新街道', dueAt: '2026-12-07T10:00:00.000Z', projectName: '购票服务点', progress: '完成 60%' });
    expect(message.text).toContain('DD-7K3M-Q9TB');
    expect(message.subject).toContain('DD-7K3M-Q9TB');
    expect(message.text).toMatch(/[\u4e00-\u9fff]/);
    expect([...message.status].length).toBeLessThanOrEqual(20);
    expect([...message.next].length).toBeLessThanOrEqual(20);
    expect(message.text.endsWith(message.next) || message.text.length > message.next.length).toBe(true);
  });

  it('names the unit and the deadline in China time', () => {
    expect(noticeMessage('escalated', { trackingCode: 'DD-1', unitName: '建新街道' }).text).toContain('已升级至“建新街道”');
    expect(noticeMessage('rating_reminder', { trackingCode: 'DD-1', dueAt: '2026-12-07T10:00:00.000Z' }).text).toContain('2026-12-07 18:00');
    expect(noticeMessage('closed', { trackingCode: 'DD-1', outcome: 'unrated' }).text).toContain('回访');
  });
});

describe('projectNotices: progress for orders linked to a project', () => {
  const base = { eventId: 'project-p1#3', at: '2026-11-30T02:00:00.000Z' };
  const a = '00000000-0000-4000-8000-00000000000a';
  const b = '00000000-0000-4000-8000-00000000000b';

  it('gives each linked order a notice with the project and how far it got, wherever the ids travel', () => {
    const event = projectNoticeEventSchema.parse({ ...base, type: 'project.milestone_reached', linkedOrderIds: [a], data: { name: '火车票代购点', milestone: '设点', orderIds: [b, a], extra: 1 } });
    expect(projectNotices(event)).toEqual([
      { orderId: a, notice: { kind: 'project_progress', data: { projectName: '火车票代购点', progress: '完成“设点”' } } },
      { orderId: b, notice: { kind: 'project_progress', data: { projectName: '火车票代购点', progress: '完成“设点”' } } },
    ]);
    expect(projectNotices(projectNoticeEventSchema.parse({ ...base, type: 'project.progress', orderIds: [a], data: { percent: 0.6 } }))[0]?.notice.data).toEqual({ progress: '完成 60%' });
  });

  it('says nothing for staff-only project events or events without linked orders', () => {
    expect(projectNotices(projectNoticeEventSchema.parse({ ...base, type: 'project.urged', orderIds: [a] }))).toEqual([]);
    expect(projectNotices(projectNoticeEventSchema.parse({ ...base, type: 'project.progress', data: { percent: 50 } }))).toEqual([]);
    expect(projectNoticeEventSchema.safeParse({ ...base, type: 'order.placed' }).success).toBe(false);
  });
});
