import type { SpendingInterval } from '../../cards/card-controls';

/** What process-async (and the offline forwarding, the PIN route) decline with; the README lists them all (a spec checks). */
export const DECLINE_CODES = [
  'card_invalid',
  'card_blocked',
  'card_auth_failed',
  'card_replayed',
  'card_auth_required',
  'merchant_invalid',
  'terminal_invalid',
  'fraud_high_risk',
  'fraud_unavailable',
  'daily_limit_exceeded',
  'single_limit_exceeded',
  'spending_limit_exceeded',
  'category_blocked',
  'offline_over_policy',
  'offline_expired',
  'offline_pin_required',
  'pin_required',
  'pin_tries_exceeded',
  'pin_blocked',
] as const;
export type DeclineCode = (typeof DECLINE_CODES)[number];

export interface Decline {
  declineCode: DeclineCode;
  reason: string;
  /** For spending_limit_exceeded: the interval of the control that would be passed. */
  interval?: SpendingInterval;
}

/** What process-async answers: kept whole so an idempotent replay answers exactly the same. */
export interface PaymentAnswer {
  status: 202 | 400;
  body: Record<string, unknown>;
}

export function acceptedAnswer(transactionId: string, queueJobId: string, requestId: string, processingTime: number): PaymentAnswer {
  return {
    status: 202,
    body: {
      success: true,
      transactionId,
      status: 'pending',
      message: 'Payment initiated successfully',
      processingTime,
      requestId,
      queueJobId,
      estimatedProcessingTime: 'under 5 seconds',
      statusUrl: `/api/payment/status/${transactionId}`,
      websocketChannel: `transaction:${transactionId}`,
    },
  };
}

/** Accepted with its limit reserved, but the cardholder must enter their PIN at the terminal first (Stripe's requires_action / next_action). */
export function requiresPinAnswer(transactionId: string, expiresAt: Date, requestId: string, processingTime: number): PaymentAnswer {
  return {
    status: 202,
    body: {
      success: true,
      transactionId,
      status: 'requires_pin',
      nextAction: { type: 'enter_pin', expiresAt: expiresAt.toISOString() },
      message: "Enter the cardholder's PIN at the terminal",
      processingTime,
      requestId,
      pinUrl: `/api/payment/${transactionId}/pin`,
      statusUrl: `/api/payment/status/${transactionId}`,
      websocketChannel: `transaction:${transactionId}`,
    },
  };
}

/** The seed's decline shape, plus the id under which the declined attempt is recorded. */
export function declinedAnswer(decline: Decline, transactionId: string, requestId: string, processingTime: number): PaymentAnswer {
  return {
    status: 400,
    body: { success: false, error: 'Transaction not authorized', reason: decline.reason, declineCode: decline.declineCode, ...(decline.interval && { interval: decline.interval }), transactionId, processingTime, requestId },
  };
}
