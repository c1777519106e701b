import { createHash } from 'node:crypto';
import { PAYMENT_CANCELLED, PAYMENT_COMPLETED, PAYMENT_FAILED, PAYMENT_OFFLINE_DECLINED, type PaymentEvent } from '../payments/payment.events';

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

export function webhookEventId(transactionId: string, type: WebhookEventType): string {
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
