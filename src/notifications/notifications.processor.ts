import { Process, Processor } from '@nestjs/bull';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Job } from 'bull';
import { AlertsService } from './alerts.service';
import { ALERT_JOB, type AlertFailedTransactionJob, NOTIFICATIONS_QUEUE, WEBHOOK_JOB, type WebhookJobData } from './notifications.constants';
import { WebhooksService } from './webhooks.service';

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The `notifications` queue's worker (WORKERS_ENABLED processes only). Each webhook is its own job
 * with its own timeout, so a slow merchant holds one slot for at most WEBHOOK_TIMEOUT_MS and
 * never the payments queue; failures go back to Bull's delayed set with exponential backoff.
 */
@Processor(NOTIFICATIONS_QUEUE)
export class NotificationsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('NotificationsProcessor');
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly alerts: AlertsService,
    private readonly webhooks: WebhooksService,
  ) {}

  @Process({ name: ALERT_JOB, concurrency: Number(process.env.NOTIFICATION_QUEUE_CONCURRENCY ?? 4) })
  async alert(job: Job<AlertFailedTransactionJob>): Promise<string> {
    const { created } = await this.alerts.record(job.data);
    return created ? 'recorded' : 'already recorded';
  }

  @Process({ name: WEBHOOK_JOB, concurrency: Number(process.env.WEBHOOK_CONCURRENCY ?? 32) })
  async webhook(job: Job<WebhookJobData>): Promise<string> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.webhooks.attempt(job.data, job.attemptsMade + 1, lastAttempt);
  }

  onApplicationBootstrap(): void {
    this.sweep = setInterval(() => {
      this.webhooks.requeuePending().catch((error: Error) => this.logger.warn(`webhook sweep failed: ${error.message}`));
    }, SWEEP_INTERVAL_MS);
    this.sweep.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }
}
