import { buildUnitTree, decide, placeOrder, type Actor, type Command, type DecisionContext, type OrderSnapshot, type Unit } from '../src';

/** A small district: federation, one department, one mass organization, two streets. */
export const UNITS: Unit[] = [
  { id: 'fed', name: '区群团联合会', kind: 'district_federation', parentId: null, level: 'district' },
  { id: 'dept-civil', name: '区民政局', kind: 'district_department', parentId: 'fed', level: 'district' },
  { id: 'union', name: '区总工会', kind: 'mass_org', parentId: 'fed', level: 'district' },
  { id: 'street-a', name: '东街道', kind: 'street', parentId: 'fed', level: 'street' },
  { id: 'street-b', name: '西街道', kind: 'street', parentId: 'fed', level: 'street' },
  { id: 'sec-a-social', name: '东街道社会事务科', kind: 'street_section', parentId: 'street-a', level: 'street' },
  { id: 'sec-b-social', name: '西街道社会事务科', kind: 'street_section', parentId: 'street-b', level: 'street' },
  { id: 'comm-a1', name: '东一社区', kind: 'community', parentId: 'street-a', level: 'community' },
  { id: 'comm-a2', name: '东二社区', kind: 'community', parentId: 'street-a', level: 'community' },
  { id: 'comm-b1', name: '西一社区', kind: 'community', parentId: 'street-b', level: 'community' },
  { id: 'sc-a1', name: '东一社区服务中心', kind: 'service_center', parentId: 'comm-a1', level: 'community' },
];

export const TREE = buildUnitTree(UNITS);

export const CONTEXT: DecisionContext = {
  units: TREE,
  routing: { employment: { street: ['sec-a-social', 'sec-b-social'], district: 'dept-civil' } },
};

export const ORDER_ID = '3f1c2b9e-8d4a-4c1e-9a7b-2f6d5e4c3b2a';

export const actors = {
  resident: { role: 'resident' },
  operator: { role: 'operator', id: 'op-1' },
  dispatcher: { role: 'dispatcher', id: 'disp-1' },
  supervisor: { role: 'supervisor', id: 'sup-1' },
  evaluator: { role: 'evaluator', id: 'eval-1' },
  admin: { role: 'admin', id: 'admin-1' },
  system: { role: 'system' },
  handler: (unitId: string): Actor => ({ role: 'unit_handler', id: `h-${unitId}`, unitId }),
} as const satisfies Record<string, Actor | ((unitId: string) => Actor)>;

export const newOrder = (categoryCode?: string): OrderSnapshot =>
  placeOrder({ orderId: ORDER_ID, priority: 'normal', ...(categoryCode === undefined ? {} : { categoryCode }) });

/** Applies commands that must all succeed; fails the test with the rejection otherwise. */
export function apply(order: OrderSnapshot, ...steps: [Command, Actor][]): OrderSnapshot {
  return steps.reduce((current, [command, actor]) => {
    const result = decide(current, command, actor, CONTEXT);
    if (!result.ok) throw new Error(`${command.type} rejected: ${result.error.reason}`);
    return result.value.order;
  }, order);
}

export const dispatchedTo = (unitId: string, categoryCode?: string): OrderSnapshot =>
  apply(newOrder(categoryCode), [{ type: 'dispatch', unitId }, actors.dispatcher]);

export const inProgressAt = (unitId: string, categoryCode?: string): OrderSnapshot =>
  apply(
    dispatchedTo(unitId, categoryCode),
    [{ type: 'accept' }, actors.handler(unitId)],
    [{ type: 'opinion', opinion: 'will arrange a volunteer next week' }, actors.handler(unitId)],
  );

export const awaitingRatingAt = (unitId: string, categoryCode?: string): OrderSnapshot =>
  apply(inProgressAt(unitId, categoryCode), [{ type: 'resolve', result: 'volunteer visited on Tuesday' }, actors.handler(unitId)]);

/** A local China time, e.g. at('2026-02-13 16:30'). */
export const at = (local: string): Date => new Date(`${local.replace(' ', 'T')}:00+08:00`);
