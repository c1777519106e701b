import type { VelocityRuleConfig } from '../fraud-rules.config';
import type { FraudReason, RuleContext } from '../fraud.types';
import type { FraudRule } from './fraud-rule';

/** Bursts: this payment would make more than maxPerMinute (60 s) or maxPerHour (3600 s) for the card. */
export class VelocityRule implements FraudRule<'velocity'> {
  readonly key = 'velocity' as const;
  readonly name = 'velocity' as const;

  evaluate({ features }: RuleContext, config: VelocityRuleConfig): FraudReason | undefined {
    const inMinute = features.cardApprovedLastMinute + 1;
    const inHour = features.cardApprovedLastHour + 1;
    if (inMinute > config.maxPerMinute) {
      return { rule: this.name, weight: config.weight, detail: `${inMinute} payments of this card within 60 s (limit ${config.maxPerMinute})` };
    }
    if (inHour > config.maxPerHour) {
      return { rule: this.name, weight: config.weight, detail: `${inHour} payments of this card within 1 h (limit ${config.maxPerHour})` };
    }
    return undefined;
  }
}
