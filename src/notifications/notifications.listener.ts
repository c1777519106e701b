import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { PAYMENT_CANCELLED, PAYMENT_COMPLETED, PAYMENT_FAILED, PAYMENT_OFFLINE_DECLINED, type PaymentEvent } from '../payments/payment.events';
import { REFUND_UPDATED, type RefundEvent } from '../refunds/refund.events';
import { PAYOUT_UPDATED, type PayoutEvent } from '../merchants/money/payout.schema';
import { WebhooksService } from './webhooks.service';

/** Failures reach the emitter, which retries the event until the delivery is recorded. */
const DURABLE = { suppressErrors: false } as const;

/**
 * Domain events → webhook deliveries. The payment finalizer awaits each handler until the delivery
 * is recorded (a Mongo insert; the Bull add is not waited on if Redis is away, and the HTTP call
 * runs in its own job), so a webhook is never lost between the payment's change and its record,
 * and the payment path never waits for a merchant.
 */
@Injectable()
export class NotificationsListener {
  private readonly logger = new Logger(NotificationsListener.name);

  constructor(private readonly webhooks: WebhooksService) {}

  /** A payout's final status: a failure to record reaches the payout's finisher, and the money outbox sweep retries it. */
  @OnEvent(PAYOUT_UPDATED, DURABLE)
  onPayout(event: PayoutEvent): Promise<void> {
    return this.webhooks.payoutFinished(event);
  }

  @OnEvent(REFUND_UPDATED, DURABLE)
  onRefund(event: RefundEvent): Promise<void> {
    return this.webhooks.refundFinished(event);
  }

  @OnEvent(PAYMENT_COMPLETED, DURABLE)
  onCompleted(event: PaymentEvent): Promise<void> {
    return this.webhooks.paymentFinished(PAYMENT_COMPLETED, event);
  }

  @OnEvent(PAYMENT_FAILED, DURABLE)
  onFailed(event: PaymentEvent): Promise<void> {
    return this.webhooks.paymentFinished(PAYMENT_FAILED, event);
  }

  @OnEvent(PAYMENT_CANCELLED, DURABLE)
  onCancelled(event: PaymentEvent): Promise<void> {
    return this.webhooks.paymentFinished(PAYMENT_CANCELLED, event);
  }

  @OnEvent(PAYMENT_OFFLINE_DECLINED, DURABLE)
  onOfflineDeclined(event: PaymentEvent): Promise<void> {
    return this.webhooks.paymentFinished(PAYMENT_OFFLINE_DECLINED, event);
  }
}
