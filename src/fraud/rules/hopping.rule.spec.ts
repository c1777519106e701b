import { ruleContext } from './features.fixture';
import { HoppingRule } from './hopping.rule';

describe('HoppingRule', () => {
  const rule = new HoppingRule();
  const config = { enabled: true, weight: 50, windowSeconds: 600, maxTerminals: 3, maxMerchants: 3 };

  it('passes when this terminal makes exactly maxTerminals', () => {
    expect(rule.evaluate(ruleContext({ recentTerminals: ['a', 'b'] }, { terminalId: 'c' }), config)).toBeUndefined();
  });

  it('fires when this terminal makes maxTerminals + 1', () => {
    const reason = rule.evaluate(ruleContext({ recentTerminals: ['a', 'b', 'c'] }, { terminalId: 'd' }), config);
    expect(reason).toEqual({ rule: 'terminal_hopping', weight: 50, detail: '4 distinct terminals within 10 min (limit 3)' });
  });

  it('does not count the current terminal twice', () => {
    expect(rule.evaluate(ruleContext({ recentTerminals: ['a', 'b', 'c'] }, { terminalId: 'c' }), config)).toBeUndefined();
  });

  it('passes at exactly maxMerchants and fires one above', () => {
    expect(rule.evaluate(ruleContext({ recentMerchants: ['x', 'y'] }, { merchantId: 'z' }), config)).toBeUndefined();
    expect(rule.evaluate(ruleContext({ recentMerchants: ['x', 'y', 'z'] }, { merchantId: 'w' }), config)?.detail).toBe(
      '4 distinct merchants within 10 min (limit 3)',
    );
  });
});
