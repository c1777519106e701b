import { AmountAnomalyRule, median } from './amount-anomaly.rule';
import { ruleContext } from './features.fixture';

describe('AmountAnomalyRule', () => {
  const rule = new AmountAnomalyRule();
  const config = { enabled: true, weight: 50, multiplier: 5, minHistory: 5, historySize: 20 };
  const fiveAt10k = [10_000, 10_000, 10_000, 10_000, 10_000];

  it('needs minHistory earlier payments: 4 are not enough', () => {
    expect(rule.evaluate(ruleContext({ recentAmounts: fiveAt10k.slice(0, 4) }, { amount: 1_000_000 }), config)).toBeUndefined();
  });

  it('with exactly minHistory payments it judges', () => {
    expect(rule.evaluate(ruleContext({ recentAmounts: fiveAt10k }, { amount: 1_000_000 }), config)?.rule).toBe('amount_anomaly');
  });

  it('passes an amount of exactly multiplier × typical', () => {
    expect(rule.evaluate(ruleContext({ recentAmounts: fiveAt10k }, { amount: 50_000 }), config)).toBeUndefined();
  });

  it('fires one unit above multiplier × typical, naming the typical amount', () => {
    const reason = rule.evaluate(ruleContext({ recentAmounts: fiveAt10k }, { amount: 50_001 }), config);
    expect(reason).toEqual({ rule: 'amount_anomaly', weight: 50, detail: expect.stringContaining('typical 10000') });
  });

  it('uses only the newest historySize amounts', () => {
    const history = [...fiveAt10k, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000];
    expect(rule.evaluate(ruleContext({ recentAmounts: history }, { amount: 60_000 }), { ...config, historySize: 5 })?.rule).toBe('amount_anomaly');
    expect(rule.evaluate(ruleContext({ recentAmounts: history }, { amount: 60_000 }), config)).toBeUndefined();
  });

  it('never fires without any history, even with minHistory 0', () => {
    expect(rule.evaluate(ruleContext({ recentAmounts: [] }, { amount: 1 }), { ...config, minHistory: 0 })).toBeUndefined();
  });

  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
