import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { paymentsConfig, type PaymentsConfig } from '../../config/app.config';
import { PAYMENTS_QUEUE, SETTLE_JOB, SettleJobData } from '../payment-queue';
import { SettlePaymentUseCase } from '../use-cases/settle-payment.use-case';

export class RetrySettlement extends Error {}

/**
 * Thin: parse the job, settle, and let Bull retry (with backoff) what may succeed later. Registered
 * with `queue.process` rather than `@Process` because its concurrency is configuration, which a
 * decorator would have to read at import time.
 */
@Injectable()
export class PaymentProcessor implements OnModuleInit {
  constructor(
    private readonly settle: SettlePaymentUseCase,
    @InjectQueue(PAYMENTS_QUEUE) private readonly queue: Queue<SettleJobData>,
    @Inject(paymentsConfig.KEY) private readonly config: PaymentsConfig,
  ) {}

  onModuleInit(): void {
    void this.queue.process(SETTLE_JOB, this.config.paymentConcurrency, (job) => this.process(job));
  }

  async process(job: Job<SettleJobData>): Promise<string> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await this.settle.execute(job.data.transactionId, lastAttempt);
    if (outcome === 'retry') throw new RetrySettlement(`settlement of ${job.data.transactionId} will be retried`);
    return outcome;
  }
}
