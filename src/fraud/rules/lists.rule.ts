import type { ListsRuleConfig } from '../fraud-rules.config';
import type { FraudReason, RuleContext } from '../fraud.types';
import type { FraudRule } from './fraud-rule';

/** Admin-managed block lists of cards, terminals and merchants. */
export class ListsRule implements FraudRule<'lists'> {
  readonly key = 'lists' as const;
  readonly name = 'blocklist' as const;

  evaluate({ input, features }: RuleContext, config: ListsRuleConfig): FraudReason | undefined {
    const hits = [
      features.listed.card && `card ${input.cardUuid}`,
      features.listed.terminal && `terminal ${input.terminalId}`,
      features.listed.merchant && `merchant ${input.merchantId}`,
    ].filter(Boolean);
    if (!hits.length) return undefined;
    return { rule: this.name, weight: config.weight, detail: `blocked ${hits.join(', ')}` };
  }
}
