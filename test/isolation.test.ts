// The end-of-run check of test/global-teardown.ts: it must name what a run left behind.
import { differences, testNamespaceFor, type PlatformSnapshot } from './isolation';

const before: PlatformSnapshot = { namespace: 'default', workflows: 16, topics: ['orders.placed'], groups: ['dispatch-projector'], rows: { Order: 16, OrderEvent: 80 } };

describe('the platform check at the end of npm test', () => {
  it('isolation.unchangedCheck: equal snapshots have no differences', () => {
    expect(differences(before, structuredClone(before))).toEqual([]);
  });

  it('isolation.traceCheck: workflows, topics, groups and rows a run left behind are each named', () => {
    const after: PlatformSnapshot = {
      ...before,
      workflows: 180,
      topics: ['orders.placed', 't1-intake-orders.placed'],
      groups: [],
      rows: { Order: 17, OrderEvent: 80 },
    };
    expect(differences(before, after)).toEqual([
      'workflows in namespace default: 16 before, 180 after',
      'topics added: t1-intake-orders.placed',
      'consumer groups removed: dispatch-projector',
      'rows of Order: 16 before, 17 after',
    ]);
  });

  it('isolation.namespaceCheck: the run namespace is named for the run, never the platform’s', () => {
    expect(testNamespaceFor('tabc')).toBe('diandan-test-tabc');
  });
});
