import { DEFAULT_RULES, mergeRules, rulesConfigProblem } from '../fraud-rules.config';
import { ruleContext } from './features.fixture';
import { decide, evaluateRules } from './rule-engine';

describe('evaluateRules', () => {
  it('allows a quiet payment with score 0 and no reasons', () => {
    expect(evaluateRules(ruleContext(), DEFAULT_RULES)).toEqual({ score: 0, decision: 'allow', reasons: [] });
  });

  it('decides at the thresholds: 49 allow, 50 review, 79 review, 80 block', () => {
    expect(decide(49, DEFAULT_RULES)).toBe('allow');
    expect(decide(50, DEFAULT_RULES)).toBe('review');
    expect(decide(79, DEFAULT_RULES)).toBe('review');
    expect(decide(80, DEFAULT_RULES)).toBe('block');
  });

  it('sums weights, caps at 100 and orders reasons by weight', () => {
    const verdict = evaluateRules(
      ruleContext({ cardApprovedLastMinute: 5, cardApprovedLastHour: 5, terminalSeenBefore: false }, { amount: 3_000_000 }),
      DEFAULT_RULES,
    );
    expect(verdict.reasons.map((r) => r.rule)).toEqual(['velocity', 'first_use_large_amount']);
    expect(verdict.score).toBe(100);
    expect(verdict.decision).toBe('block');
  });

  it('skips a disabled rule', () => {
    const config = mergeRules(DEFAULT_RULES, { rules: { velocity: { enabled: false } } });
    expect(evaluateRules(ruleContext({ cardApprovedLastMinute: 10, cardApprovedLastHour: 10 }), config).decision).toBe('allow');
  });

  it('merges a partial proposal without touching the base and checks threshold order', () => {
    const config = mergeRules(DEFAULT_RULES, { decision: { reviewAt: 90 }, rules: { velocity: { maxPerMinute: 1 } } });
    expect(config.rules.velocity).toEqual({ ...DEFAULT_RULES.rules.velocity, maxPerMinute: 1 });
    expect(DEFAULT_RULES.rules.velocity.maxPerMinute).toBe(3);
    expect(rulesConfigProblem(config)).toMatch(/reviewAt/);
    expect(rulesConfigProblem(DEFAULT_RULES)).toBeUndefined();
  });
});
