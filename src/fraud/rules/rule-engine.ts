import type { FraudRulesConfig } from '../fraud-rules.config';
import type { FraudDecision, FraudReason, RuleContext } from '../fraud.types';
import { AmountAnomalyRule } from './amount-anomaly.rule';
import { CardTestingRule } from './card-testing.rule';
import { FirstUseLargeAmountRule } from './first-use.rule';
import type { FraudRule } from './fraud-rule';
import { HoppingRule } from './hopping.rule';
import { ListsRule } from './lists.rule';
import { VelocityRule } from './velocity.rule';

export const ALL_RULES: FraudRule[] = [
  new ListsRule(),
  new VelocityRule(),
  new CardTestingRule(),
  new AmountAnomalyRule(),
  new HoppingRule(),
  new FirstUseLargeAmountRule(),
] as FraudRule[];

export interface RuleVerdict {
  score: number;
  decision: FraudDecision;
  reasons: FraudReason[];
}

/** Runs every enabled rule; the score is the sum of the fired weights capped at 100. */
export function evaluateRules(context: RuleContext, config: FraudRulesConfig, rules: FraudRule[] = ALL_RULES): RuleVerdict {
  const reasons: FraudReason[] = [];
  for (const rule of rules) {
    const ruleConfig = config.rules[rule.key];
    if (!ruleConfig.enabled) continue;
    const reason = rule.evaluate(context, ruleConfig as never);
    if (reason) reasons.push(reason);
  }
  reasons.sort((a, b) => b.weight - a.weight);
  const score = Math.min(100, reasons.reduce((sum, reason) => sum + reason.weight, 0));
  return { score, decision: decide(score, config), reasons };
}

export function decide(score: number, config: FraudRulesConfig): FraudDecision {
  if (score >= config.decision.blockAt) return 'block';
  if (score >= config.decision.reviewAt) return 'review';
  return 'allow';
}
