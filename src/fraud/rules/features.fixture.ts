import type { FraudFeatures, RuleContext } from '../fraud.types';

/** A features snapshot of a quiet card (for unit specs and the bench); override what a test needs. */
export function quietFeatures(overrides: Partial<FraudFeatures> = {}): FraudFeatures {
  return {
    cardApprovedLastMinute: 0,
    cardApprovedLastHour: 0,
    recentAmounts: [],
    recentTerminals: [],
    recentMerchants: [],
    terminalSeenBefore: true,
    lastApprovedAt: null,
    cardDeclines: 0,
    terminalDeclinedCards: 0,
    callerDeclines: 0,
    listed: { card: false, terminal: false, merchant: false },
    ...overrides,
  };
}

export function ruleContext(features: Partial<FraudFeatures> = {}, input: Partial<RuleContext['input']> = {}): RuleContext {
  return {
    input: { cardUuid: 'card-1', amount: 50_000, merchantId: 'm-1', terminalId: 't-1', ...input },
    features: quietFeatures(features),
  };
}
