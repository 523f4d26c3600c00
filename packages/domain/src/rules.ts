// The rules the serviceOrder workflow needs, without schemas, calendar data or anything else that
// would weigh down its sandbox (every workflow run gets the bundle). Import as @diandan/domain/rules.
export * from './result';
export * from './ladder';
export * from './buckPassing';
export * from './order';
export * from './decide';
export * from './lifecycle';
export type { LifecycleEvent, LifecycleData, EventDeadline } from './events';
export * from './names';
export * from './text';
export * from './projects/project';
export type { ProjectEvent, ProjectEventType, ProjectEventData } from './projects/events';
export * from './cycles/cycle';
export type { CycleEvent, CycleEventType, CycleEventData, CycleEventOf } from './cycles/events';
