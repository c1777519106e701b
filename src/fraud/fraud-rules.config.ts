/** The tunable rule set: stored in MongoDB, edited through PUT /api/fraud/rules. */
export interface RuleBase {
  enabled: boolean;
  /** Points added to the score when the rule fires (0-100). */
  weight: number;
}

export interface VelocityRuleConfig extends RuleBase {
  /** Fires when this payment would be more than this many for the card in 60 s. */
  maxPerMinute: number;
  /** Fires when this payment would be more than this many for the card in 3600 s. */
  maxPerHour: number;
}

export interface AmountAnomalyRuleConfig extends RuleBase {
  /** Fires when amount > multiplier × median of the card's recent approved amounts. */
  multiplier: number;
  /** Needs at least this many earlier approved payments of the card. */
  minHistory: number;
  /** How many recent approved amounts make the typical amount (at most 50 are kept). */
  historySize: number;
}

export interface HoppingRuleConfig extends RuleBase {
  windowSeconds: number;
  /** Fires when the distinct terminals (this one included) within the window exceed this. */
  maxTerminals: number;
  /** Fires when the distinct merchants (this one included) within the window exceed this. */
  maxMerchants: number;
}

export interface FirstUseRuleConfig extends RuleBase {
  /** Fires on the card's first payment at a terminal when amount ≥ this. */
  minAmount: number;
}

export interface CardTestingRuleConfig extends RuleBase {
  windowSeconds: number;
  /** Fires when the card had more than this many declines within the window. */
  maxCardDeclines: number;
  /** Fires when more than this many distinct cards were declined at the terminal within the window. */
  maxTerminalDeclinedCards: number;
}

export type ListsRuleConfig = RuleBase;

/** The active fraud model's riskScore as a rule: it can only make a decision stricter. */
export interface ModelRuleConfig {
  enabled: boolean;
  blockAt: number;
  reviewAt: number;
}

export interface FraudRulesConfig {
  decision: {
    /** score ≥ blockAt → block */
    blockAt: number;
    /** score ≥ reviewAt → review */
    reviewAt: number;
  };
  rules: {
    velocity: VelocityRuleConfig;
    amountAnomaly: AmountAnomalyRuleConfig;
    hopping: HoppingRuleConfig;
    firstUseLargeAmount: FirstUseRuleConfig;
    cardTesting: CardTestingRuleConfig;
    lists: ListsRuleConfig;
    model: ModelRuleConfig;
  };
}

export type RuleKey = keyof FraudRulesConfig['rules'];

/** Upper bounds the Redis counters are kept for; the DTO refuses windows beyond them. */
export const MAX_WINDOW_SECONDS = 24 * 3600;
export const AMOUNT_HISTORY_KEPT = 50;

export const DEFAULT_RULES: FraudRulesConfig = {
  decision: { blockAt: 80, reviewAt: 50 },
  rules: {
    velocity: { enabled: true, weight: 80, maxPerMinute: 3, maxPerHour: 20 },
    amountAnomaly: { enabled: true, weight: 50, multiplier: 5, minHistory: 5, historySize: 20 },
    hopping: { enabled: true, weight: 50, windowSeconds: 600, maxTerminals: 3, maxMerchants: 3 },
    firstUseLargeAmount: { enabled: true, weight: 30, minAmount: 2_000_000 },
    cardTesting: { enabled: true, weight: 80, windowSeconds: 600, maxCardDeclines: 3, maxTerminalDeclinedCards: 4 },
    lists: { enabled: true, weight: 100 },
    model: { enabled: true, blockAt: 75, reviewAt: 65 },
  },
};

export type FraudRulesPatch = {
  decision?: Partial<FraudRulesConfig['decision']>;
  rules?: { [K in RuleKey]?: Partial<FraudRulesConfig['rules'][K]> };
};

/** A full config from a (possibly partial) proposal laid over a base. */
export function mergeRules(base: FraudRulesConfig, patch: FraudRulesPatch | undefined): FraudRulesConfig {
  const merged: FraudRulesConfig = structuredClone(base);
  if (!patch) return merged;
  Object.assign(merged.decision, stripUndefined(patch.decision));
  for (const key of Object.keys(merged.rules) as RuleKey[]) {
    Object.assign(merged.rules[key], stripUndefined(patch.rules?.[key]));
  }
  return merged;
}

/** Why a config is not usable, or undefined when it is. */
export function rulesConfigProblem(config: FraudRulesConfig): string | undefined {
  if (config.decision.reviewAt > config.decision.blockAt) return 'decision.reviewAt must not be greater than decision.blockAt';
  if (config.rules.model.reviewAt > config.rules.model.blockAt) return 'rules.model.reviewAt must not be greater than rules.model.blockAt';
  return undefined;
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
