export * from './contract';
export * from './projectContract';
export { createActivities, createDeadlineCalculator, type Activities, type ActivityDeps, type DeadlineAnswer } from './activities';
export { createProjectActivities, runBundling, type ProjectActivities, type ProjectActivityDeps } from './projectActivities';
export { ensureBundlingSchedule } from './schedule';
export * from './cycleContract';
export { createCycleActivities, type CycleActivities, type CycleActivityDeps } from './cycleActivities';
export { isFinishedWorkflowError, refusalOfFinishedOrder, type LateActionDeps } from './lateActions';
