import type { FirstUseRuleConfig } from '../fraud-rules.config';
import type { FraudReason, RuleContext } from '../fraud.types';
import type { FraudRule } from './fraud-rule';

/** The card's first payment at this terminal, for a large amount (≥ minAmount). */
export class FirstUseLargeAmountRule implements FraudRule<'firstUseLargeAmount'> {
  readonly key = 'firstUseLargeAmount' as const;
  readonly name = 'first_use_large_amount' as const;

  evaluate({ input, features }: RuleContext, config: FirstUseRuleConfig): FraudReason | undefined {
    if (features.terminalSeenBefore || input.amount < config.minAmount) return undefined;
    return { rule: this.name, weight: config.weight, detail: `first payment of this card at terminal ${input.terminalId} and amount ${input.amount} ≥ ${config.minAmount}` };
  }
}
