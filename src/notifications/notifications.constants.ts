export { ALERT_JOB, NOTIFICATIONS_QUEUE } from '../payments/payment-queue';
export type { AlertFailedTransactionJob } from '../payments/payment-finalizer';

/** A `notifications` job delivering one webhook event to one merchant. */
export const WEBHOOK_JOB = 'deliverWebhook';

export interface WebhookJobData {
  deliveryId: string;
  trigger: 'auto' | 'resend';
}

export const USER_AGENT = 'NFCPay-Webhooks/1.0';
