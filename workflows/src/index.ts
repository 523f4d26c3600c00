export * from './contract';
export { createActivities, type Activities, type ActivityDeps } from './activities';
