import type { HoppingRuleConfig } from '../fraud-rules.config';
import type { FraudReason, RuleContext } from '../fraud.types';
import type { FraudRule } from './fraud-rule';

/** Many distinct terminals or merchants for one card within a few minutes (this payment included). */
export class HoppingRule implements FraudRule<'hopping'> {
  readonly key = 'hopping' as const;
  readonly name = 'terminal_hopping' as const;

  evaluate({ input, features }: RuleContext, config: HoppingRuleConfig): FraudReason | undefined {
    const terminals = new Set([...features.recentTerminals, input.terminalId]).size;
    const merchants = new Set([...features.recentMerchants, input.merchantId]).size;
    const minutes = Math.round(config.windowSeconds / 60);
    if (terminals > config.maxTerminals) {
      return { rule: this.name, weight: config.weight, detail: `${terminals} distinct terminals within ${minutes} min (limit ${config.maxTerminals})` };
    }
    if (merchants > config.maxMerchants) {
      return { rule: this.name, weight: config.weight, detail: `${merchants} distinct merchants within ${minutes} min (limit ${config.maxMerchants})` };
    }
    return undefined;
  }
}
