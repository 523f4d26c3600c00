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
});
