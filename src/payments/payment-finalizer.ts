import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CLOCK, type Clock } from '../common/time/clock';
import { PAYMENT_CANCELLED, PAYMENT_COMPLETED, PAYMENT_FAILED, toPaymentEvent } from './payment.events';
import { FAILURE_ALERTS, type FailureAlerts } from './failure-alerts.port';
import { type FinalEffect, type FinalStatus, Finished, PaymentTransactionsRepository } from './payment-transactions.repository';
import type { PaymentClaim } from './schemas/payment-claim.schema';
import type { Transaction } from './schemas/transaction.schema';
import { SpendingLimitsService } from './spending-limits.service';

/**
 * Ends payments: decides the outcome through the repository's final claim, then does what the
 * outcome implies — the limit given back, the final event, an alert for a human. Each of those is
 * idempotent and recorded once done (the limit by its release entry, the others by a marker), and
 * the outbox entry is closed only after all of them: a process that dies in between leaves the
 * entry open, and every repair (a retried job, the outbox sweep) runs what is not recorded yet.
 */
@Injectable()
export class PaymentFinalizer {
  private readonly logger = new Logger(PaymentFinalizer.name);

  constructor(
    private readonly transactions: PaymentTransactionsRepository,
    private readonly limits: SpendingLimitsService,
    private readonly events: EventEmitter2,
    @Inject(FAILURE_ALERTS) private readonly alerts: FailureAlerts,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async complete(transactionId: string, fields: Partial<Transaction>): Promise<Transaction | null> {
    return this.afterwards(await this.transactions.finish(transactionId, 'completed', { ...fields, completedAt: this.clock.now() }));
  }

  async fail(transactionId: string, reason: string): Promise<Transaction | null> {
    return this.afterwards(await this.transactions.finish(transactionId, 'failed', { failureReason: reason, failedAt: this.clock.now() }));
  }

  async cancel(transactionId: string): Promise<Transaction | null> {
    return this.afterwards(await this.transactions.finish(transactionId, 'cancelled', { cancelledAt: this.clock.now() }));
  }

  /** No PIN in time: the reservation goes back. The code says why, like a decline's, for the status view and analytics. */
  async expire(transactionId: string): Promise<Transaction | null> {
    return this.afterwards(await this.transactions.finish(transactionId, 'expired', { expiredAt: this.clock.now(), declineCode: 'pin_expired', failureReason: 'No PIN entered in time' }));
  }

  /** A payment that waited for its PIN is declined after all (the last wrong PIN, a PIN-blocked card). */
  async declineAfterPin(transactionId: string, declineCode: string, reason: string): Promise<Transaction | null> {
    return this.afterwards(await this.transactions.finish(transactionId, 'declined', { declineCode, failureReason: reason, failedAt: this.clock.now() }));
  }

  /** Applies an outcome that was decided but perhaps not applied, and what follows from it that is not recorded as done (its decider died). */
  async repair(claim: PaymentClaim): Promise<void> {
    await this.afterwards(await this.transactions.applyFinal(claim));
  }

  private async afterwards(finished: Finished | null): Promise<Transaction | null> {
    if (!finished) return null;
    const { payment, changed } = finished;
    try {
      await this.finalEffects(payment, changed);
      await this.transactions.closeOutboxEntry(payment.transactionId);
    } catch (error) {
      this.logger.warn(`payment ${payment.transactionId} is ${payment.status}, not all that follows is done yet (the outbox sweep finishes it): ${(error as Error).message}`);
    }
    return payment;
  }

  /** `fresh`: this call made the payment final, so nothing of this is recorded yet. */
  private async finalEffects(payment: Transaction, fresh: boolean): Promise<void> {
    const id = payment.transactionId;
    const effects: FinalEffect[] = payment.status === 'failed' ? ['events', 'alert'] : ['events'];
    const done = fresh ? new Set<FinalEffect>() : await this.transactions.effectsDone(id, effects);
    if (payment.status !== 'completed' && payment.limitReservation) await this.limits.release(payment.cardUuid, id, payment.limitReservation);
    if (!done.has('events')) {
      // Expired and PIN-declined payments end like failed ones for the socket and webhook listeners (the status says which).
      const event = { completed: PAYMENT_COMPLETED, failed: PAYMENT_FAILED, cancelled: PAYMENT_CANCELLED, expired: PAYMENT_FAILED, declined: PAYMENT_FAILED }[payment.status as FinalStatus];
      // Awaits the listeners that make the event durable (the webhook delivery record): a failure there is retried here.
      await this.events.emitAsync(event, toPaymentEvent(payment, this.clock.now()));
      await this.transactions.recordEffectDone(id, 'events');
    }
    if (effects.includes('alert') && !done.has('alert')) {
      await this.alert(payment);
      await this.transactions.recordEffectDone(id, 'alert');
    }
  }

  /** The seed's alertFailedTransaction: a failed settlement needs a human. */
  private async alert(payment: Transaction): Promise<void> {
    const reason = payment.failureReason ?? 'unknown';
    this.logger.error(`Failed blockchain transaction: ${payment.transactionId} - ${reason}`);
    await this.alerts.raise({ transactionId: payment.transactionId, errorMessage: reason, timestamp: this.clock.now(), requiresManualReview: true });
  }
}
