import type { Queue } from 'bull';

/** What one money outbox entry needed: nothing yet, its reservation given back, its job queued again, its outcome's effects finished. */
export type MoneyRepair = 'waiting' | 'released' | 'requeued' | 'finished';

/** An outbox entry whose refund or payout is still missing after this was left by a crash between reserving and writing it. */
export const ORPHAN_ENTRY_MS = 60_000;

/** Whether a job of this id is still to run (waiting, delayed, active or paused). */
export async function hasLiveJob(queue: Queue, jobId: string): Promise<boolean> {
  const job = await queue.getJob(jobId);
  if (!job) return false;
  return ['waiting', 'delayed', 'active', 'paused'].includes(await job.getState());
}
