import type { AmountAnomalyRuleConfig } from '../fraud-rules.config';
import type { FraudReason, RuleContext } from '../fraud.types';
import type { FraudRule } from './fraud-rule';

/** Far above the card's typical amount: amount > multiplier × median of its recent approved amounts. */
export class AmountAnomalyRule implements FraudRule<'amountAnomaly'> {
  readonly key = 'amountAnomaly' as const;
  readonly name = 'amount_anomaly' as const;

  evaluate({ input, features }: RuleContext, config: AmountAnomalyRuleConfig): FraudReason | undefined {
    const history = features.recentAmounts.slice(0, config.historySize);
    if (history.length < config.minHistory || history.length === 0) return undefined;
    const typical = median(history);
    if (input.amount <= typical * config.multiplier) return undefined;
    return {
      rule: this.name,
      weight: config.weight,
      detail: `amount ${input.amount} is more than ${config.multiplier}× the card's typical ${typical} (median of ${history.length})`,
    };
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
