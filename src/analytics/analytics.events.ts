import type { RefundEvent } from '../refunds/refund.events';

/**
 * Domain events analytics listens to besides the payment events (src/payments/payment.events.ts)
 * and refunds' `refund.updated`: `payment.declined` is raised where a tap is answered with a decline.
 */
export const PAYMENT_DECLINED = 'payment.declined';

export interface PaymentDeclinedEvent {
  transactionId: string;
  merchantId: string;
  terminalId: string;
  declineCode: string;
  amount: number;
  at: Date;
}

/** What analytics reads of a refund (src/refunds/refund.events.ts). */
export type RefundSucceededEvent = Pick<RefundEvent, 'refundId' | 'transactionId' | 'merchantId' | 'amount' | 'at'>;
