/**
 * Domain events analytics listens to besides the payment events (src/payments/payment.events.ts).
 * `payment.declined` is raised where a tap is answered with a decline; `refund.succeeded` is the
 * seam for refunds (issue #15): whoever settles a refund emits it and the figures follow.
 */
export const PAYMENT_DECLINED = 'payment.declined';
export const REFUND_SUCCEEDED = 'refund.succeeded';

export interface PaymentDeclinedEvent {
  transactionId: string;
  merchantId: string;
  terminalId: string;
  declineCode: string;
  amount: number;
  at: Date;
}

export interface RefundSucceededEvent {
  /** One payment may be refunded in parts: each refund is its own fact. */
  refundId: string;
  transactionId: string;
  merchantId: string;
  amount: number;
  at: Date;
}
