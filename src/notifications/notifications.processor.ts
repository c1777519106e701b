import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { webhooksConfig, type WebhooksConfig } from '../config/app.config';
import { AlertsService } from './alerts.service';
import { ALERT_JOB, type AlertFailedTransactionJob, NOTIFICATIONS_QUEUE, WEBHOOK_JOB, type WebhookJobData } from './notifications.constants';
import { WebhooksService } from './webhooks.service';

/**
 * The `notifications` queue's worker (worker role). Each webhook is its own job with its own
 * timeout, so a slow merchant holds one slot for at most WEBHOOK_TIMEOUT_MS and never the payments
 * queue; failures go back to Bull's delayed set with exponential backoff. Registered with
 * `queue.process` because the concurrencies are configuration.
 */
@Injectable()
export class NotificationsProcessor implements OnModuleInit {
  constructor(
    private readonly alerts: AlertsService,
    private readonly webhooks: WebhooksService,
    @InjectQueue(NOTIFICATIONS_QUEUE) private readonly queue: Queue,
    @Inject(webhooksConfig.KEY) private readonly config: WebhooksConfig,
  ) {}

  onModuleInit(): void {
    void this.queue.process(ALERT_JOB, this.config.alertConcurrency, (job: Job<AlertFailedTransactionJob>) => this.alert(job));
    void this.queue.process(WEBHOOK_JOB, this.config.concurrency, (job: Job<WebhookJobData>) => this.webhook(job));
  }

  async alert(job: Job<AlertFailedTransactionJob>): Promise<string> {
    const { created } = await this.alerts.record(job.data);
    return created ? 'recorded' : 'already recorded';
  }

  async webhook(job: Job<WebhookJobData>): Promise<string> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.webhooks.attempt(job.data, job.attemptsMade + 1, lastAttempt);
  }
}
