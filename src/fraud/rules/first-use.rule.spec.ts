import { ruleContext } from './features.fixture';
import { FirstUseLargeAmountRule } from './first-use.rule';

describe('FirstUseLargeAmountRule', () => {
  const rule = new FirstUseLargeAmountRule();
  const config = { enabled: true, weight: 30, minAmount: 2_000_000 };

  it('passes a first use just under minAmount', () => {
    expect(rule.evaluate(ruleContext({ terminalSeenBefore: false }, { amount: 1_999_999 }), config)).toBeUndefined();
  });

  it('fires on a first use of exactly minAmount', () => {
    expect(rule.evaluate(ruleContext({ terminalSeenBefore: false }, { amount: 2_000_000 }), config)).toEqual({
      rule: 'first_use_large_amount',
      weight: 30,
      detail: expect.stringContaining('first payment of this card at terminal t-1'),
    });
  });

  it('passes a large amount at a terminal the card used before', () => {
    expect(rule.evaluate(ruleContext({ terminalSeenBefore: true }, { amount: 9_000_000 }), config)).toBeUndefined();
  });
});
