import { createHash } from 'node:crypto';
import { PAYMENT_CANCELLED, PAYMENT_COMPLETED, PAYMENT_FAILED, PAYMENT_OFFLINE_DECLINED, type PaymentEvent } from '../payments/payment.events';
import type { RefundEvent } from '../refunds/refund.events';
import type { PayoutEvent } from '../merchants/money/payout.schema';

export const WEBHOOK_EVENT_TYPES = [PAYMENT_COMPLETED, PAYMENT_FAILED, PAYMENT_CANCELLED, PAYMENT_OFFLINE_DECLINED] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The transaction as a merchant sees it in a webhook (the card is not named). */
export interface WebhookTransaction {
  id: string;
  status: string;
  amount: number;
  currency: string;
  amountMist: string | null;
  merchantId: string;
  terminalId: string;
  txHash: string | null;
  explorerUrl: string | null;
  failureReason: string | null;
  createdAt: string;
  completedAt: string | null;
  failedAt: string | null;
  cancelledAt: string | null;
}

export interface WebhookEvent {
  /** Stable for one payment and type: receivers dedupe by it (deliveries are at least once). */
  id: string;
  type: WebhookEventType;
  /** Unix seconds. */
  created: number;
  data: { transaction: WebhookTransaction };
}

export function webhookEventId(transactionId: string, type: WebhookEventType | RefundWebhookType | PayoutWebhookType): string {
  return `evt_${createHash('sha256').update(`${transactionId}|${type}`).digest('hex').slice(0, 32)}`;
}

export function toWebhookEvent(type: WebhookEventType, event: PaymentEvent): WebhookEvent {
  const iso = (date?: Date) => (date ? new Date(date).toISOString() : null);
  return {
    id: webhookEventId(event.transactionId, type),
    type,
    created: Math.floor(new Date(event.at).getTime() / 1000),
    data: {
      transaction: {
        id: event.transactionId,
        status: event.status,
        amount: event.amount,
        currency: event.currency,
        amountMist: event.amountMist ?? null,
        merchantId: event.merchantId,
        terminalId: event.terminalId,
        txHash: event.txHash ?? null,
        explorerUrl: event.explorerUrl ?? null,
        failureReason: event.reason ?? null,
        createdAt: iso(event.createdAt)!,
        completedAt: iso(event.completedAt),
        failedAt: iso(event.failedAt),
        cancelledAt: iso(event.cancelledAt),
      },
    },
  };
}

export const REFUND_WEBHOOK_TYPES = ['refund.succeeded', 'refund.failed', 'refund.canceled'] as const;
export type RefundWebhookType = (typeof REFUND_WEBHOOK_TYPES)[number];

/** A refund's final status as a merchant receives it (the card is not named). */
export interface RefundWebhookEvent {
  id: string;
  type: RefundWebhookType;
  created: number;
  data: { refund: { id: string; transactionId: string; status: string; amount: number; currency: string; amountMist: string; txHash: string | null; failureReason: string | null } };
}

export function toRefundWebhookEvent(type: RefundWebhookType, event: RefundEvent): RefundWebhookEvent {
  return {
    id: webhookEventId(event.refundId, type),
    type,
    created: Math.floor(new Date(event.at).getTime() / 1000),
    data: {
      refund: {
        id: event.refundId,
        transactionId: event.transactionId,
        status: event.status,
        amount: event.amount,
        currency: event.currency,
        amountMist: event.amountMist,
        txHash: event.txHash ?? null,
        failureReason: event.failureReason ?? null,
      },
    },
  };
}

export type PayoutWebhookType = 'payout.paid' | 'payout.failed';

export function toPayoutWebhookEvent(type: PayoutWebhookType, event: PayoutEvent) {
  return {
    id: webhookEventId(event.payoutId, type),
    type,
    created: Math.floor(new Date(event.at).getTime() / 1000),
    data: {
      payout: { id: event.payoutId, status: event.status, amount: event.amount, currency: event.currency, amountMist: event.amountMist, destination: event.toAddress, txHash: event.txHash ?? null, failureReason: event.failureReason ?? null },
    },
  };
}
