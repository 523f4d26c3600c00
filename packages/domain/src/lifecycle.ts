// Lifecycle event identity and stamping, free of schema code: the serviceOrder workflow imports
// this (through ./rules) and its sandbox bundle stays small. The schemas live in ./events.
import type { EventDeadline, LifecycleData, LifecycleEvent } from './events';
import type { LifecycleEventType } from './names';
import type { Level } from './ladder';
import type { Actor, OrderStatus } from './order';

/** Starting the same order twice is then a no-op in Temporal rather than a second lifecycle. */
export const workflowIdFor = (orderId: string): string => `order-${orderId}`;

/** Stable across retries, so consumers can upsert by it. */
export const lifecycleEventId = (orderId: string, seq: number): string => `${workflowIdFor(orderId)}#${seq}`;

/** A lifecycle event as the domain decides it; the workflow stamps identity, time and actor. */
export type LifecycleEventDraftOf<T extends LifecycleEventType> = {
  readonly type: T;
  readonly status: OrderStatus;
  readonly level?: Level;
  readonly unitId?: string;
  readonly data: LifecycleData<T>;
};
export type LifecycleEventDraft = { [T in LifecycleEventType]: LifecycleEventDraftOf<T> }[LifecycleEventType];

/** Builds a draft whose payload is checked against its type's schema (at compile time). */
export const eventDraft = <T extends LifecycleEventType>(type: T, at: Omit<LifecycleEventDraftOf<T>, 'type' | 'data'>, data: LifecycleData<T>): LifecycleEventDraft =>
  ({ type, ...at, data }) as LifecycleEventDraft;

export type { EventDeadline };

/** Numbers drafts from `nextSeq` on; the workflow keeps `nextSeq` in its state. */
export function stampEvents(
  drafts: readonly LifecycleEventDraft[],
  stamp: { orderId: string; nextSeq: number; at: Date; actor: Actor },
): LifecycleEvent[] {
  const actor = {
    role: stamp.actor.role,
    ...(stamp.actor.id === undefined ? {} : { id: stamp.actor.id }),
    ...(stamp.actor.unitId === undefined ? {} : { unitId: stamp.actor.unitId }),
  };
  return drafts.map((draft, i) => ({
    eventId: lifecycleEventId(stamp.orderId, stamp.nextSeq + i),
    orderId: stamp.orderId,
    seq: stamp.nextSeq + i,
    type: draft.type,
    at: stamp.at.toISOString(),
    actor,
    status: draft.status,
    ...(draft.level === undefined ? {} : { level: draft.level }),
    ...(draft.unitId === undefined ? {} : { unitId: draft.unitId }),
    data: { ...draft.data },
  })) as LifecycleEvent[];
}
