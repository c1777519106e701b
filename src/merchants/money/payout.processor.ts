import { InjectQueue } from '@nestjs/bull';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { PAYOUT_JOB, PAYOUTS_QUEUE, PayoutsService } from './payouts.service';

export class RetryPayout extends Error {}

/** The `payouts` queue's worker (worker role): one job per payout, retried with backoff while the transfer may still land. */
@Injectable()
export class PayoutProcessor implements OnModuleInit {
  constructor(
    private readonly payouts: PayoutsService,
    @InjectQueue(PAYOUTS_QUEUE) private readonly queue: Queue<{ payoutId: string }>,
  ) {}

  onModuleInit(): void {
    void this.queue.process(PAYOUT_JOB, 2, (job) => this.process(job));
  }

  async process(job: Job<{ payoutId: string }>): Promise<string> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await this.payouts.execute(job.data.payoutId, lastAttempt);
    if (outcome === 'retry') throw new RetryPayout(`payout ${job.data.payoutId} will be retried`);
    return outcome;
  }
}
