import { CardTestingRule } from './card-testing.rule';
import { ruleContext } from './features.fixture';

describe('CardTestingRule', () => {
  const rule = new CardTestingRule();
  const config = { enabled: true, weight: 80, windowSeconds: 600, maxCardDeclines: 3, maxTerminalDeclinedCards: 4 };

  it('passes a card with exactly maxCardDeclines declines', () => {
    expect(rule.evaluate(ruleContext({ cardDeclines: 3 }), config)).toBeUndefined();
  });

  it('fires on a card with maxCardDeclines + 1 declines', () => {
    expect(rule.evaluate(ruleContext({ cardDeclines: 4 }), config)).toEqual({
      rule: 'card_testing',
      weight: 80,
      detail: '4 declines of this card within 10 min (limit 3)',
    });
  });

  it('passes a terminal with exactly maxTerminalDeclinedCards declined cards', () => {
    expect(rule.evaluate(ruleContext({ terminalDeclinedCards: 4 }), config)).toBeUndefined();
  });

  it('fires at a terminal with maxTerminalDeclinedCards + 1 declined cards', () => {
    expect(rule.evaluate(ruleContext({ terminalDeclinedCards: 5 }), config)?.detail).toBe('5 distinct cards declined at this terminal within 10 min (limit 4)');
  });

  it('fires on a caller with maxCardDeclines + 1 declined attempts, whatever cards it named', () => {
    expect(rule.evaluate(ruleContext({ callerDeclines: 3 }), config)).toBeUndefined();
    expect(rule.evaluate(ruleContext({ callerDeclines: 4 }), config)?.detail).toBe('4 declined attempts by this caller within 10 min (limit 3)');
  });
});
