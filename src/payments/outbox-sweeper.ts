import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/time/clock';
import { IdempotencyService } from './idempotency.service';
import { PaymentFinalizer } from './payment-finalizer';
import { PaymentQueue } from './payment-queue';
import { PinStep } from './pin/pin-step';
import { isFinal } from './payment-state';
import { PaymentTransactionsRepository } from './payment-transactions.repository';
import type { OutboxEntry } from './schemas/outbox-entry.schema';
import { SpendingLimitsService } from './spending-limits.service';

/** An open payment this old with no job was lost between insert and enqueue, or by Redis. */
const PENDING_GRACE_MS = 5_000;
/** An outbox entry whose payment is still missing after this was left by a crash between the two inserts. */
const ORPHAN_ENTRY_MS = 60_000;
/** A processing payment untouched this long with no live job lost its worker. */
const PROCESSING_GRACE_MS = 30_000;
/** A final payment whose entry is still open this long after its outcome was decided lost its finalizer before all that follows was done. */
const FINAL_GRACE_MS = 5_000;
const BATCH = 200;

/**
 * The outbox sweep: MongoDB is the source of truth for accepted payments, the queue only a way to
 * run them. Run every OUTBOX_SWEEP_INTERVAL_MS (src/roles/periodic-work.ts), it re-queues what has no live job, so nothing accepted is ever lost,
 * expires taps whose PIN did not come in time, and
 * clears expired idempotency keys and old spend entries (FerretDB has no TTL indexes).
 */
@Injectable()
export class OutboxSweeper {
  private readonly logger = new Logger(OutboxSweeper.name);

  constructor(
    private readonly transactions: PaymentTransactionsRepository,
    private readonly finalizer: PaymentFinalizer,
    private readonly queue: PaymentQueue,
    private readonly idempotency: IdempotencyService,
    private readonly limits: SpendingLimitsService,
    private readonly pins: PinStep,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** One pass; returns how many payments were re-queued. */
  async sweep(): Promise<number> {
    const now = this.clock.now().getTime();
    let requeued = 0;
    for (const entry of await this.transactions.openPayments(BATCH)) {
      if (now - entry.createdAt.getTime() < PENDING_GRACE_MS) break;
      if (await this.needsQueueing(entry, now)) {
        await this.queue.removeJob(entry._id);
        await this.queue.enqueue(entry._id, entry.amount);
        requeued++;
      }
    }
    if (requeued) this.logger.warn(`outbox sweep re-queued ${requeued} payment(s) that had no live job`);
    await this.idempotency.removeExpired();
    await this.limits.removeOld();
    return requeued;
  }

  /** False for entries that need no job: final payments (finished now) and entries whose payment never got written. */
  private async needsQueueing(entry: OutboxEntry, now: number): Promise<boolean> {
    const transactionId = entry._id;
    const payment = await this.transactions.find(transactionId);
    if (!payment) {
      // Written just before its limit is reserved and its payment recorded; only an old one means the payment never was.
      if (now - entry.createdAt.getTime() > ORPHAN_ENTRY_MS) await this.abandon(entry);
      return false;
    }
    if (isFinal(payment.status)) {
      await this.finish(transactionId, now);
      return false;
    }
    // Never queued before its PIN: expired here once its time ran out (its reservation goes back).
    if (payment.status === 'requires_pin') {
      await this.pins.sweep(payment);
      return false;
    }
    const idleMs = now - new Date(payment.updatedAt).getTime();
    if (payment.status === 'processing' && idleMs < PROCESSING_GRACE_MS) return false;
    return !(await this.queue.hasLiveJob(transactionId));
  }

  /** An accepted payment that was never written: its reservation, if it got one, is given back. */
  private async abandon(entry: OutboxEntry): Promise<void> {
    if (entry.cardUuid) await this.limits.releaseUnrecorded(entry.cardUuid, entry._id);
    await this.transactions.closeOutboxEntry(entry._id);
  }

  /** Runs what a final payment's outcome implies and is not done yet (the finalizer closes the entry once all is). */
  private async finish(transactionId: string, now: number): Promise<void> {
    const decided = await this.transactions.finalClaim(transactionId);
    if (!decided) return this.transactions.closeOutboxEntry(transactionId);
    if (now - new Date(decided.createdAt).getTime() >= FINAL_GRACE_MS) await this.finalizer.repair(decided);
  }
}
