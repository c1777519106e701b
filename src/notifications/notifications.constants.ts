import type { FailureAlert } from '../payments/failure-alerts.port';

/** The `notifications` queue: webhooks and failed-payment alerts. */
export const NOTIFICATIONS_QUEUE = 'notifications';
export const ALERT_JOB = 'alertFailedTransaction';

export type AlertFailedTransactionJob = FailureAlert;

/** A `notifications` job delivering one webhook event to one merchant. */
export const WEBHOOK_JOB = 'deliverWebhook';

export interface WebhookJobData {
  deliveryId: string;
  trigger: 'auto' | 'resend';
}

export const USER_AGENT = 'NFCPay-Webhooks/1.0';
