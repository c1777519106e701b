import type { FraudRulesConfig, RuleKey } from '../fraud-rules.config';
import type { FraudReason, RuleContext, RuleName } from '../fraud.types';

/**
 * One rule: a pure function of the features snapshot and its own thresholds. It answers the
 * reason it fires for (with the configured weight) or undefined. Enabling is the engine's job.
 */
export interface FraudRule<K extends RuleKey = RuleKey> {
  readonly key: K;
  readonly name: RuleName;
  evaluate(context: RuleContext, config: FraudRulesConfig['rules'][K]): FraudReason | undefined;
}
