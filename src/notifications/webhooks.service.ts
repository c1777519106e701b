import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { JobOptions, Queue } from 'bull';
import { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { isAdmin, merchantOf, type Principal } from '../common/auth/principal';
import { webhooksConfig, type WebhooksConfig } from '../config/app.config';
import { MerchantsService } from '../merchants/merchants.service';
import { assertWebhookUrlShape, guardedLookup, WebhookUrlRefused } from '../merchants/webhook-url-policy';
import type { PaymentEvent } from '../payments/payment.events';
import type { RefundEvent } from '../refunds/refund.events';
import type { PayoutEvent } from '../merchants/money/payout.schema';
import { postJson, type PostResult } from './http-poster';
import { NOTIFICATIONS_QUEUE, USER_AGENT, WEBHOOK_JOB, type WebhookJobData } from './notifications.constants';
import { type DeliveryStatus, WebhookAttempt, WebhookDelivery } from './schemas/webhook-delivery.schema';
import { toPayoutWebhookEvent, toRefundWebhookEvent, toWebhookEvent, type WebhookEventType } from './webhook-events';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature';
import { isDuplicateKeyError } from '../common/database/duplicate-key';

export class WebhookDeliveryFailed extends Error {
  override readonly name = 'WebhookDeliveryFailed';
}

export interface DeliveryView {
  deliveryId: string;
  eventId: string;
  type: string;
  transactionId: string;
  status: WebhookDelivery['status'];
  attempts: number;
  lastResponseCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  log: Array<{ attempt: number; trigger: string; at: Date; status: string; responseCode: number | null; latencyMs: number; error: string | null; url: string }>;
}

/**
 * Merchant webhooks: records each event once (unique `_id` = event id), queues one Bull job per
 * delivery, and makes each attempt — signed, with a timeout, to an address checked after DNS
 * resolution — writing one log entry per attempt. Bull retries failures with exponential backoff.
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectModel(WebhookDelivery.name) private readonly deliveries: Model<WebhookDelivery>,
    @InjectModel(WebhookAttempt.name) private readonly attempts: Model<WebhookAttempt>,
    @InjectQueue(NOTIFICATIONS_QUEUE) private readonly queue: Queue<WebhookJobData>,
    private readonly merchants: MerchantsService,
    @Inject(webhooksConfig.KEY) private readonly config: WebhooksConfig,
  ) {}

  /**
   * From a payment event: records the delivery, then queues it; nothing when the merchant has no
   * webhook. Throws when it could not tell or not record (the caller emits the event again), never
   * once recorded.
   */
  async paymentFinished(type: WebhookEventType, event: PaymentEvent): Promise<void> {
    const merchant = await this.merchants.merchantSnapshot(event.merchantId);
    if (!merchant?.webhookUrl) return;
    const body = toWebhookEvent(type, event);
    await this.record({ _id: body.id, merchantId: event.merchantId, transactionId: event.transactionId, type, payload: JSON.stringify(body), status: 'pending', attempts: 0 });
    await this.enqueue(body.id, 'auto', body.id).catch((error: Error) => {
      // Recorded but not queued: the sweep (requeuePending) queues it later.
      this.logger.warn(`webhook for ${event.transactionId} (${type}) not queued yet: ${error.message}`);
    });
  }

  /** From a refund's final status: records and queues `refund.succeeded`, `refund.failed` or `refund.canceled`, like a payment's. */
  async refundFinished(event: RefundEvent): Promise<void> {
    if (event.status === 'pending') return;
    const merchant = await this.merchants.merchantSnapshot(event.merchantId);
    if (!merchant?.webhookUrl) return;
    const type = `refund.${event.status}` as const;
    const body = toRefundWebhookEvent(type, event);
    await this.record({ _id: body.id, merchantId: event.merchantId, transactionId: event.transactionId, type, payload: JSON.stringify(body), status: 'pending', attempts: 0 });
    await this.enqueue(body.id, 'auto', body.id).catch((error: Error) => this.logger.warn(`webhook for refund ${event.refundId} not queued yet: ${error.message}`));
  }

  /** From a payout's final status: records and queues `payout.paid` or `payout.failed` (transactionId: the payout id). */
  async payoutFinished(event: PayoutEvent): Promise<void> {
    if (event.status === 'pending') return;
    const merchant = await this.merchants.merchantSnapshot(event.merchantId);
    if (!merchant?.webhookUrl) return;
    const type = event.status === 'paid' ? 'payout.paid' : 'payout.failed';
    const body = toPayoutWebhookEvent(type, event);
    await this.record({ _id: body.id, merchantId: event.merchantId, transactionId: event.payoutId, type, payload: JSON.stringify(body), status: 'pending', attempts: 0 });
    await this.enqueue(body.id, 'auto', body.id).catch((error: Error) => this.logger.warn(`webhook for payout ${event.payoutId} not queued yet: ${error.message}`));
  }

  /** Queues another delivery of an event (same id and body, fresh signature). */
  async resend(merchantId: string, deliveryId: string, principal: Principal): Promise<{ deliveryId: string; queueJobId: string }> {
    this.assertMayView(merchantId, principal);
    const delivery = await this.deliveries.findById(deliveryId).lean().exec();
    if (!delivery || delivery.merchantId !== merchantId) throw new NotFoundException('Delivery not found');
    const queueJobId = await this.enqueue(deliveryId, 'resend', `${deliveryId}:resend:${randomUUID()}`);
    return { deliveryId, queueJobId };
  }

  async list(merchantId: string, principal: Principal, options: { limit: number; status?: DeliveryStatus }): Promise<DeliveryView[]> {
    this.assertMayView(merchantId, principal);
    const filter = { merchantId, ...(options.status && { status: options.status }) };
    const deliveries = await this.deliveries.find(filter).sort({ createdAt: -1 }).limit(options.limit).lean().exec();
    const attempts = deliveries.length
      ? await this.attempts.find({ deliveryId: { $in: deliveries.map((d) => d._id) } }).sort({ at: 1 }).limit(options.limit * 50).lean().exec()
      : [];
    return deliveries.map((delivery) => toView(delivery, attempts.filter((a) => a.deliveryId === delivery._id)));
  }

  /** One attempt (a Bull job run). Throws WebhookDeliveryFailed so Bull retries; returns on success or when there is nothing to do. */
  async attempt(data: WebhookJobData, attemptNumber: number, lastAttempt: boolean): Promise<string> {
    const delivery = await this.deliveries.findById(data.deliveryId).lean().exec();
    if (!delivery) return 'unknown delivery';
    const target = await this.merchants.webhookTarget(delivery.merchantId);
    if (!target) {
      await this.deliveries.updateOne({ _id: delivery._id }, { $set: { status: 'cancelled', lastError: 'the merchant has no webhook URL any more' } }).exec();
      return 'cancelled';
    }
    const result = await this.post(target.url, delivery, target.secrets);
    const at = new Date();
    const count = (await this.attempts.countDocuments({ deliveryId: delivery._id }).exec()) + 1;
    await this.attempts.create({
      _id: randomUUID(),
      deliveryId: delivery._id,
      merchantId: delivery.merchantId,
      attempt: count,
      trigger: data.trigger,
      url: target.url,
      status: result.ok ? 'succeeded' : 'failed',
      ...(result.statusCode && { responseCode: result.statusCode }),
      latencyMs: result.latencyMs,
      ...(result.error && { error: result.error.slice(0, 500) }),
      at,
    });
    // A resend that fails does not undo an earlier successful delivery.
    const status = result.ok || delivery.status === 'delivered' ? 'delivered' : lastAttempt ? 'failed' : 'retrying';
    await this.deliveries
      .updateOne(
        { _id: delivery._id },
        {
          $set: {
            status,
            attempts: count,
            lastAttemptAt: at,
            ...(result.statusCode ? { lastResponseCode: result.statusCode } : {}),
            ...(result.ok ? { deliveredAt: at } : { lastError: result.error?.slice(0, 500) }),
          },
          ...(result.ok && { $unset: { lastError: 1 } }),
        },
      )
      .exec();
    if (!result.ok) throw new WebhookDeliveryFailed(`webhook ${delivery._id} to ${delivery.merchantId} failed (attempt ${attemptNumber}): ${result.error}`);
    return 'delivered';
  }

  /** Deliveries recorded but never queued (Redis was away): queue them; the job id dedupes. */
  async requeuePending(olderThanMs = 60_000): Promise<number> {
    const stale = await this.deliveries
      .find({ status: 'pending', createdAt: { $lt: new Date(Date.now() - olderThanMs) } })
      .limit(100)
      .lean()
      .exec();
    for (const delivery of stale) await this.enqueue(delivery._id, 'auto', delivery._id);
    return stale.length;
  }

  private async post(url: string, delivery: WebhookDelivery, secrets: string[]): Promise<PostResult> {
    const policy = this.merchants.webhookUrlPolicy;
    try {
      assertWebhookUrlShape(url, policy);
    } catch (error) {
      if (error instanceof WebhookUrlRefused) return { ok: false, latencyMs: 0, error: `URL refused: ${error.message}` };
      throw error;
    }
    return postJson(url, delivery.payload, {
      timeoutMs: this.config.timeoutMs,
      lookup: guardedLookup(policy),
      headers: {
        'User-Agent': USER_AGENT,
        [SIGNATURE_HEADER]: signWebhook(delivery.payload, secrets),
        'X-NFCPay-Event-Id': delivery._id,
        'X-NFCPay-Event-Type': delivery.type,
      },
    });
  }

  private async record(delivery: Omit<WebhookDelivery, 'createdAt' | 'updatedAt'>): Promise<void> {
    try {
      await this.deliveries.create(delivery);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  private async enqueue(deliveryId: string, trigger: WebhookJobData['trigger'], jobId: string): Promise<string> {
    const options: JobOptions = {
      jobId,
      attempts: trigger === 'resend' ? 1 : this.config.maxAttempts,
      backoff: { type: 'exponential', delay: this.config.retryDelayMs },
      // Bull's own bound, above the HTTP timeout, in case a socket misbehaves.
      timeout: this.config.timeoutMs + 5_000,
      removeOnComplete: 1_000,
      removeOnFail: 5_000,
    };
    const job = await this.queue.add(WEBHOOK_JOB, { deliveryId, trigger }, options);
    return String(job.id);
  }

  /** Admins see every merchant's deliveries; a terminal or staff member only its own merchant's (others: 404). */
  private assertMayView(merchantId: string, principal: Principal): void {
    if (!isAdmin(principal) && merchantOf(principal) !== merchantId) throw new NotFoundException('Merchant not found');
  }
}

function toView(delivery: WebhookDelivery, attempts: WebhookAttempt[]): DeliveryView {
  return {
    deliveryId: delivery._id,
    eventId: delivery._id,
    type: delivery.type,
    transactionId: delivery.transactionId,
    status: delivery.status,
    attempts: delivery.attempts,
    lastResponseCode: delivery.lastResponseCode ?? null,
    lastError: delivery.lastError ?? null,
    createdAt: delivery.createdAt,
    deliveredAt: delivery.deliveredAt ?? null,
    log: attempts.map((a) => ({
      attempt: a.attempt,
      trigger: a.trigger,
      at: a.at,
      status: a.status,
      responseCode: a.responseCode ?? null,
      latencyMs: a.latencyMs,
      error: a.error ?? null,
      url: a.url,
    })),
  };
}
