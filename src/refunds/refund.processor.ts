import { InjectQueue } from '@nestjs/bull';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { REFUND_JOB, REFUNDS_QUEUE, RefundsService } from './refunds.service';

export class RetryRefund extends Error {}

/** The `refunds` queue's worker (worker role): one job per refund, retried with backoff while the transfer may still land. */
@Injectable()
export class RefundProcessor implements OnModuleInit {
  constructor(
    private readonly refunds: RefundsService,
    @InjectQueue(REFUNDS_QUEUE) private readonly queue: Queue<{ refundId: string }>,
  ) {}

  onModuleInit(): void {
    void this.queue.process(REFUND_JOB, 4, (job) => this.process(job));
  }

  async process(job: Job<{ refundId: string }>): Promise<string> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await this.refunds.execute(job.data.refundId, lastAttempt);
    if (outcome === 'retry') throw new RetryRefund(`refund ${job.data.refundId} will be retried`);
    return outcome;
  }
}
