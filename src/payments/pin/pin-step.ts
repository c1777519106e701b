import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CardPinsService } from '../../cards/pin/card-pins';
import { CLOCK, type Clock } from '../../common/time/clock';
import { PAYMENT_PIN_DECIDED, PAYMENT_UPDATED, type PinDecidedEvent, toPaymentEvent } from '../payment.events';
import { PaymentFinalizer } from '../payment-finalizer';
import { PaymentQueue } from '../payment-queue';
import { type PinOutcome, PaymentTransactionsRepository } from '../payment-transactions.repository';
import type { Transaction } from '../schemas/transaction.schema';
import { isPinExpired } from './cvm-policy';

/** A PIN claim this old whose payment still waits lost its decider before it was applied. */
const REPAIR_GRACE_MS = 5_000;

/**
 * Moves a payment that waits for its PIN (requires_pin) on. The `<id>:pin` claim decides once
 * between verified, declined and expired, however many PIN submissions and sweeps race; the
 * document follows the claim, so whoever finds a claim not yet applied (a crash in between)
 * applies it.
 */
@Injectable()
export class PinStep {
  private readonly logger = new Logger(PinStep.name);

  constructor(
    private readonly transactions: PaymentTransactionsRepository,
    private readonly finalizer: PaymentFinalizer,
    private readonly queue: PaymentQueue,
    private readonly pins: CardPinsService,
    private readonly events: EventEmitter2,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  isDue(payment: Transaction): boolean {
    return isPinExpired(payment.pinExpiresAt, this.clock.now());
  }

  /**
   * Claims `outcome` for the payment; the caller that wins it applies it. Returns the outcome that
   * holds the claim and whether this call decided it.
   */
  async decide(payment: Transaction, outcome: PinOutcome, decline?: { declineCode: string; reason: string }): Promise<{ outcome: PinOutcome; won: boolean }> {
    const decided = await this.transactions.claimPin(payment.transactionId, outcome);
    if (decided.won) {
      this.events.emit(PAYMENT_PIN_DECIDED, { transactionId: payment.transactionId, outcome, at: this.clock.now() } satisfies PinDecidedEvent);
      await this.apply(payment, outcome, decline);
    }
    return decided;
  }

  /**
   * The outbox sweep's part for a payment still requires_pin: applies a claim its decider did not
   * get to apply (after a grace, so it does not race a decider at work), or expires the payment
   * once its time ran out.
   */
  async sweep(payment: Transaction): Promise<void> {
    const claim = await this.transactions.pinClaim(payment.transactionId);
    if (!claim) {
      if (this.isDue(payment)) await this.decide(payment, 'expired');
      return;
    }
    if (this.clock.now().getTime() - new Date(claim.createdAt).getTime() >= REPAIR_GRACE_MS) await this.apply(payment, claim.outcome as PinOutcome);
  }

  private async apply(payment: Transaction, outcome: PinOutcome, decline?: { declineCode: string; reason: string }): Promise<void> {
    const id = payment.transactionId;
    if (outcome === 'expired') {
      await this.finalizer.expire(id);
    } else if (outcome === 'declined') {
      // A repair without the decline's words still ends it declined: the final claim keeps what the first decider wrote.
      await this.finalizer.declineAfterPin(id, decline?.declineCode ?? 'pin_tries_exceeded', decline?.reason ?? 'The PIN was not verified');
    } else {
      await this.continueVerified(id);
    }
  }

  /** The right PIN: pending like any accepted payment, queued (the outbox sweep queues it if this fails), and the count of taps without a PIN starts again. */
  private async continueVerified(transactionId: string): Promise<void> {
    const payment = await this.transactions.markPinVerified(transactionId);
    if (!payment) return;
    await this.pins.verifiedTap(payment.cardUuid);
    this.events.emit(PAYMENT_UPDATED, toPaymentEvent(payment, this.clock.now()));
    await this.queue.enqueue(transactionId, payment.amount).catch((error: Error) => this.logger.warn(`payment ${transactionId} verified but not queued yet: ${error.message}`));
  }
}
