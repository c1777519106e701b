import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { PAYMENT_CANCELLED, PAYMENT_COMPLETED, PAYMENT_FAILED, type PaymentEvent } from '../payments/payment.events';
import { WebhooksService } from './webhooks.service';

/**
 * Domain events → webhook deliveries. The handlers return at once (the work is a Mongo insert and
 * a Bull add, not awaited by the emitter), so the payment path never waits for a merchant.
 */
@Injectable()
export class NotificationsListener {
  constructor(private readonly webhooks: WebhooksService) {}

  @OnEvent(PAYMENT_COMPLETED)
  onCompleted(event: PaymentEvent): void {
    void this.webhooks.paymentFinished(PAYMENT_COMPLETED, event);
  }

  @OnEvent(PAYMENT_FAILED)
  onFailed(event: PaymentEvent): void {
    void this.webhooks.paymentFinished(PAYMENT_FAILED, event);
  }

  @OnEvent(PAYMENT_CANCELLED)
  onCancelled(event: PaymentEvent): void {
    void this.webhooks.paymentFinished(PAYMENT_CANCELLED, event);
  }
}
