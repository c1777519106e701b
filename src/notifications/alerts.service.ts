import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { Principal } from '../common/auth/principal';
import { webhooksConfig, type WebhooksConfig } from '../config/app.config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { ALERT_RAISED, type AlertRaisedEvent } from './alert.events';
import { postJson } from './http-poster';
import { ALERT_JOB, type AlertFailedTransactionJob, NOTIFICATIONS_QUEUE, USER_AGENT } from './notifications.constants';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import type { FailureAlerts } from '../payments/failure-alerts.port';
import { Alert, type AlertStatus } from './schemas/alert.schema';
import { isDuplicateKeyError } from '../common/database/duplicate-key';

export class AlertForwardFailed extends Error {
  override readonly name = 'AlertForwardFailed';
}

export interface AlertView {
  id: string;
  transactionId: string;
  reason: string;
  requiresManualReview: boolean;
  status: AlertStatus;
  failedAt: Date;
  createdAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  note: string | null;
  forwardedAt: Date | null;
}

/**
 * Failed-payment alerts: one record per payment, announced as a domain event (realtime pushes it to
 * admin sockets as `system:alert`) and,
 * when ALERT_WEBHOOK_URL is set, POSTed there. Admins list and acknowledge them.
 */
@Injectable()
export class AlertsService implements FailureAlerts {
  private readonly logger = new Logger('Alerts');

  constructor(
    @InjectModel(Alert.name) private readonly alerts: Model<Alert>,
    private readonly events: EventEmitter2,
    @InjectQueue(NOTIFICATIONS_QUEUE) private readonly queue: Queue<AlertFailedTransactionJob>,
    @Inject(webhooksConfig.KEY) private readonly config: WebhooksConfig,
  ) {}

  /** The seed's alertFailedTransaction job; Bull's priority 1 is its highest (the seed's 10 meant "high" but is low in Bull). */
  async raise(alert: AlertFailedTransactionJob): Promise<void> {
    await this.queue.add(ALERT_JOB, alert, { priority: 1, attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: 1_000 });
  }

  /**
   * Handles an `alertFailedTransaction` job. The insert decides "new": a retried job finds the
   * record and only finishes what is left (forwarding to ALERT_WEBHOOK_URL); the socket push
   * happens once. Throws when forwarding failed, so Bull retries.
   */
  async record(job: AlertFailedTransactionJob): Promise<{ created: boolean; alert: AlertView }> {
    const fields = {
      _id: job.transactionId,
      transactionId: job.transactionId,
      reason: job.errorMessage || 'unknown',
      requiresManualReview: (job.requiresManualReview as boolean | undefined) !== false,
      status: 'open' as const,
      failedAt: new Date(job.timestamp ?? Date.now()),
    };
    let created = true;
    let alert: Alert;
    try {
      alert = (await this.alerts.create(fields)).toObject();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      created = false;
      alert = (await this.alerts.findById(job.transactionId).lean().exec())!;
    }
    if (created) {
      this.events.emit(ALERT_RAISED, { transactionId: alert.transactionId, message: alertMessage(alert) } satisfies AlertRaisedEvent);
      this.logger.warn(`alert for failed payment ${alert.transactionId}: ${alert.reason}`);
    }
    if (this.config.alertWebhookUrl && !alert.forwardedAt) await this.forward(alert);
    return { created, alert: toView(alert) };
  }

  async list(options: { status?: AlertStatus; limit: number }): Promise<AlertView[]> {
    const alerts = await this.alerts
      .find(options.status ? { status: options.status } : {})
      .sort({ createdAt: -1 })
      .limit(options.limit)
      .lean()
      .exec();
    return alerts.map(toView);
  }

  /** Idempotent: acknowledging twice keeps the first acknowledgement. */
  async acknowledge(id: string, principal: Principal, note?: string): Promise<AlertView> {
    const alert = await this.alerts.findById(id).lean().exec();
    if (!alert) throw new NotFoundException('Alert not found');
    if (alert.status === 'acknowledged') return toView(alert);
    const update = { status: 'acknowledged' as const, acknowledgedAt: new Date(), acknowledgedBy: principal.id, ...(note && { note }) };
    await this.alerts.updateOne({ _id: id }, { $set: update }).exec();
    return toView({ ...alert, ...update });
  }

  private async forward(alert: Alert): Promise<void> {
    const body = JSON.stringify({ type: 'payment.failed.alert', alert: toView(alert), message: alertMessage(alert) });
    // An operator's own endpoint (often on a private network): no address restriction here.
    const result = await postJson(this.config.alertWebhookUrl!, body, { timeoutMs: this.config.timeoutMs, headers: { 'User-Agent': USER_AGENT } });
    if (!result.ok) throw new AlertForwardFailed(`alert ${alert._id} not accepted by ALERT_WEBHOOK_URL: ${result.error}`);
    await this.alerts.updateOne({ _id: alert._id }, { $set: { forwardedAt: new Date() } }).exec();
  }
}

function alertMessage(alert: Alert): string {
  return `Payment ${alert.transactionId} failed${alert.requiresManualReview ? ' and needs manual review' : ''}: ${alert.reason}`;
}

function toView(alert: Alert): AlertView {
  return {
    id: alert._id,
    transactionId: alert.transactionId,
    reason: alert.reason,
    requiresManualReview: alert.requiresManualReview,
    status: alert.status,
    failedAt: alert.failedAt,
    createdAt: alert.createdAt,
    acknowledgedAt: alert.acknowledgedAt ?? null,
    acknowledgedBy: alert.acknowledgedBy ?? null,
    note: alert.note ?? null,
    forwardedAt: alert.forwardedAt ?? null,
  };
}
