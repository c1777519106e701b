import 'reflect-metadata';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { io, type Socket } from 'socket.io-client';
import { RootModule } from '../src/roles/root.module';
import { benchConfiguration } from './bench-app';
import { TokenService } from '../src/auth/token.service';
import { EmbeddedServer, startMongo, startRedis } from '../src/embedded/embedded-servers';
import { PAYMENT_UPDATED, type PaymentEvent } from '../src/payments/payment.events';
import { SOCKET_PATH } from '../src/realtime/realtime.constants';
import { RealtimeService } from '../src/realtime/realtime.service';

/**
 * `npm run bench:ws`: delivery latency of realtime events with WS_BENCH_CLIENTS (1000) connected
 * clients. The real app (AppModule + the realtime module, the Redis adapter with recovery on)
 * listens in this process; the clients run in a child process, so their work does not slow the
 * server. Latency is measured from the moment a payment's status change is announced (the
 * `payment.updated` domain event, emitted right after the database update) to the moment the
 * client's `transaction:update` handler runs, on one clock (performance.timeOrigin + now()).
 *
 * Phase 1, targeted: WS_BENCH_RATE (500) status changes per second for WS_BENCH_SECONDS (10),
 * each to one cardholder's room. Phase 2, fan-out: WS_BENCH_ALERTS (20) `system:alert`s to every
 * client, 200 ms apart. Goal: p99 under 20 ms.
 *
 * Uses MONGODB_URI / REDIS_URL when set, else starts embedded servers.
 */
export interface WsBenchResult {
  clients: number;
  connectSeconds: number;
  targeted: Stats & { rate: number; seconds: number; lost: number };
  fanout: Stats & { alerts: number; lost: number };
}

interface Stats {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

type ToChild = { kind: 'connect'; url: string; tokens: string[] } | { kind: 'report' };
type FromChild =
  | { kind: 'connected'; failed: number }
  | { kind: 'report'; updates: Array<[string, number]>; alerts: Array<[string, number]> };

const now = () => performance.timeOrigin + performance.now();

export async function main(): Promise<WsBenchResult> {
  const clients = Number(process.env.WS_BENCH_CLIENTS ?? 1000);
  const rate = Number(process.env.WS_BENCH_RATE ?? 500);
  const seconds = Number(process.env.WS_BENCH_SECONDS ?? 10);
  const alerts = Number(process.env.WS_BENCH_ALERTS ?? 20);

  const servers: EmbeddedServer[] = [];
  const redis = process.env.REDIS_URL ? undefined : await startRedis();
  if (redis) servers.push(redis);
  const mongo = process.env.MONGODB_URI ? undefined : await startMongo((line) => console.log(line));
  if (mongo) servers.push(mongo);
  const isolation = `wsbench_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const config = benchConfiguration({
    MONGODB_DB_NAME: isolation,
    REDIS_KEY_PREFIX: `${isolation}:`,
    APP_ROLE: 'api',
    ...(redis && { REDIS_URL: redis.uri }),
    ...(mongo && { MONGODB_URI: mongo.uri }),
  });

  const app = await NestFactory.create<NestExpressApplication>(RootModule.forConfig(config), { logger: ['error', 'warn'] });
  const child = fork(__filename, ['--clients'], { stdio: 'inherit' });
  try {
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const tokens = app.get(TokenService);
    const userIds = Array.from({ length: clients }, (_, i) => `bench-user-${i}`);
    const issued = await Promise.all(userIds.map((id) => tokens.issue({ id, role: 'user' })));

    console.log(`ws bench: ${clients} clients on ${url}; ${rate}/s status changes for ${seconds} s, then ${alerts} alerts to all`);
    const connectStarted = now();
    const connected = await ask(child, { kind: 'connect', url, tokens: issued }, 'connected');
    const connectSeconds = (now() - connectStarted) / 1000;
    if (connected.failed) throw new Error(`${connected.failed} clients could not connect`);
    console.log(`connected ${clients} clients in ${connectSeconds.toFixed(2)} s`);

    const events = app.get(EventEmitter2);
    const sentAt = new Map<string, number>();
    const fire = (n: number, measure: boolean) => {
      const transactionId = `bench_${measure ? 'm' : 'w'}_${n}`;
      const event: PaymentEvent = {
        transactionId,
        status: 'processing',
        cardUuid: `bench-card-${n % clients}`,
        userId: userIds[n % clients],
        merchantId: `bench-merchant-${n % 10}`,
        terminalId: `bench-terminal-${n % 50}`,
        amount: 75_000,
        currency: 'VND',
        createdAt: new Date(),
        at: new Date(),
      };
      if (measure) sentAt.set(transactionId, now());
      events.emit(PAYMENT_UPDATED, event);
    };
    await paced(rate, 1, (n) => fire(n, false)); // warm-up
    await paced(rate, seconds, (n) => fire(n, true));

    const realtime = app.get(RealtimeService);
    const alertSentAt = new Map<string, number>();
    for (let i = 0; i < alerts; i++) {
      const message = `bench alert ${i}`;
      alertSentAt.set(message, now());
      realtime.systemAlert({ message, level: 'info', audience: 'all' });
      await sleep(200);
    }
    await sleep(1_000);

    const report = await ask(child, { kind: 'report' }, 'report');
    const targetedLatencies = report.updates.filter(([id]) => sentAt.has(id)).map(([id, at]) => at - sentAt.get(id)!);
    const fanoutLatencies = report.alerts.filter(([m]) => alertSentAt.has(m)).map(([m, at]) => at - alertSentAt.get(m)!);
    const result: WsBenchResult = {
      clients,
      connectSeconds,
      targeted: { ...stats(targetedLatencies), rate, seconds, lost: sentAt.size - targetedLatencies.length },
      fanout: { ...stats(fanoutLatencies), alerts, lost: alerts * clients - fanoutLatencies.length },
    };
    const line = (s: Stats) => `p50 ${s.p50.toFixed(2)} ms, p90 ${s.p90.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(2)} ms`;
    console.log(`status change → client (${result.targeted.count} events, ${result.targeted.lost} lost): ${line(result.targeted)}`);
    console.log(`system:alert → all ${clients} clients (${result.fanout.count} deliveries, ${result.fanout.lost} lost): ${line(result.fanout)}`);
    console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
    console.log(result.targeted.p99 < 20 && result.targeted.lost === 0 ? 'OK: p99 under 20 ms, nothing lost' : 'SLOW or LOSSY: p99 20 ms or more, or events lost');
    return result;
  } finally {
    child.kill();
    await app.close();
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** Calls `fire(n)` at a fixed arrival rate (open loop). */
async function paced(rate: number, seconds: number, fire: (n: number) => void): Promise<void> {
  const total = Math.round(rate * seconds);
  let sent = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000));
      while (sent < due) fire(sent++);
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ask<K extends FromChild['kind']>(child: ReturnType<typeof fork>, message: ToChild, answer: K): Promise<Extract<FromChild, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: FromChild) => {
      if (reply.kind !== answer) return;
      child.off('message', onMessage);
      resolve(reply as Extract<FromChild, { kind: K }>);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`bench client process exited (${code})`)));
    child.send(message);
  });
}

/** The child process: holds the clients and notes when each event arrives. */
function clientProcess(): void {
  const sockets: Socket[] = [];
  const updates: Array<[string, number]> = [];
  const alerts: Array<[string, number]> = [];
  process.on('message', async (message: ToChild) => {
    if (message.kind === 'connect') {
      let failed = 0;
      for (let i = 0; i < message.tokens.length; i += 100) {
        const batch = message.tokens.slice(i, i + 100).map(
          (token) =>
            new Promise<void>((resolve) => {
              const socket = io(message.url, { path: SOCKET_PATH, transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
              sockets.push(socket);
              socket.on('transaction:update', (payload: { transactionId: string }) => updates.push([payload.transactionId, now()]));
              socket.on('system:alert', (payload: { message: string }) => alerts.push([payload.message, now()]));
              socket.once('connected', () => resolve());
              socket.once('connect_error', () => {
                failed++;
                resolve();
              });
            }),
        );
        await Promise.all(batch);
      }
      process.send!({ kind: 'connected', failed } satisfies FromChild);
    } else if (message.kind === 'report') {
      process.send!({ kind: 'report', updates, alerts } satisfies FromChild, () => {
        sockets.forEach((socket) => socket.disconnect());
        process.exit(0);
      });
    }
  });
}

if (process.argv.includes('--clients')) {
  clientProcess();
} else if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('ws bench failed:', error);
      process.exit(1);
    },
  );
}
