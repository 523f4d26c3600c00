import { eventually } from '@diandan/testkit';

describe('eventually', () => {
  it('eventually.valueCheck: answers the first value that is not undefined, null or false', async () => {
    let calls = 0;
    const value = await eventually('the third call', () => (++calls >= 3 ? calls : undefined), { intervalMs: 1 });
    expect(value).toBe(3);
  });

  it('eventually.timeoutCheck: names what it waited for and what it saw last', async () => {
    await expect(eventually('a value that never comes', () => false, { timeoutMs: 30, intervalMs: 5, lastSeen: () => 'still nothing' })).rejects.toThrow(
      /waiting for a value that never comes; still nothing/,
    );
  });
});
