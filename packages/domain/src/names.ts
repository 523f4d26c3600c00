// Names the whole platform shares, declared once and free of schema code (the workflow bundle
// imports them through ./rules). infra/local/env.sh and docker-compose.yml repeat the search
// attributes for the Temporal CLI; infra/test/compose.test.ts fails when they drift from these.

/**
 * The Kafka topics. Both order topics are keyed by order id, so one order's events stay in one
 * partition and arrive in order; a message that fails its schema is parked on the dead-letter topic.
 */
export const TOPICS = {
  placed: 'orders.placed',
  lifecycle: 'orders.lifecycle',
  placedDlq: 'orders.placed.dlq',
  lifecycleDlq: 'orders.lifecycle.dlq',
  /** Every change of a project (两个打包, the annual list), keyed by project id. */
  projects: 'projects.lifecycle',
  projectsDlq: 'projects.lifecycle.dlq',
  /** Every change of an annual cycle (phases, moved dates, decisions on proposals), keyed by cycle id. */
  cycles: 'cycles.lifecycle',
  cyclesDlq: 'cycles.lifecycle.dlq',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/**
 * Custom search attributes of the workflows (order: Order*, project: Project*, annual cycle:
 * Cycle*), with their Temporal index types. Never personal data.
 */
export const SEARCH_ATTRIBUTES = {
  OrderStatus: 'Keyword',
  OrderLevel: 'Keyword',
  OrderUnit: 'Keyword',
  OrderCategory: 'Keyword',
  OrderDeadline: 'Datetime',
  OrderOverdue: 'Bool',
  OrderBounces: 'Int',
  // Projects (两个打包, the annual list): found in the Web UI by `WorkflowType = 'project'`.
  ProjectStatus: 'Keyword',
  ProjectUnit: 'Keyword',
  ProjectOrigin: 'Keyword',
  ProjectDeadline: 'Datetime',
  ProjectOverdue: 'Bool',
  CycleOrganisation: 'Keyword',
  CycleYear: 'Int',
  CyclePhase: 'Keyword',
  CycleNextPhaseAt: 'Datetime',
} as const;
// Budget: the SQL visibility stores of the dev server and of the Temporal server on PostgreSQL
// hold at most 10 Keyword, 3 Datetime, 3 Bool and 3 Int custom attributes per namespace.
// In use: Keyword 9, Datetime 3 (full), Bool 2, Int 2.
export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;
export type SearchAttributeIndexType = (typeof SEARCH_ATTRIBUTES)[SearchAttributeName];

export const CHANNELS = ['hotline', 'letter', 'email', 'wechat', 'web', 'open311', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LIFECYCLE_EVENT_TYPES = [
  'order.placed',
  'order.answered',
  'order.dispatched',
  'order.accepted',
  'order.opinion_given',
  'order.resolved',
  'order.returned',
  'order.escalated',
  'order.urged',
  'order.rated',
  'order.reopened',
  'order.closed',
  'order.invalidated',
  'order.merged',
  'order.unmerged',
  'order.duplicate_linked',
  'order.duplicate_unlinked',
  'order.withdrawn',
  'order.buck_passing_flagged',
  'order.supervisor_alerted',
  'order.accountability_recorded',
  'order.callback_flagged',
  'order.bundled',
] as const;
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];
