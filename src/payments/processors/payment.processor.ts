import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { PAYMENTS_QUEUE, SETTLE_JOB, SettleJobData } from '../payment-queue';
import { SettlePaymentUseCase } from '../use-cases/settle-payment.use-case';

export class RetrySettlement extends Error {}

/** Thin: parse the job, settle, and let Bull retry (with backoff) what may succeed later. */
@Processor(PAYMENTS_QUEUE)
export class PaymentProcessor {
  constructor(private readonly settle: SettlePaymentUseCase) {}

  @Process({ name: SETTLE_JOB, concurrency: Number(process.env.PAYMENT_QUEUE_CONCURRENCY ?? 16) })
  async process(job: Job<SettleJobData>): Promise<string> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await this.settle.execute(job.data.transactionId, lastAttempt);
    if (outcome === 'retry') throw new RetrySettlement(`settlement of ${job.data.transactionId} will be retried`);
    return outcome;
  }
}
