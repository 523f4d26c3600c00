// The projector against the real PostgreSQL and Kafka: idempotent by event id, ordered by seq,
// and nothing lost or doubled when a consumer dies between the database commit and the offset commit.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { buildUnitTree, decide, lifecycleEventId, placeOrder, stampEvents, type Command, type LifecycleEvent, type OrderSnapshot, type Actor } from '@diandan/domain';
import { createProducer, publish, type PrismaClient } from '@diandan/platform';
import { DEMO_UNITS } from '../../../infra/seed/district';
import { projectEvent, projectEvents, startProjector } from '../src/projector';
import { freshTopics, kafkaFor, logger, seedOnce, testPrisma, unique, waitFor } from '@diandan/testkit/dispatch';

const units = buildUnitTree(DEMO_UNITS);
const dispatcher: Actor = { role: 'dispatcher', id: 'd1' };
const handler = (unitId: string): Actor => ({ role: 'unit_handler', id: 'h1', unitId });

/** A realistic history made by the domain itself: placed, dispatched, returned, re-dispatched, accepted, opinion, escalated. */
function history(orderId = randomUUID()): LifecycleEvent[] {
  const placedAt = new Date('2026-03-02T01:00:00Z');
  const events: LifecycleEvent[] = [
    {
      eventId: lifecycleEventId(orderId, 1),
      orderId,
      seq: 1,
      type: 'order.placed',
      at: placedAt.toISOString(),
      actor: { role: 'resident' },
      status: 'placed',
      data: { trackingCode: `JB${orderId.slice(0, 8)}`, channel: 'hotline', content: '想请工会帮忙代购春节返乡火车票', priority: 'normal', placedAt: placedAt.toISOString(), categoryCode: 'train-tickets', address: '观音桥步行街 1 号', secretHash: 'ab'.repeat(32) },
    },
  ];
  let order: OrderSnapshot = placeOrder({ orderId, priority: 'normal', categoryCode: 'train-tickets' });
  const steps: [Command, Actor][] = [
    [{ type: 'dispatch', unitId: 'jianxin-north' }, dispatcher],
    [{ type: 'return', reason: '不属于本社区' }, handler('jianxin-north')],
    [{ type: 'dispatch', unitId: 'huaxincun' }, dispatcher],
    [{ type: 'accept' }, handler('huaxincun')],
    [{ type: 'opinion', opinion: '联系火车站代售点' }, handler('huaxincun')],
    [{ type: 'escalate', reason: '需街道协调' }, handler('huaxincun')],
  ];
  for (const [i, [command, actor]] of steps.entries()) {
    const decision = decide(order, command, actor, { units });
    if (!decision.ok) throw new Error(decision.error.reason);
    order = decision.value.order;
    events.push(...stampEvents(decision.value.events, { orderId, nextSeq: events.length + 1, at: new Date(placedAt.getTime() + (i + 1) * 3_600_000), actor }));
  }
  events[events.length - 1] = { ...events[events.length - 1]!, deadline: { stage: 'accept', dueAt: '2026-03-03T02:00:00.000Z', warnAt: '2026-03-03T01:00:00.000Z', overdue: false } };
  return events;
}

const rowOf = async (prisma: PrismaClient, orderId: string) => {
  const row = await prisma.order.findUnique({ where: { id: orderId } });
  if (!row) return null;
  const { updatedAt: _updatedAt, ...rest } = row;
  return rest;
};
const timelineOf = (prisma: PrismaClient, orderId: string) =>
  prisma.orderEvent.findMany({ where: { orderId }, orderBy: { seq: 'asc' }, select: { id: true, seq: true, type: true } });

let prisma: PrismaClient;
beforeAll(async () => {
  prisma = testPrisma();
  await seedOnce(prisma);
});
afterAll(() => prisma.$disconnect());

describe('projectEvent', () => {
  it('inOrder.stateCheck: the row follows the history and the timeline has every event', async () => {
    const events = history();
    const orderId = events[0]!.orderId;
    for (const event of events) await projectEvent(prisma, event);
    const row = await rowOf(prisma, orderId);
    expect(row).toMatchObject({
      trackingCode: `JB${orderId.slice(0, 8)}`,
      channel: 'hotline',
      categoryCode: 'train-tickets',
      status: 'dispatched',
      level: 'street',
      unitId: 'guanyinqiao',
      bounces: 1,
      escalations: 1,
      lastSeq: events.length,
      address: '观音桥步行街 1 号',
      secretHash: 'ab'.repeat(32),
      deadlineAt: new Date('2026-03-03T02:00:00.000Z'),
    });
    expect(row?.dispatchedAt).toEqual(new Date(events.find((e) => e.type === 'order.dispatched')!.at));
    expect(row?.acceptedAt).not.toBeNull();
    expect((await timelineOf(prisma, orderId)).map((e) => e.seq)).toEqual(events.map((e) => e.seq));
  });

  it('duplicate.stateCheck: the same event twice changes nothing', async () => {
    const events = history();
    const orderId = events[0]!.orderId;
    for (const event of events.slice(0, 3)) await projectEvent(prisma, event);
    const before = await rowOf(prisma, orderId);
    expect(await projectEvent(prisma, events[2]!)).toBe('duplicate');
    expect(await projectEvent(prisma, events[0]!)).toBe('duplicate');
    expect(await rowOf(prisma, orderId)).toEqual(before);
    expect(await timelineOf(prisma, orderId)).toHaveLength(3);
  });

  it('outOfOrder.stateCheck: seq 3 before seq 2 does not corrupt the row; the late event still joins the timeline', async () => {
    const events = history();
    const orderId = events[0]!.orderId;
    expect(await projectEvent(prisma, events[0]!)).toBe('applied');
    expect(await projectEvent(prisma, events[2]!)).toBe('applied'); // returned: back in the queue
    expect(await projectEvent(prisma, events[1]!)).toBe('appended'); // dispatched, late
    const row = await rowOf(prisma, orderId);
    expect(row).toMatchObject({ status: 'placed', unitId: null, lastSeq: 3, bounces: 1 });
    expect(row?.dispatchedAt).toEqual(new Date(events[1]!.at));
    expect((await timelineOf(prisma, orderId)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('placedLate.stateCheck: a later event first makes a provisional row that order.placed completes', async () => {
    const events = history();
    const orderId = events[0]!.orderId;
    await projectEvent(prisma, events[1]!);
    expect(await rowOf(prisma, orderId)).toMatchObject({ status: 'dispatched', unitId: 'jianxin-north', trackingCode: `pending:${orderId}` });
    await projectEvent(prisma, events[0]!);
    expect(await rowOf(prisma, orderId)).toMatchObject({ status: 'dispatched', unitId: 'jianxin-north', trackingCode: `JB${orderId.slice(0, 8)}`, content: expect.stringContaining('火车票'), lastSeq: 2 });
  });

  it('anyDeliveryOrder.stateCheck: every permutation with duplicates ends in the in-order row', async () => {
    const reference = history();
    for (const event of reference) await projectEvent(prisma, event);
    const expected = await rowOf(prisma, reference[0]!.orderId);
    const n = reference.length;
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }), fc.array(fc.nat(n - 1), { maxLength: 4 }), async (order, repeats) => {
        const events = history();
        const orderId = events[0]!.orderId;
        for (const i of [...order, ...repeats]) await projectEvent(prisma, events[i]!);
        const row = await rowOf(prisma, orderId);
        expect({ ...row, id: 'x', publicRef: 'x', trackingCode: 'x' }).toEqual({ ...expected, id: 'x', publicRef: 'x', trackingCode: 'x' });
        expect(await timelineOf(prisma, orderId)).toHaveLength(n);
      }),
      { numRuns: 12 },
    );
  });
});

describe('projectEvents (one transaction per batch)', () => {
  it('batch.stateCheck: a batch of several orders’ events, with duplicates, gives the rows and timelines one event at a time gives', async () => {
    const [a, b] = [history(), history()];
    for (const event of a) await projectEvent(prisma, event);
    const expected = await rowOf(prisma, a[0]!.orderId);
    // b's events interleaved with a's again (all duplicates), and b's last event twice.
    const batch = b.flatMap((event, i) => [event, ...(a[i] ? [a[i]!] : [])]);
    const outcomes = await projectEvents(prisma, [...batch, b.at(-1)!]);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(a.length + 1);
    expect({ ...(await rowOf(prisma, b[0]!.orderId)), id: 'x', publicRef: 'x', trackingCode: 'x' }).toEqual({ ...expected, id: 'x', publicRef: 'x', trackingCode: 'x' });
    expect(await timelineOf(prisma, b[0]!.orderId)).toHaveLength(b.length);
  });
});

describe('projector consumer', () => {
  it('poisonInBatch.messageQueueCheck: an event the database refuses reaches the dead-letter topic; the rest of its batch is projected', async () => {
    const topics = await freshTopics('projector-batch');
    const kafka = kafkaFor('projector-batch');
    const groupId = unique('projector-batch-group');
    const events = history();
    const orderId = events[0]!.orderId;
    // Valid by the schema, impossible for the table (seq beyond a PostgreSQL integer): it aborts any transaction it is in.
    const seq = 2 ** 31;
    const poison: LifecycleEvent = { ...events[3]!, seq, eventId: lifecycleEventId(orderId, seq) };
    const producer = createProducer(kafka);
    await producer.connect();
    // One key, published before the projector starts: the events come in one fetch, the poison in their middle.
    await publish(producer, topics.lifecycle, [...events.slice(0, 4), poison, ...events.slice(4)].map((value) => ({ key: value.orderId, value })));
    await producer.disconnect();

    const projector = await startProjector({ kafka, prisma, logger, topic: topics.lifecycle, deadLetterTopic: topics.lifecycleDlq, groupId });
    const parked: string[] = [];
    const dlqReader = kafka.consumer({ groupId: unique('dlq-reader') });
    await dlqReader.connect();
    await dlqReader.subscribe({ topic: topics.lifecycleDlq, fromBeginning: true });
    await dlqReader.run({ eachMessage: async ({ message }) => void parked.push(String(message.headers?.['event-id'] ?? JSON.parse(String(message.value)).eventId)) });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor('the poison parked and every offset committed', async () => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topics.lifecycle] });
        const committed = offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
        return parked.length === 1 && committed === events.length + 1;
      });
    } finally {
      await admin.disconnect();
      await dlqReader.disconnect();
      await projector.stop();
    }
    expect(parked).toEqual([poison.eventId]);
    expect((await timelineOf(prisma, orderId)).map((e) => e.id)).toEqual(events.map((e) => e.eventId));
    expect((await rowOf(prisma, orderId))?.lastSeq).toBe(events.length);
  }, 60_000);

  it('crashBeforeOffsetCommit.messageQueueCheck: a consumer dying after the DB commit loses and duplicates nothing', async () => {
    const topics = await freshTopics('projector');
    const kafka = kafkaFor('projector');
    const groupId = unique('projector-group');
    const events = history();
    const orderId = events[0]!.orderId;
    const producer = createProducer(kafka);
    await producer.connect();
    await publish(producer, topics.lifecycle, events.map((value) => ({ key: value.orderId, value })));
    await producer.disconnect();

    // First consumer: projects every event, then "dies" without committing a single offset.
    const doomed = kafka.consumer({ groupId });
    await doomed.connect();
    await doomed.subscribe({ topic: topics.lifecycle, fromBeginning: true });
    let projected = 0;
    await doomed.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        await projectEvent(prisma, JSON.parse(message.value!.toString()) as LifecycleEvent);
        projected++;
      },
    });
    await waitFor('first consumer to project every event', async () => projected === events.length);
    await doomed.disconnect();
    const afterCrash = await rowOf(prisma, orderId);
    expect(afterCrash?.lastSeq).toBe(events.length);

    // The next member of the group gets the same messages again: all duplicates, all committed.
    const seen: string[] = [];
    const projector = await startProjector({ kafka, prisma, logger, topic: topics.lifecycle, deadLetterTopic: topics.lifecycleDlq, groupId });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor('offsets committed by the restarted projector', async () => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topics.lifecycle] });
        const committed = offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
        return committed === events.length;
      });
      seen.push(...(await timelineOf(prisma, orderId)).map((e) => e.id));
    } finally {
      await admin.disconnect();
      await projector.stop();
    }
    expect(seen).toEqual(events.map((e) => e.eventId));
    expect(await rowOf(prisma, orderId)).toEqual(afterCrash);
  });
});
