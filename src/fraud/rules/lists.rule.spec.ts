import { ruleContext } from './features.fixture';
import { ListsRule } from './lists.rule';

describe('ListsRule', () => {
  const rule = new ListsRule();
  const config = { enabled: true, weight: 100 };
  const none = { card: false, terminal: false, merchant: false };

  it('passes when nothing is listed', () => {
    expect(rule.evaluate(ruleContext({ listed: none }), config)).toBeUndefined();
  });

  it.each([
    ['card', 'card card-1'],
    ['terminal', 'terminal t-1'],
    ['merchant', 'merchant m-1'],
  ] as const)('fires for a listed %s', (type, text) => {
    const reason = rule.evaluate(ruleContext({ listed: { ...none, [type]: true } }), config);
    expect(reason).toEqual({ rule: 'blocklist', weight: 100, detail: `blocked ${text}` });
  });

  it('names every listed entry at once', () => {
    expect(rule.evaluate(ruleContext({ listed: { card: true, terminal: true, merchant: false } }), config)?.detail).toBe('blocked card card-1, terminal t-1');
  });
});
