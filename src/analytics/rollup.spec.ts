import { cover, LEVEL_MS } from './buckets';
import { applyFact, binUpperMs, emptyMeasures, latencyBin, merge, percentile, safeKey, unsafeKey } from './rollup';

describe('rollup arithmetic', () => {
  it('reads percentiles by nearest rank as the upper bound of a 10% bin', () => {
    const latency: Record<string, number> = {};
    for (const ms of [100, 200, 300, 400, 5_000]) latency[latencyBin(ms)] = (latency[latencyBin(ms)] ?? 0) + 1;
    expect(percentile(latency, 0.5)).toBe(binUpperMs(latencyBin(300)));
    expect(percentile(latency, 0.95)).toBe(binUpperMs(latencyBin(5_000)));
    expect(percentile({}, 0.5)).toBeNull();
    for (const ms of [1, 2, 57, 999, 12_345, 3_600_000]) {
      expect(binUpperMs(latencyBin(ms))).toBeGreaterThanOrEqual(ms);
      expect(binUpperMs(latencyBin(ms))).toBeLessThanOrEqual(Math.ceil(ms * 1.1) + 1);
    }
  });

  it('merges buckets into the same figures as applying every fact to one', () => {
    const at = new Date();
    const facts = [
      { _id: 'a:accepted', kind: 'accepted' as const, merchantId: 'M', terminalId: 'T.1', amount: 100, at },
      { _id: 'a:completed', kind: 'completed' as const, merchantId: 'M', amount: 100, at, latencyMs: 250 },
      { _id: 'b:declined', kind: 'declined' as const, merchantId: 'M', terminalId: 'T.1', amount: 7, at, declineCode: 'card_blocked' },
      { _id: 'c:accepted', kind: 'accepted' as const, merchantId: 'M', terminalId: 'T2', amount: 40, at },
      { _id: 'c:failed', kind: 'failed' as const, merchantId: 'M', amount: 40, at },
      { _id: 'a:refund:r1', kind: 'refund' as const, merchantId: 'M', amount: 30, at },
    ];
    const whole = emptyMeasures();
    facts.forEach((f) => applyFact(whole, f));
    const [left, right] = [emptyMeasures(), emptyMeasures()];
    facts.forEach((f, i) => applyFact(i % 2 ? left : right, f));
    expect(merge(merge(emptyMeasures(), left), right)).toEqual(whole);
    expect(whole).toMatchObject({ count: 3, approved: 2, declined: 1, volume: 140, refundAmount: 30, failedAmount: 40, completedAmount: 100, declineReasons: { card_blocked: 1 } });
    expect(Object.keys(whole.terminals).map(unsafeKey).sort()).toEqual(['T.1', 'T2']);
    expect(safeKey('a.b$c%')).not.toMatch(/[.$]/);
  });

  it('tiles a range with whole days, hours and minutes', () => {
    const day = Date.UTC(2026, 11, 1);
    const from = day + 23 * LEVEL_MS.hour + 58 * LEVEL_MS.minute;
    const to = day + 3 * LEVEL_MS.day + 2 * LEVEL_MS.hour + 1 * LEVEL_MS.minute;
    const pieces = cover(from, to);
    expect(pieces.map((p) => p.level)).toEqual(['minute', 'minute', 'day', 'day', 'hour', 'hour', 'minute']);
    let t = from;
    for (const p of pieces) expect(p.start).toBe(t), (t += LEVEL_MS[p.level]);
    expect(t).toBe(to);
  });
});
