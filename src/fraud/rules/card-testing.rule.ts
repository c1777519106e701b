import type { CardTestingRuleConfig } from '../fraud-rules.config';
import type { FraudReason, RuleContext } from '../fraud.types';
import type { FraudRule } from './fraud-rule';

/**
 * Card testing: many declines for the card, many distinct cards declined at the terminal, or many
 * declined attempts by the caller, recently. Each counter holds only attempts its subject answers
 * for (see AssessmentInput.accountable).
 */
export class CardTestingRule implements FraudRule<'cardTesting'> {
  readonly key = 'cardTesting' as const;
  readonly name = 'card_testing' as const;

  evaluate({ features }: RuleContext, config: CardTestingRuleConfig): FraudReason | undefined {
    const minutes = Math.round(config.windowSeconds / 60);
    if (features.cardDeclines > config.maxCardDeclines) {
      return { rule: this.name, weight: config.weight, detail: `${features.cardDeclines} declines of this card within ${minutes} min (limit ${config.maxCardDeclines})` };
    }
    if (features.terminalDeclinedCards > config.maxTerminalDeclinedCards) {
      return {
        rule: this.name,
        weight: config.weight,
        detail: `${features.terminalDeclinedCards} distinct cards declined at this terminal within ${minutes} min (limit ${config.maxTerminalDeclinedCards})`,
      };
    }
    if (features.callerDeclines > config.maxCardDeclines) {
      return { rule: this.name, weight: config.weight, detail: `${features.callerDeclines} declined attempts by this caller within ${minutes} min (limit ${config.maxCardDeclines})` };
    }
    return undefined;
  }
}
