import type { ModelRuleConfig } from '../fraud-rules.config';
import { type FraudAssessment, type FraudDecision, MODEL_RULE } from '../fraud.types';
import type { RuleVerdict } from '../rules/rule-engine';
import type { ModelScores } from './fraud-model.service';
import { riskLevelOf } from './scorer';

type ModelView = Pick<FraudAssessment, 'riskScore' | 'riskLevel' | 'modelVersion' | 'modelEnforced' | 'topFeatures' | 'shadow'>;

const STRICTNESS: Record<FraudDecision, number> = { allow: 0, review: 1, block: 2 };

/**
 * Lays the model over the rules' verdict: the active model's riskScore can make the decision
 * stricter (review at ≥ reviewAt, block at ≥ blockAt), never laxer; a shadow model only records.
 */
export function applyModel(verdict: RuleVerdict, scores: ModelScores, rule: ModelRuleConfig): RuleVerdict & ModelView {
  const main = scores.active ?? scores.shadow;
  if (!main) return verdict;
  const enforced = !!scores.active && rule.enabled;
  const riskLevel = riskLevelOf(main.riskScore, rule.reviewAt, rule.blockAt);
  const view: ModelView = {
    riskScore: main.riskScore,
    riskLevel,
    modelVersion: main.version,
    modelEnforced: enforced,
    topFeatures: main.topFeatures,
    ...(scores.active && scores.shadow && { shadow: { version: scores.shadow.version, riskScore: scores.shadow.riskScore, riskLevel: riskLevelOf(scores.shadow.riskScore, rule.reviewAt, rule.blockAt) } }),
  };
  const byModel: FraudDecision = riskLevel === 'highest' ? 'block' : riskLevel === 'elevated' ? 'review' : 'allow';
  if (!enforced || STRICTNESS[byModel] <= STRICTNESS[verdict.decision]) return { ...verdict, ...view };
  const threshold = byModel === 'block' ? rule.blockAt : rule.reviewAt;
  const reason = { rule: MODEL_RULE, detail: `model ${main.version} risk score ${main.riskScore} ≥ ${threshold}`, weight: 0 } as const;
  return { ...verdict, decision: byModel, reasons: [reason, ...verdict.reasons], ...view };
}
