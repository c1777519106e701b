import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';

export const PAYMENTS_QUEUE = 'payments';
export const SETTLE_JOB = 'processNFCPayment';

export interface SettleJobData {
  transactionId: string;
}

export const SETTLE_ATTEMPTS = 3;
const LARGE_AMOUNT = 1_000_000;

/** The `payments` queue: one job per payment, its id the transactionId, so adding twice is harmless. */
@Injectable()
export class PaymentQueue {
  constructor(@InjectQueue(PAYMENTS_QUEUE) private readonly queue: Queue<SettleJobData>) {}

  async enqueue(transactionId: string, amount: number): Promise<string> {
    const options: JobOptions = {
      jobId: transactionId,
      // Bull: 1 is the highest priority. The seed meant "large amounts first".
      priority: amount > LARGE_AMOUNT ? 1 : 5,
      attempts: SETTLE_ATTEMPTS,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: 1_000,
      removeOnFail: 5_000,
    };
    const job = await this.queue.add(SETTLE_JOB, { transactionId }, options);
    return String(job.id);
  }

  /** Whether a job for this payment is waiting, delayed or running. */
  async hasLiveJob(transactionId: string): Promise<boolean> {
    const job = await this.queue.getJob(transactionId);
    if (!job) return false;
    const state = await job.getState();
    return state === 'waiting' || state === 'delayed' || state === 'active' || state === 'paused';
  }

  /** Drops a finished or failed job so the payment can be queued again under the same id. */
  async removeJob(transactionId: string): Promise<void> {
    const job = await this.queue.getJob(transactionId);
    await job?.remove().catch(() => undefined);
  }
}
