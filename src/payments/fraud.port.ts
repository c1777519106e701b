/**
 * What payments asks of fraud. The fraud module implements it; until it is wired, or where it is
 * switched off, an allow-all port stands in.
 */
export interface FraudInput {
  cardUuid: string;
  userId?: string;
  amount: number;
  merchantId: string;
  terminalId: string;
  at: Date;
}

export interface FraudAssessment {
  score: number;
  decision: 'allow' | 'review' | 'block';
  reasons: { rule: string; detail: string; weight: number }[];
  degraded?: boolean;
}

export interface FraudPort {
  assess(input: FraudInput): Promise<FraudAssessment>;
  /** After the decision, so the counters learn from it; never fails the payment. */
  recordOutcome(input: FraudInput, outcome: { approved: boolean }): Promise<void>;
  /** A `review` decision let the payment through; queue it for a human. */
  openReview(transactionId: string, assessment: FraudAssessment, input: FraudInput): Promise<void>;
}

export const FRAUD_PORT = Symbol('FRAUD_PORT');

export const allowAllFraud: FraudPort = {
  assess: async () => ({ score: 0, decision: 'allow', reasons: [] }),
  recordOutcome: async () => undefined,
  openReview: async () => undefined,
};
