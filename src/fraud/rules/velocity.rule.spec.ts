import { DEFAULT_RULES } from '../fraud-rules.config';
import { ruleContext } from './features.fixture';
import { VelocityRule } from './velocity.rule';

describe('VelocityRule', () => {
  const rule = new VelocityRule();
  const config = { enabled: true, weight: 80, maxPerMinute: 3, maxPerHour: 20 };

  it('passes the payment that reaches exactly maxPerMinute', () => {
    expect(rule.evaluate(ruleContext({ cardApprovedLastMinute: 2, cardApprovedLastHour: 2 }), config)).toBeUndefined();
  });

  it('fires on the payment one past maxPerMinute, with the weight and the count', () => {
    const reason = rule.evaluate(ruleContext({ cardApprovedLastMinute: 3, cardApprovedLastHour: 3 }), config);
    expect(reason).toEqual({ rule: 'velocity', weight: 80, detail: expect.stringContaining('4 payments of this card within 60 s (limit 3)') });
  });

  it('passes the payment that reaches exactly maxPerHour', () => {
    expect(rule.evaluate(ruleContext({ cardApprovedLastMinute: 0, cardApprovedLastHour: 19 }), config)).toBeUndefined();
  });

  it('fires on the payment one past maxPerHour', () => {
    const reason = rule.evaluate(ruleContext({ cardApprovedLastMinute: 0, cardApprovedLastHour: 20 }), config);
    expect(reason?.detail).toContain('21 payments of this card within 1 h (limit 20)');
  });

  it('passes a card with no history under the defaults', () => {
    expect(rule.evaluate(ruleContext(), DEFAULT_RULES.rules.velocity)).toBeUndefined();
  });
});
