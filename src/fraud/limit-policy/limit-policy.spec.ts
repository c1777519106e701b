import { DEFAULT_LIMIT_POLICY, effectiveLimits, limitShare } from './limit-policy';

describe('dynamic limit policy', () => {
  const policy = { ...DEFAULT_LIMIT_POLICY, enabled: true, startPercent: 30, fullAfterSettledPayments: 10, elevatedScore: 65, elevatedForHours: 24 };
  const now = Date.UTC(2026, 11, 1);

  it('starts a new card at startPercent and ramps evenly to all of its limits', () => {
    expect(limitShare(policy, { settled: 0 }, now)).toBeCloseTo(0.3);
    expect(limitShare(policy, { settled: 5 }, now)).toBeCloseTo(0.65);
    expect(limitShare(policy, { settled: 50 }, now)).toBe(1);
    expect(limitShare({ ...policy, enabled: false }, { settled: 0 }, now)).toBe(1);
  });

  it('drops a card with a recent elevated score back to startPercent, for elevatedForHours', () => {
    expect(limitShare(policy, { settled: 50, elevatedAt: now - 3_600_000 }, now)).toBeCloseTo(0.3);
    expect(limitShare(policy, { settled: 50, elevatedAt: now - 25 * 3_600_000 }, now)).toBe(1);
  });

  it('scales both limits, never to nothing', () => {
    expect(effectiveLimits({ dailyLimit: 1_000, singleTransactionLimit: 3 }, 0.3)).toEqual({ dailyLimit: 300, singleTransactionLimit: 1, percent: 30 });
  });
});
