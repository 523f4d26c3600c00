// Orders for API tests: a stand-in serviceOrder workflow driven to a state, and the matching
// read-model row (no projector runs in these tests: the stand-in publishes nothing).
import { randomUUID } from 'node:crypto';
import { workflowIdFor, type Actor, type Command } from '@diandan/domain';
import type { PrismaClient } from '@diandan/platform';
import { actUpdate, SERVICE_ORDER_WORKFLOW, type ServiceOrderInput } from '@diandan/workflows';
import type { TemporalFixture } from './dispatch';

export const HOME_UNIT = 'jianxin-north'; // handler-jianxin's community
export type OrderState = 'placed' | 'dispatched' | 'accepted' | 'in_progress';

const dispatcher: Actor = { role: 'dispatcher', id: 'test-dispatcher' };
const homeHandler: Actor = { role: 'unit_handler', id: 'test-handler', unitId: HOME_UNIT };

export async function orderIn(temporal: TemporalFixture, prisma: PrismaClient, state: OrderState, options: { readRow?: boolean } = {}): Promise<string> {
  const orderId = randomUUID();
  const input: ServiceOrderInput = { orderId, trackingCode: `T-${orderId}`, channel: 'hotline', content: '小区路灯坏了三天', priority: 'normal', placedAt: new Date().toISOString() };
  const handle = await temporal.client.workflow.start(SERVICE_ORDER_WORKFLOW, { workflowId: workflowIdFor(orderId), taskQueue: temporal.taskQueue, args: [input] });
  const act = (command: Command, actor: Actor) => handle.executeUpdate(actUpdate, { args: [{ command, actor }] });
  if (state !== 'placed') await act({ type: 'dispatch', unitId: HOME_UNIT }, dispatcher);
  if (state === 'accepted' || state === 'in_progress') await act({ type: 'accept' }, homeHandler);
  if (state === 'in_progress') await act({ type: 'opinion', opinion: '已联系物业维修' }, homeHandler);
  if (options.readRow !== false) {
    const placed = state === 'placed';
    await prisma.order.create({
      data: { id: orderId, trackingCode: input.trackingCode, channel: input.channel, content: input.content, placedAt: new Date(input.placedAt), status: state, unitId: placed ? null : HOME_UNIT, level: placed ? null : 'community', lastSeq: 1 },
    });
  }
  return orderId;
}
