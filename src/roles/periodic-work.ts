import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { FOLD_EVERY_MS, RollupFolder } from '../analytics/rollup-folder';
import { paymentsConfig, type PaymentsConfig } from '../config/app.config';
import { CLEANUP_EVERY_MS, FLUSH_EVERY_MS } from '../fraud/fraud-assessments.store';
import { FraudAssessmentsStore } from '../fraud/fraud-assessments.store';
import { fraudConfig, type FraudConfig } from '../fraud/fraud.config';
import { FraudListsService } from '../fraud/fraud-lists.service';
import { FraudRulesService, REFRESH_EVERY_MS } from '../fraud/fraud-rules.service';
import { WebhooksService } from '../notifications/webhooks.service';
import { OutboxSweeper } from '../payments/outbox-sweeper';
import { MoneyOutboxSweeper } from '../refunds/money-outbox-sweeper';
import { PAYOUT_SCHEDULE_EVERY_MS, PayoutScheduler } from '../merchants/money/payout-scheduler';
import { RealtimeGateway, SESSION_REFRESH_MS } from '../realtime/realtime.gateway';

/** What the webhook sweep re-queues: deliveries recorded but never queued, or whose job was lost. */
const WEBHOOK_SWEEP_EVERY_MS = 60_000;

/**
 * Runs jobs every N ms through @nestjs/schedule (intervals come from configuration, so they are
 * registered here rather than with `@Interval`). A run never overlaps the previous one of the same
 * job, a failure is logged and retried at the next tick, and shutdown waits for runs in progress.
 */
abstract class PeriodicJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PeriodicWork');
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(private readonly registry: SchedulerRegistry) {}

  protected abstract jobs(): Array<[name: string, everyMs: number, run: () => Promise<unknown>]>;

  onApplicationBootstrap(): void {
    for (const [name, everyMs, run] of this.jobs()) {
      const timer = setInterval(() => this.tick(name, run), everyMs);
      timer.unref();
      this.registry.addInterval(name, timer);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const [name] of this.jobs()) this.registry.deleteInterval(name);
    await Promise.all(this.running.values());
  }

  private tick(name: string, run: () => Promise<unknown>): void {
    if (this.running.has(name)) return;
    const done = run()
      .catch((error: Error) => this.logger.warn(`${name} failed: ${error.message}`))
      .finally(() => this.running.delete(name));
    this.running.set(name, done);
  }
}

/**
 * Periodic work of every process that serves the API: keeping its fraud caches and buffers current,
 * and the sessions of its connected sockets alive in Redis (socket.io keeps one only on disconnect).
 */
@Injectable()
export class ApiPeriodicWork extends PeriodicJobs {
  constructor(
    registry: SchedulerRegistry,
    private readonly assessments: FraudAssessmentsStore,
    private readonly rules: FraudRulesService,
    private readonly lists: FraudListsService,
    @Inject(fraudConfig.KEY) private readonly fraud: FraudConfig,
    @Optional() private readonly gateway?: RealtimeGateway,
  ) {
    super(registry);
  }

  protected jobs(): Array<[string, number, () => Promise<unknown>]> {
    const jobs: Array<[string, number, () => Promise<unknown>]> = [
      ['fraud-assessments-flush', FLUSH_EVERY_MS, () => this.assessments.flush()],
      ['fraud-rules-reload', REFRESH_EVERY_MS, () => this.rules.reload()],
      ['fraud-lists-resync', this.fraud.listResyncSeconds * 1000, () => this.lists.resync()],
    ];
    const gateway = this.gateway;
    if (gateway) jobs.push(['socket-sessions-refresh', SESSION_REFRESH_MS, async () => gateway.keepSessions()]);
    return jobs;
  }
}

/** Periodic work of worker processes: the sweeps that make "nothing accepted is lost" true, and retention. */
@Injectable()
export class WorkerPeriodicWork extends PeriodicJobs {
  constructor(
    registry: SchedulerRegistry,
    private readonly outbox: OutboxSweeper,
    private readonly webhooks: WebhooksService,
    private readonly assessments: FraudAssessmentsStore,
    @Inject(paymentsConfig.KEY) private readonly payments: PaymentsConfig,
    private readonly rollups: RollupFolder,
    private readonly moneyOutbox: MoneyOutboxSweeper,
    private readonly payoutSchedule: PayoutScheduler,
  ) {
    super(registry);
  }

  protected jobs(): Array<[string, number, () => Promise<unknown>]> {
    return [
      ['outbox-sweep', this.payments.outboxSweepIntervalMs, () => this.outbox.sweep()],
      ['money-outbox-sweep', this.payments.outboxSweepIntervalMs, () => this.moneyOutbox.sweep()],
      ['payout-schedule', PAYOUT_SCHEDULE_EVERY_MS, () => this.payoutSchedule.run()],
      ['webhook-sweep', WEBHOOK_SWEEP_EVERY_MS, () => this.webhooks.requeuePending()],
      ['fraud-assessments-cleanup', CLEANUP_EVERY_MS, () => this.assessments.cleanup()],
      ['analytics-fold', FOLD_EVERY_MS, () => this.rollups.fold()],
    ];
  }
}
