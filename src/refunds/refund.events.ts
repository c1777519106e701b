import type { RefundReason, RefundStatus } from './schemas/refund.schema';

/** Emitted whenever a refund is asked for or reaches its final status; realtime, webhooks and metrics listen. */
export const REFUND_UPDATED = 'refund.updated';

export interface RefundEvent {
  refundId: string;
  transactionId: string;
  merchantId: string;
  userId?: string;
  cardUuid: string;
  amount: number;
  amountMist: string;
  currency: string;
  status: RefundStatus;
  /** Why the merchant refunds (`fraudulent` labels the payment as fraud for the fraud model). */
  reason?: RefundReason;
  /** Who asked for the refund (`user:<id>`, `merchant:<id>`). */
  requestedBy?: string;
  txHash?: string;
  failureReason?: string;
  at: Date;
}
