import type { RiskLevel } from './model/scorer';

/** What payments knows about one payment when it asks for a risk assessment. */
export interface AssessmentInput {
  cardUuid: string;
  userId?: string;
  /** Integer amount in the card currency's minor unit. */
  amount: number;
  merchantId: string;
  terminalId: string;
  /** When the tap happened; defaults to the fraud clock's now. */
  at?: Date;
  /** Who called (`user:<id>`, `terminal:<id>`): its failed attempts count against it. */
  caller?: string;
  /**
   * Which of the named card and terminal the caller answers for: only those count its failed
   * attempts, so nobody spends another's counters by naming them. A terminal tapping at itself
   * answers for both, a cardholder for their own card only. Unset (backtest replays, direct
   * callers): both, as a genuine terminal tap.
   */
  accountable?: { card: boolean; terminal: boolean };
}

/**
 * What the card and merchant documents say about a payment (read by payments for its own checks,
 * in parallel with the counters): the model's card age and merchant category.
 */
export interface AssessmentContext {
  /** When the card was registered. */
  cardIssuedAt?: Date;
  /** The merchant's category code (four digits). */
  mcc?: string;
}

export type FraudDecision = 'allow' | 'review' | 'block';

export const RULE_NAMES = ['velocity', 'amount_anomaly', 'terminal_hopping', 'first_use_large_amount', 'card_testing', 'blocklist'] as const;
export type RuleName = (typeof RULE_NAMES)[number];

/** Reasons outside the rules: the assessment could not read its counters. */
export const FRAUD_DEGRADED = 'fraud_degraded';
export const FRAUD_UNAVAILABLE = 'fraud_unavailable';

/** The fraud model's riskScore, when the model rule decided. */
export const MODEL_RULE = 'model';

export interface FraudReason {
  rule: RuleName | typeof FRAUD_DEGRADED | typeof FRAUD_UNAVAILABLE | typeof MODEL_RULE;
  detail: string;
  weight: number;
}

/** What openReview needs of an assessment (payments may hand back its own copy of it). */
export interface ReviewableAssessment {
  assessmentId?: string;
  score: number;
  reasons: { rule: string; detail: string; weight: number }[];
  riskScore?: number;
  riskLevel?: string;
  modelVersion?: string;
}

export interface FraudAssessment {
  /** Id of the stored assessment; pass it back to recordOutcome/openReview. */
  assessmentId: string;
  score: number;
  decision: FraudDecision;
  reasons: FraudReason[];
  /** True when Redis could not be read and the Redis-down policy decided. */
  degraded?: boolean;
  /** Version of the rule configuration that decided. */
  rulesVersion: number;
  /** The fraud model's view (see ModelVerdict); absent when no model ran (degraded). */
  riskScore?: number;
  riskLevel?: RiskLevel;
  modelVersion?: string;
  /** False while the model runs in shadow: scored and recorded, deciding nothing. */
  modelEnforced?: boolean;
  topFeatures?: { feature: string; contribution: number }[];
  /** A shadow model's score beside the active one's. */
  shadow?: { version: string; riskScore: number; riskLevel: RiskLevel };
}

export interface PaymentOutcome {
  approved: boolean;
  /** The payment the assessment was for, so admins find its assessment. */
  transactionId?: string;
  /** The assessment this outcome belongs to (marks the stored assessment approved/declined). */
  assessmentId?: string;
}

/**
 * Everything the rules look at for one payment, read from Redis in one round trip (or from the
 * backtest's in-memory counters). Counts are of *earlier* payments; the current one is not in them.
 */
export interface FraudFeatures {
  /** Approved payments of this card within the last 60 s / 3600 s before `at`. */
  cardApprovedLastMinute: number;
  cardApprovedLastHour: number;
  /** Amounts of the card's most recent approved payments, newest first. */
  recentAmounts: number[];
  /** Distinct terminals / merchants where the card paid (approved) within the hopping window. */
  recentTerminals: string[];
  recentMerchants: string[];
  /** Whether the card ever paid (approved) at this terminal before (within the kept history). */
  terminalSeenBefore: boolean;
  /** Epoch ms of the card's latest approved payment at or before `at` (within the kept terminal history), or null. */
  lastApprovedAt: number | null;
  /** Declined payments of this card within the card-testing window. */
  cardDeclines: number;
  /** Distinct cards declined at this terminal within the card-testing window. */
  terminalDeclinedCards: number;
  /** Declined attempts of this caller (one not tapping at the terminal it names) within the card-testing window. */
  callerDeclines: number;
  listed: { card: boolean; terminal: boolean; merchant: boolean };
}

export interface RuleContext {
  input: Required<Pick<AssessmentInput, 'cardUuid' | 'amount' | 'merchantId' | 'terminalId'>>;
  features: FraudFeatures;
}
