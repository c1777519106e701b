import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { PAYMENT_CANCELLED, PAYMENT_COMPLETED, PAYMENT_FAILED, PAYMENT_UPDATED, type PaymentEvent } from '../payments/payment.events';
import { REFUND_UPDATED, type RefundEvent } from '../refunds/refund.events';
import { PAYMENT_DECLINED, type PaymentDeclinedEvent } from './analytics.events';
import { acceptedFact, AnalyticsFacts, declinedFact, finalFacts, refundFact } from './analytics-facts';

/** A failure reaches the emitter's caller, which retries until the fact is recorded (the finalizer does). */
const DURABLE = { suppressErrors: false } as const;

/**
 * Payment events → facts. A payment's acceptance is recorded when it is accepted (at once, for
 * live figures) and again with its final event: the finalizer awaits that and repeats it until it
 * succeeds, so no final payment is missing from the figures, and the fact's key makes the repeat a
 * no-op. A tap waiting for its PIN is in no figure yet: the right PIN accepts it (`pending`), the
 * last wrong one or no PIN in time ends it as a decline (finalFacts).
 */
@Injectable()
export class AnalyticsListener {
  constructor(private readonly facts: AnalyticsFacts) {}

  @OnEvent(PAYMENT_UPDATED)
  async onUpdated(event: PaymentEvent): Promise<void> {
    if (event.status === 'pending') await this.facts.recordPatiently(acceptedFact(event));
  }

  @OnEvent(PAYMENT_COMPLETED, DURABLE)
  onCompleted(event: PaymentEvent): Promise<void> {
    return this.onFinal(event);
  }

  /** Settlement failures, and taps that waited for their PIN and ended declined or expired. */
  @OnEvent(PAYMENT_FAILED, DURABLE)
  onFailed(event: PaymentEvent): Promise<void> {
    return this.onFinal(event);
  }

  @OnEvent(PAYMENT_CANCELLED, DURABLE)
  onCancelled(event: PaymentEvent): Promise<void> {
    return this.onFinal(event);
  }

  @OnEvent(PAYMENT_DECLINED)
  onDeclined(event: PaymentDeclinedEvent): Promise<void> {
    return this.facts.recordPatiently(declinedFact(event));
  }

  /** Each refund that reached the cardholder is its own fact (a payment may be refunded in parts). */
  @OnEvent(REFUND_UPDATED)
  async onRefund(event: RefundEvent): Promise<void> {
    if (event.status === 'succeeded') await this.facts.recordPatiently(refundFact(event));
  }

  private onFinal(event: PaymentEvent): Promise<void> {
    return this.facts.record(...finalFacts(event));
  }
}
