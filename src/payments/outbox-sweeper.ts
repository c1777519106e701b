import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/time/clock';
import { paymentsConfig, type PaymentsConfig } from '../config/app.config';
import { IdempotencyService } from './idempotency.service';
import { PaymentQueue } from './payment-queue';
import { PaymentTransactionsRepository } from './payment-transactions.repository';
import { SpendingLimitsService } from './spending-limits.service';

/** A pending payment this old with no job was lost between insert and enqueue, or by Redis. */
const PENDING_GRACE_MS = 5_000;
/** A processing payment untouched this long with no live job lost its worker. */
const PROCESSING_GRACE_MS = 30_000;
const BATCH = 200;

/**
 * The outbox sweep: MongoDB is the source of truth for accepted payments, the queue only a way to
 * run them. Periodically re-queues what has no live job, so nothing accepted is ever lost, and
 * clears expired idempotency keys and old spend entries (FerretDB has no TTL indexes).
 */
@Injectable()
export class OutboxSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly transactions: PaymentTransactionsRepository,
    private readonly queue: PaymentQueue,
    private readonly idempotency: IdempotencyService,
    private readonly limits: SpendingLimitsService,
    @Inject(paymentsConfig.KEY) private readonly config: PaymentsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then(() => undefined)
        .catch((error: Error) => this.logger.warn(`outbox sweep failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, this.config.outboxSweepIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; returns how many payments were re-queued. */
  async sweep(): Promise<number> {
    const now = this.clock.now().getTime();
    const [pending, processing] = await Promise.all([
      this.transactions.findStale('pending', new Date(now - PENDING_GRACE_MS), BATCH),
      this.transactions.findStale('processing', new Date(now - PROCESSING_GRACE_MS), BATCH),
    ]);
    let requeued = 0;
    for (const payment of [...pending, ...processing]) {
      if (await this.queue.hasLiveJob(payment.transactionId)) continue;
      await this.queue.removeJob(payment.transactionId);
      await this.queue.enqueue(payment.transactionId, payment.amount);
      requeued++;
    }
    if (requeued) this.logger.warn(`outbox sweep re-queued ${requeued} payment(s) that had no live job`);
    await this.idempotency.removeExpired();
    await this.limits.removeOld();
    return requeued;
  }
}
