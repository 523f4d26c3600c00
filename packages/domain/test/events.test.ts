import {
  decide,
  generateTrackingCode,
  LIFECYCLE_EVENT_TYPES,
  lifecycleEventId,
  lifecycleEventSchema,
  orderPlacedSchema,
  SEARCH_ATTRIBUTES,
  stampEvents,
  TOPICS,
  workflowIdFor,
  type Actor,
  type Command,
  type LifecycleEvent,
  type OrderPlaced,
} from '../src';
import { actors, CONTEXT, newOrder, ORDER_ID } from './fixtures';

const trackingCode = generateTrackingCode((n) => Uint8Array.from({ length: n }, (_, i) => i * 37));

const placed: OrderPlaced = {
  eventId: 'b5a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
  type: 'order.placed',
  orderId: ORDER_ID,
  trackingCode,
  secretHash: 'sha256:1f2e3d4c5b6a',
  channel: 'wechat',
  content: '小区楼道灯坏了两周，老人夜里上下楼不方便。',
  categoryCode: 'community-facilities',
  priority: 'normal',
  location: { address: '东一社区 3 号楼', lat: 31.23, lng: 121.47 },
  sealedContact: 'v1.k1.aXY.Y2lwaGVy',
  attachments: [{ id: 'att-1', fileName: '楼道.jpg', contentType: 'image/jpeg', size: 204_800 }],
  placedAt: '2026-02-13T08:30:00.000Z',
};

const issuesOf = (input: unknown) => {
  const result = orderPlacedSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('constants', () => {
  test('topics and workflow ids', () => {
    expect(TOPICS).toEqual({
      placed: 'orders.placed',
      lifecycle: 'orders.lifecycle',
      placedDlq: 'orders.placed.dlq',
      lifecycleDlq: 'orders.lifecycle.dlq',
      projects: 'projects.lifecycle',
      projectsDlq: 'projects.lifecycle.dlq',
      cycles: 'cycles.lifecycle',
      cyclesDlq: 'cycles.lifecycle.dlq',
    });
    expect(workflowIdFor(ORDER_ID)).toBe(`order-${ORDER_ID}`);
    expect(lifecycleEventId(ORDER_ID, 3)).toBe(`order-${ORDER_ID}#3`);
  });

  test('search attributes and their Temporal types', () => {
    expect(SEARCH_ATTRIBUTES).toEqual({
      OrderStatus: 'Keyword',
      OrderLevel: 'Keyword',
      OrderUnit: 'Keyword',
      OrderCategory: 'Keyword',
      OrderDeadline: 'Datetime',
      OrderOverdue: 'Bool',
      OrderBounces: 'Int',
      ProjectStatus: 'Keyword',
      ProjectUnit: 'Keyword',
      ProjectOrigin: 'Keyword',
      ProjectDeadline: 'Datetime',
      ProjectOverdue: 'Bool',
      CycleOrganisation: 'Keyword',
      CycleYear: 'Int',
      CyclePhase: 'Keyword',
      CycleNextPhaseAt: 'Datetime',
    });
  });
});

describe('orderPlacedSchema', () => {
  test('accepts a complete order', () => {
    expect(orderPlacedSchema.parse(placed)).toEqual(placed);
  });

  test('accepts the minimum: no category, location or contact, no attachments', () => {
    const { categoryCode: _c, location: _l, sealedContact: _p, ...minimal } = placed;
    expect(issuesOf({ ...minimal, attachments: [], channel: 'letter' })).toEqual([]);
  });

  test.each<[string, Partial<Record<keyof OrderPlaced, unknown>>, string]>([
    ['an order id that is not a uuid', { orderId: '42' }, 'orderId'],
    ['an unknown channel', { channel: 'fax' }, 'channel'],
    ['empty content', { content: '   ' }, 'content'],
    ['content over 4000 characters', { content: '点'.repeat(4001) }, 'content'],
    ['an unknown priority', { priority: 'high' }, 'priority'],
    ['a tracking code with a bad check character', { trackingCode: 'DD-2345-6789' }, 'trackingCode'],
    ['a time without offset', { placedAt: '2026-02-13 16:30' }, 'placedAt'],
    ['a wrong type', { type: 'order.dispatched' }, 'type'],
  ])('rejects %s', (_name, patch, path) => {
    expect(issuesOf({ ...placed, ...patch })).toContain(path);
  });

  test('rejects a contact that is not sealed, a latitude off the globe and a negative attachment size', () => {
    expect(issuesOf({ ...placed, sealedContact: '王女士 13800000000' })).toEqual(['sealedContact']);
    expect(issuesOf({ ...placed, location: { lat: 91 } })).toEqual(['location.lat']);
    expect(issuesOf({ ...placed, attachments: [{ id: 'a', fileName: 'x.pdf', contentType: 'application/pdf', size: -1 }] })).toEqual([
      'attachments.0.size',
    ]);
  });

  test.each([
    ['NUL', 'a\u0000b'],
    ['a lone high surrogate', 'a\uD800b'],
    ['a lone low surrogate', 'a\uDC00b'],
    ['a right-to-left override', 'a\u202Eb'],
    ['a right-to-left mark', 'a\u200Fb'],
  ])('refuses text with %s (it could not be stored downstream)', (_name, content) => {
    expect(issuesOf({ ...placed, content })).toEqual(['content']);
    expect(issuesOf({ ...placed, location: { address: content } })).toEqual(['location.address']);
  });

  test('emoji and CJK extension characters pass', () => {
    expect(issuesOf({ ...placed, content: '路灯坏了 😡🙏 𠮷野家门口' })).toEqual([]);
  });

  test('content of exactly 4000 characters is fine', () => {
    expect(issuesOf({ ...placed, content: '点'.repeat(4000) })).toEqual([]);
  });
});

describe('lifecycle events', () => {
  const stamp = {
    orderId: ORDER_ID,
    nextSeq: 4,
    at: new Date('2026-02-13T08:45:00Z'),
    actor: { role: 'unit_handler' as const, id: 'h-1', unitId: 'comm-a1' },
  };
  const events = stampEvents(
    [
      { type: 'order.returned', status: 'placed', level: 'community', data: { reason: 'not ours', fromUnitId: 'comm-a1', bounces: 3 } },
      { type: 'order.buck_passing_flagged', status: 'placed', level: 'community', data: { patterns: ['returns'], returns: 3 } },
    ],
    stamp,
  );

  test('stamping numbers drafts and derives stable event ids', () => {
    expect(events.map((e) => [e.eventId, e.seq])).toEqual([
      [`order-${ORDER_ID}#4`, 4],
      [`order-${ORDER_ID}#5`, 5],
    ]);
    expect(events[0]).toMatchObject({ at: '2026-02-13T08:45:00.000Z', actor: stamp.actor, status: 'placed', level: 'community' });
  });

  test('stamped events pass the schema', () => {
    for (const event of events) expect(lifecycleEventSchema.parse(event)).toEqual(event);
  });

  test('an event id that does not match <workflowId>#<seq> is refused', () => {
    const result = lifecycleEventSchema.safeParse({ ...events[0], eventId: `order-${ORDER_ID}#99` });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['eventId']);
  });

  test('seq starts at 1; unknown types, statuses and roles are refused', () => {
    const base = events[0];
    expect(lifecycleEventSchema.safeParse({ ...base, seq: 0, eventId: `order-${ORDER_ID}#0` }).success).toBe(false);
    expect(lifecycleEventSchema.safeParse({ ...base, type: 'order.exploded' }).success).toBe(false);
    expect(lifecycleEventSchema.safeParse({ ...base, status: 'resolvedish' }).success).toBe(false);
    expect(lifecycleEventSchema.safeParse({ ...base, actor: { role: 'mayor' } }).success).toBe(false);
  });

  test('a payload that does not fit its type is refused, naming the field', () => {
    const result = lifecycleEventSchema.safeParse({ ...events[0], data: { reason: 'not ours', bounces: 'three' } });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['data.bounces', 'data.fromUnitId']));
  });

  test('the running deadline is a field of the envelope: an object, null (cleared) or absent (unchanged)', () => {
    const deadline = { stage: 'accept', dueAt: '2026-02-14T08:45:00.000Z', warnAt: '2026-02-14T06:00:00.000Z', overdue: false } as const;
    expect(lifecycleEventSchema.safeParse({ ...events[0], deadline }).success).toBe(true);
    expect(lifecycleEventSchema.safeParse({ ...events[0], deadline: null }).success).toBe(true);
    expect(lifecycleEventSchema.safeParse({ ...events[0], deadline: { ...deadline, stage: 'lunch' } }).success).toBe(false);
  });

  test('every lifecycle type of the design is known', () => {
    expect(LIFECYCLE_EVENT_TYPES).toHaveLength(23);
    expect(LIFECYCLE_EVENT_TYPES).toContain('order.callback_flagged');
  });
});

describe('decisions produce publishable events', () => {
  test('every event of a full lifecycle with a reopen passes the schema, numbered without gaps', () => {
    const steps: [Command, Actor][] = [
      [{ type: 'dispatch', unitId: 'comm-a1' }, actors.dispatcher],
      [{ type: 'return', reason: 'not ours' }, actors.handler('comm-a1')],
      [{ type: 'dispatch', unitId: 'comm-a2' }, actors.dispatcher],
      [{ type: 'deadlinePassed', stage: 'accept' }, actors.system],
      [{ type: 'accept' }, actors.handler('street-a')],
      [{ type: 'opinion', opinion: 'street will coordinate' }, actors.handler('street-a')],
      [{ type: 'resolve', result: 'done' }, actors.handler('street-a')],
      [{ type: 'rate', rating: 'dissatisfied' }, actors.resident],
      [{ type: 'accept' }, actors.handler('fed')],
      [{ type: 'opinion', opinion: 'federation coordinates' }, actors.handler('fed')],
      [{ type: 'resolve', result: 'done properly' }, actors.handler('fed')],
      [{ type: 'deadlinePassed', stage: 'rating' }, actors.system],
    ];
    let order = newOrder();
    const published: LifecycleEvent[] = [];
    for (const [command, actor] of steps) {
      const result = decide(order, command, actor, CONTEXT);
      if (!result.ok) throw new Error(result.error.reason);
      published.push(
        ...stampEvents(result.value.events, {
          orderId: ORDER_ID,
          nextSeq: published.length + 1,
          at: new Date('2026-02-13T08:45:00Z'),
          actor,
        }),
      );
      order = result.value.order;
    }
    for (const event of published) expect(lifecycleEventSchema.safeParse(event).error?.issues).toBeUndefined();
    expect(published.map((e) => e.seq)).toEqual(published.map((_, i) => i + 1));
    expect(published.at(-1)).toMatchObject({ type: 'order.callback_flagged', status: 'closed', unitId: 'fed', level: 'district' });
  });
});
