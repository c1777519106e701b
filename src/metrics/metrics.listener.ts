import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { PAYMENT_CANCELLED, PAYMENT_COMPLETED, PAYMENT_FAILED, PAYMENT_PIN_DECIDED, PAYMENT_UPDATED, type PaymentEvent, type PinDecidedEvent } from '../payments/payment.events';
import { REFUND_UPDATED, type RefundEvent } from '../refunds/refund.events';
import { PAYOUT_UPDATED, type PayoutEvent } from '../merchants/money/payout.schema';
import { OFFLINE_TAP_DECIDED, type OfflineTapDecided } from '../payments/offline/forward-offline-taps.use-case';
import { MetricsService } from './metrics.service';

/** Payment domain events → counters (in the process where the payment changed). */
@Injectable()
export class MetricsListener {
  constructor(private readonly metrics: MetricsService) {}

  /** `payment.updated` with status pending is emitted once, when process-async accepts a payment (or its PIN is verified). */
  @OnEvent(PAYMENT_UPDATED)
  onUpdated(event: PaymentEvent): void {
    if (event.status === 'pending') this.metrics.paymentsAccepted.inc();
  }

  @OnEvent(PAYMENT_COMPLETED)
  onCompleted(event: PaymentEvent): void {
    this.metrics.paymentsCompleted.inc();
    const completedAt = event.completedAt ?? event.at;
    const seconds = (new Date(completedAt).getTime() - new Date(event.createdAt).getTime()) / 1000;
    if (Number.isFinite(seconds) && seconds >= 0) this.metrics.acceptToCompleted.observe(seconds);
  }

  /** Settlement failures only: a tap that waited for its PIN ends with this event too (expired, declined). */
  @OnEvent(PAYMENT_FAILED)
  onFailed(event: PaymentEvent): void {
    if (event.status === 'failed') this.metrics.paymentsFailed.inc();
  }

  /** Once per payment: the PIN claim is decided once, in the process that won it. */
  @OnEvent(PAYMENT_PIN_DECIDED)
  onPinDecided(event: PinDecidedEvent): void {
    this.metrics.pinVerifications.inc({ outcome: event.outcome });
  }

  @OnEvent(PAYMENT_CANCELLED)
  onCancelled(): void {
    this.metrics.paymentsCancelled.inc();
  }

  @OnEvent(REFUND_UPDATED)
  onRefund(event: RefundEvent): void {
    this.metrics.refunds.inc({ status: event.status });
  }

  @OnEvent(PAYOUT_UPDATED)
  onPayout(event: PayoutEvent): void {
    this.metrics.payouts.inc({ status: event.status });
  }

  @OnEvent(OFFLINE_TAP_DECIDED)
  onOfflineTap(event: OfflineTapDecided): void {
    this.metrics.offlineExposure.inc({ outcome: event.outcome }, event.amount);
  }
}
