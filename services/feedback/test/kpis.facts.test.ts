// The fold of lifecycle events into one order's KPI fact (pure; no server).
import { randomUUID } from 'node:crypto';
import { applyEvent, contributionOf, monthOf, rollupDeltas, type OrderFact } from '../src/kpis/facts';
import { dispatched, lifecycle } from '@diandan/testkit/feedback';

const fold = (events: ReturnType<typeof lifecycle>): OrderFact => events.reduce<OrderFact | null>((f, e) => applyEvent(f, e) ?? f, null)!;
const placedAt = new Date('2026-03-10T01:00:00Z');

describe('KPI facts', () => {
  it('facts.monthCheck: the month is China time (00:30 on 1 April is April)', () => {
    expect(monthOf(new Date('2026-03-31T16:30:00Z'))).toBe('2026-04');
    expect(monthOf(new Date('2026-03-31T15:59:59Z'))).toBe('2026-03');
  });

  it('facts.onTimeCheck: accepted before the accept deadline responds on time; after it, late', () => {
    const id = randomUUID();
    const onTime = fold(
      lifecycle(id, placedAt, 'c', [dispatched(10, 'u', placedAt), { type: 'order.accepted', after: 60, status: 'accepted', unitId: 'u' }]),
    );
    const late = fold(
      lifecycle(id, placedAt, 'c', [
        dispatched(10, 'u', placedAt),
        { type: 'order.accepted', after: 300, status: 'accepted', unitId: 'u' },
      ]),
    );
    expect(onTime).toMatchObject({ received: true, responded: true, respondedOnTime: true });
    expect(late).toMatchObject({ received: true, responded: true, respondedOnTime: false });
  });

  it('facts.queueTimeCheck: time in the dispatch queue is not held against the unit', () => {
    const fact = fold(
      lifecycle(randomUUID(), placedAt, 'c', [
        { type: 'order.supervisor_alerted', after: 130, status: 'placed', data: { stage: 'triage', reason: 'not dispatched in time' } },
        dispatched(200, 'u', placedAt),
        { type: 'order.accepted', after: 230, status: 'accepted', unitId: 'u' },
      ]),
    );
    expect(fact.respondedOnTime).toBe(true);
  });

  it('facts.escalationCheck: an accept deadline that escalated the order stays late for the next unit', () => {
    const fact = fold(
      lifecycle(randomUUID(), placedAt, 'c', [
        dispatched(10, 'u1', placedAt),
        {
          type: 'order.escalated',
          after: 250,
          status: 'dispatched',
          unitId: 'u2',
          data: { trigger: 'deadline', stage: 'accept', deadline: { stage: 'accept', dueAt: placedAt.toISOString() } },
        },
        { type: 'order.accepted', after: 260, status: 'accepted', unitId: 'u2' },
      ]),
    );
    expect(fact).toMatchObject({ unitId: 'u2', responded: true, respondedOnTime: false });
  });

  it('facts.reopenCheck: a reopened order is unresolved until resolved again; the last rating counts', () => {
    const events = lifecycle(randomUUID(), placedAt, 'c', [
      dispatched(10, 'u1', placedAt),
      { type: 'order.accepted', after: 20, status: 'accepted', unitId: 'u1' },
      { type: 'order.resolved', after: 30, status: 'awaiting_rating', unitId: 'u1', data: { result: 'r' } },
      { type: 'order.rated', after: 40, status: 'dispatched', unitId: 'u2', data: { rating: 'dissatisfied' } },
      { type: 'order.reopened', after: 40, status: 'dispatched', unitId: 'u2' },
    ]);
    const reopened = fold(events);
    expect(reopened).toMatchObject({ unitId: 'u2', resolved: false, rating: 'dissatisfied' });
  });

  it('facts.duplicateCheck: a redelivered event is recognised and changes nothing', () => {
    const events = lifecycle(randomUUID(), placedAt, 'c', [dispatched(10, 'u', placedAt)]);
    const fact = fold(events);
    expect(applyEvent(fact, events[0]!)).toBeNull();
    expect(applyEvent(fact, events[1]!)).toBeNull();
  });

  it('facts.deltaCheck: moving to another unit takes the contribution out of the old cell', () => {
    const events = lifecycle(randomUUID(), placedAt, 'c', [
      dispatched(10, 'u1', placedAt),
      { type: 'order.escalated', after: 20, status: 'dispatched', unitId: 'u2', data: {} },
    ]);
    const before = fold(events.slice(0, 2));
    const after = applyEvent(before, events[2]!)!;
    const deltas = rollupDeltas(before, after);
    expect(deltas.map((d) => [d.key.unitId, d.delta.placed, d.delta.received])).toEqual([
      ['u1', -1, -1],
      ['u2', 1, 1],
    ]);
    expect(contributionOf(null).placed).toBe(0);
  });

  it('facts.excludedCheck: a withdrawn order counts as placed only', () => {
    const fact = fold(
      lifecycle(randomUUID(), placedAt, 'c', [
        dispatched(10, 'u', placedAt),
        { type: 'order.withdrawn', after: 20, status: 'withdrawn', unitId: 'u' },
      ]),
    );
    expect(contributionOf(fact)).toMatchObject({ placed: 1, received: 0, respondedOnTime: 0, resolved: 0 });
  });

  describe('facts.stageAttribution: an order that crosses three units (docs/kpis.md, "Which unit")', () => {
    // Community c1 lets the accept clock run out → street s1 (escalated by deadline); s1 accepts,
    // gives its opinion, lets the resolve clock run out → district d1; d1 resolves; 满意.
    const crossing = () =>
      lifecycle(randomUUID(), placedAt, 'c', [
        dispatched(10, 'c1', placedAt),
        { type: 'order.escalated', after: 251, status: 'dispatched', unitId: 's1', level: 'street', data: { trigger: 'deadline', stage: 'accept', fromUnitId: 'c1', fromLevel: 'community', unitName: '街道', deadline: { stage: 'accept', dueAt: new Date(placedAt.getTime() + 491 * 60_000).toISOString() } } },
        { type: 'order.accepted', after: 300, status: 'accepted', unitId: 's1', level: 'street' },
        { type: 'order.opinion_given', after: 400, status: 'in_progress', unitId: 's1', level: 'street', data: { opinion: '协调中' } },
        { type: 'order.escalated', after: 6000, status: 'dispatched', unitId: 'd1', level: 'district', data: { trigger: 'deadline', stage: 'resolve', fromUnitId: 's1', fromLevel: 'street', unitName: '区' } },
        { type: 'order.accepted', after: 6010, status: 'accepted', unitId: 'd1', level: 'district' },
        { type: 'order.opinion_given', after: 6020, status: 'in_progress', unitId: 'd1', level: 'district', data: { opinion: '已协调' } },
        { type: 'order.resolved', after: 7000, status: 'awaiting_rating', unitId: 'd1', level: 'district', data: { result: '已解决' } },
        { type: 'order.rated', after: 7100, status: 'closed', unitId: 'd1', level: 'district', data: { rating: 'satisfied' } },
        { type: 'order.closed', after: 7100, status: 'closed', unitId: 'd1', level: 'district', data: { outcome: 'rated' } },
      ]);

    it('credits each stage to the unit that held it: late response to c1, failed result to s1, satisfaction to d1', () => {
      const fact = fold(crossing());
      expect(fact).toMatchObject({ unitId: 'd1', responseUnitId: 'c1', resolutionUnitId: 's1', satisfactionUnitId: 'd1', respondedOnTime: false, resolved: true });
      const cells = Object.fromEntries(rollupDeltas(null, fact).map((d) => [d.key.unitId, d.delta]));
      expect(cells).toEqual({
        c1: expect.objectContaining({ placed: 0, responseReceived: 1, respondedOnTime: 0, received: 0 }),
        s1: expect.objectContaining({ placed: 0, responseReceived: 0, received: 1, resolved: 0 }),
        d1: expect.objectContaining({ placed: 1, responseReceived: 0, received: 0, satisfied: 1 }),
      });
      // One order, counted once in every total.
      expect(contributionOf(fact)).toMatchObject({ placed: 1, responseReceived: 1, received: 1, respondedOnTime: 0, resolved: 0, satisfied: 1 });
    });

    it('moves nothing back as the order goes on: each decision is fixed when it is made', () => {
      const events = crossing();
      let fact: OrderFact | null = null;
      const seen: string[] = [];
      for (const event of events) {
        fact = applyEvent(fact, event) ?? fact;
        seen.push(`${fact!.responseUnitId}/${fact!.resolutionUnitId}`);
      }
      // Before the first escalation everything is c1's; then the response stays c1's, the result follows s1 until s1 fails.
      expect(seen).toEqual(['/', 'c1/c1', 'c1/s1', 'c1/s1', 'c1/s1', 'c1/s1', 'c1/s1', 'c1/s1', 'c1/s1', 'c1/s1', 'c1/s1']);
    });

    it('an order answered in time by the unit it was given to stays wholly that unit’s', () => {
      const fact = fold(
        lifecycle(randomUUID(), placedAt, 'c', [
          dispatched(10, 'c1', placedAt),
          { type: 'order.accepted', after: 60, status: 'accepted', unitId: 'c1' },
          { type: 'order.escalated', after: 90, status: 'dispatched', unitId: 's1', data: { trigger: 'manual', reason: '需街道协调', fromUnitId: 'c1' } },
          { type: 'order.accepted', after: 100, status: 'accepted', unitId: 's1' },
          { type: 'order.resolved', after: 900, status: 'awaiting_rating', unitId: 's1', data: { result: '已解决' } },
        ]),
      );
      // A manual escalation (asking the level above for help) is no failure: the result is s1's, the on-time response c1's.
      expect(fact).toMatchObject({ responseUnitId: 'c1', respondedOnTime: true, resolutionUnitId: 's1', resolutionFixed: false, resolved: true });
    });

    it('a return in the queue past the triage deadline is not held against the unit that returned it', () => {
      const fact = fold(
        lifecycle(randomUUID(), placedAt, 'c', [
          dispatched(10, 'c1', placedAt),
          { type: 'order.returned', after: 20, status: 'placed', data: { reason: '不属本社区', fromUnitId: 'c1', bounces: 1, deadline: { stage: 'triage', dueAt: new Date(placedAt.getTime() + 140 * 60_000).toISOString() } } },
          dispatched(400, 'c2', placedAt),
          { type: 'order.accepted', after: 420, status: 'accepted', unitId: 'c2' },
        ]),
      );
      expect(fact).toMatchObject({ responseUnitId: 'c2', respondedOnTime: true });
    });
  });
});
