/** What payments asks of fraud; FraudService implements it (bound in PaymentsModule). */
export interface FraudInput {
  cardUuid: string;
  userId?: string;
  amount: number;
  merchantId: string;
  terminalId: string;
  at: Date;
  /** `user:<id>` or `terminal:<id>`: the caller its failed attempts count against. */
  caller: string;
  /** Which of the named card and terminal the caller answers for (only those count its failures). */
  accountable: { card: boolean; terminal: boolean };
}

/** What the card and merchant documents say, as payments reads them for its own checks. */
export interface FraudContext {
  cardIssuedAt?: Date;
  mcc?: string;
}

export interface FraudAssessment {
  /** Links the stored assessment to its outcome. */
  assessmentId?: string;
  score: number;
  decision: 'allow' | 'review' | 'block';
  reasons: { rule: string; detail: string; weight: number }[];
  degraded?: boolean;
  /** The fraud model's view, for admins (see the fraud module's FraudAssessment). */
  riskScore?: number;
  riskLevel?: string;
  modelVersion?: string;
  modelEnforced?: boolean;
  topFeatures?: { feature: string; contribution: number }[];
}

export interface FraudPort {
  /** `context` resolves once payments has read the card and the merchant (the model's card age and category). */
  assess(input: FraudInput, context?: Promise<FraudContext>): Promise<FraudAssessment>;
  /** After the decision, so the counters learn from it; never fails the payment. */
  recordOutcome(input: FraudInput, outcome: { approved: boolean; assessmentId?: string; transactionId?: string }): Promise<void>;
  /** A `review` decision let the payment through; queue it for a human. */
  openReview(transactionId: string, assessment: FraudAssessment, input: FraudInput): Promise<void>;
  /** The share (0–1] of its own limits the card may use now (dynamic limits); never fails. */
  limitShare(cardUuid: string, at: Date): Promise<number>;
}

export const FRAUD_PORT = Symbol('FRAUD_PORT');
