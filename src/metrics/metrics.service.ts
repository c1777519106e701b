import { getQueueToken } from '@nestjs/bull';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Queue } from 'bull';
import type { Connection } from 'mongoose';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { commandOrigin } from '../common/database/command-origin';
import { FraudService } from '../fraud/fraud.service';
import { RealtimeService } from '../realtime/realtime.service';
import { RevisionedCache } from '../redis/revisioned-cache';

const QUEUES = ['payments', 'notifications'] as const;
const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'paused'] as const;

/**
 * Every Prometheus series of the app, in a registry of its own (not prom-client's global one, so
 * several apps in one process — tests, benches — do not collide). Counters count what this
 * process saw; Prometheus sums them over instances.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'nfcpay_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly paymentsAccepted = new Counter({ name: 'nfcpay_payments_accepted_total', help: 'Payments accepted by process-async (202)', registers: [this.registry] });
  readonly paymentsDeclined = new Counter({
    name: 'nfcpay_payments_declined_total',
    help: 'Payments declined by process-async (400), by declineCode',
    labelNames: ['decline_code'] as const,
    registers: [this.registry],
  });
  readonly offlineExposure = new Counter({
    name: 'nfcpay_offline_exposure_amount_total',
    help: 'Amount of the taps terminals took offline, by outcome on arrival (declined: carried by the merchant)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly pinVerifications = new Counter({
    name: 'nfcpay_pin_verifications_total',
    help: 'Taps that waited for the cardholder PIN, by how they were decided: verified, declined (wrong PINs, a blocked card) or expired',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly requestsShed = new Counter({ name: 'nfcpay_http_requests_shed_total', help: 'Requests answered 503 at once because MAX_IN_FLIGHT_REQUESTS were in progress', registers: [this.registry] });
  readonly paymentsCompleted = new Counter({ name: 'nfcpay_payments_completed_total', help: 'Payments settled on chain', registers: [this.registry] });
  readonly paymentsFailed = new Counter({ name: 'nfcpay_payments_failed_total', help: 'Payments whose settlement failed for good', registers: [this.registry] });
  readonly paymentsCancelled = new Counter({ name: 'nfcpay_payments_cancelled_total', help: 'Pending payments cancelled', registers: [this.registry] });
  readonly refunds = new Counter({ name: 'nfcpay_refunds_total', help: 'Refunds by status: pending when asked for, then succeeded or failed', labelNames: ['status'] as const, registers: [this.registry] });
  readonly payouts = new Counter({ name: 'nfcpay_payouts_total', help: 'Payouts by status: pending when asked for, then paid or failed', labelNames: ['status'] as const, registers: [this.registry] });
  readonly acceptToCompleted = new Histogram({
    name: 'nfcpay_payment_accept_to_completed_seconds',
    help: 'From the pending payment being recorded to its completion on chain',
    buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120],
    registers: [this.registry],
  });
  readonly fraudDecisions = new Counter({
    name: 'nfcpay_fraud_decisions_total',
    help: 'Fraud assessments by decision (allow, review, block)',
    labelNames: ['decision'] as const,
    registers: [this.registry],
  });

  readonly dbCommands = new Counter({
    name: 'nfcpay_db_commands_total',
    help: 'MongoDB commands sent, by command, collection, origin (request: an HTTP request and what it started; background: jobs, sweeps, schedules) and the fields they filter on (FerretDB scans for anything but `_id`). Counted only with MONGODB_MONITOR_COMMANDS=true',
    labelNames: ['command', 'collection', 'origin', 'filter'] as const,
    registers: [this.registry],
  });

  private readonly cacheSeen = { hits: 0, misses: 0 };
  private readonly cacheHits: Counter = new Counter({
    name: 'nfcpay_cache_hits_total',
    help: 'Card, merchant and terminal lookups answered from the Redis cache (RevisionedCache)',
    registers: [this.registry],
    collect: (): void => this.syncCache(),
  });
  private readonly cacheMisses: Counter = new Counter({
    name: 'nfcpay_cache_misses_total',
    help: 'Card, merchant and terminal lookups that went to MongoDB',
    registers: [this.registry],
    collect: (): void => this.syncCache(),
  });

  constructor(private readonly moduleRef: ModuleRef) {
    collectDefaultMetrics({ register: this.registry, prefix: 'nfcpay_' });
    const service = this;
    new Gauge({
      name: 'nfcpay_queue_jobs',
      help: 'Jobs in each Bull queue by state (counted in Redis, so the same on every instance)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        await Promise.all(
          QUEUES.map(async (name) => {
            const queue = service.queue(name);
            if (!queue) return;
            const counts = (await queue.getJobCounts().catch(() => undefined)) as Record<string, number> | undefined;
            if (!counts) return;
            for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
    new Gauge({
      name: 'nfcpay_socket_connections',
      help: "Socket.IO connections on this instance, by the principal's role",
      labelNames: ['role'] as const,
      registers: [this.registry],
      collect() {
        const counts = { user: 0, terminal: 0, admin: 0, merchant: 0 };
        for (const socket of service.localSockets()) {
          const role = (socket.data as { principal?: { role?: keyof typeof counts } } | undefined)?.principal?.role;
          if (role && role in counts) counts[role]++;
        }
        for (const [role, count] of Object.entries(counts)) this.set({ role }, count);
      },
    });
    new Gauge({
      name: 'nfcpay_cache_hit_ratio',
      help: 'hits / (hits + misses) of card, merchant and terminal lookups since this process started',
      registers: [this.registry],
      collect() {
        const { hits, misses } = service.cacheStats();
        this.set(hits + misses ? hits / (hits + misses) : 0);
      },
    });
  }

  /**
   * Fraud decisions are counted where they are made: FraudService.assess is wrapped on its
   * singleton (the fraud module emits no event per assessment). Payments call it through its
   * FRAUD_PORT, which is the same instance, so every decision passes here.
   */
  onModuleInit(): void {
    this.countDatabaseCommands();
    const fraud = this.fraudService();
    if (!fraud) return;
    const assess = fraud.assess.bind(fraud);
    fraud.assess = async (input, context) => {
      const assessment = await assess(input, context);
      this.fraudDecisions.inc({ decision: assessment.decision });
      return assessment;
    };
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The driver emits these only when the connection was opened with monitorCommands (MONGODB_MONITOR_COMMANDS). */
  private countDatabaseCommands(): void {
    let client: ReturnType<Connection['getClient']> | undefined;
    try {
      client = this.moduleRef.get<Connection>(getConnectionToken(), { strict: false }).getClient();
    } catch {
      return;
    }
    client?.on('commandStarted', (event) => {
      const collection = event.command[event.commandName];
      this.dbCommands.inc({ command: event.commandName, collection: typeof collection === 'string' ? collection : '', origin: commandOrigin(), filter: filterShape(event.command) });
    });
  }

  /** Absent where no payment is assessed (the admin command). */
  private fraudService(): FraudService | undefined {
    try {
      return this.moduleRef.get(FraudService, { strict: false });
    } catch {
      return undefined;
    }
  }

  private queue(name: string): Queue | undefined {
    try {
      return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
    } catch {
      return undefined;
    }
  }

  private localSockets(): Iterable<{ data?: unknown }> {
    try {
      // RealtimeService keeps the Socket.IO server it was attached to; only this instance's sockets are counted.
      const realtime = this.moduleRef.get(RealtimeService, { strict: false }) as unknown as { server?: { of(ns: string): { sockets: Map<string, { data?: unknown }> } } };
      return realtime.server?.of('/').sockets.values() ?? [];
    } catch {
      return [];
    }
  }

  private cacheStats(): { hits: number; misses: number } {
    try {
      return this.moduleRef.get(RevisionedCache, { strict: false }).stats();
    } catch {
      return { hits: 0, misses: 0 };
    }
  }

  /** RevisionedCache keeps running totals; the counters take the growth since the last scrape. */
  private syncCache(): void {
    const now = this.cacheStats();
    if (now.hits > this.cacheSeen.hits) this.cacheHits.inc(now.hits - this.cacheSeen.hits);
    if (now.misses > this.cacheSeen.misses) this.cacheMisses.inc(now.misses - this.cacheSeen.misses);
    this.cacheSeen.hits = now.hits;
    this.cacheSeen.misses = now.misses;
  }
}

/** The fields a command filters on, e.g. `_id` or `cardUuid,ownerId` (empty for inserts and whole-collection reads). */
function filterShape(command: Record<string, any>): string {
  const filter = command.filter ?? command.query ?? command.q ?? command.updates?.[0]?.q ?? command.deletes?.[0]?.q;
  return filter && typeof filter === 'object' ? Object.keys(filter).sort().join(',') : '';
}
