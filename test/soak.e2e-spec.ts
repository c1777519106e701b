import { runSoak } from './load/soak';

/**
 * The short version of `npm run soak`: the whole system (two API processes, one worker, FerretDB,
 * Redis, sockets) under a steady trickle of taps while the worker is killed with SIGKILL and
 * restarted. Every invariant must hold; the figures are for the report, not asserted.
 */
describe('soak (short)', () => {
  it('loses nothing and charges nothing twice when the worker is killed mid-stream', async () => {
    const report = await runSoak({ scenario: 'kill-worker', rate: 10, seconds: 9, users: 6, log: () => undefined });
    expect(report.accepted).toBeGreaterThan(50);
    expect(report.invariants.filter((i) => !i.holds)).toEqual([]);
    expect(report.byStatus.completed).toBe(report.accepted);
  }, 180_000);
});
