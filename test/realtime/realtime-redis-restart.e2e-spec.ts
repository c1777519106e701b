import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { EventEmitter2 } from '@nestjs/event-emitter';
import request from 'supertest';
import { findOnPath } from '../../src/embedded/embedded-servers';
import { findFreePort } from '../../src/embedded/free-port';
import { waitForPort } from '../../src/embedded/wait-for-port';
import { PAYMENT_UPDATED, type PaymentEvent } from '../../src/payments/payment.events';
import { bearer, seedSession, type Session } from '../support/session';
import { closeClients, connect, createRealtimeApp, listen, nextEvent, sleep } from './realtime-support';

/** A Redis of this file's own, on a fixed port, so it can be stopped and started again. */
class RestartableRedis {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'nfcpay-rt-redis-'));

  constructor(readonly port: number) {}

  get uri(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const binary = findOnPath('redis-server');
    if (!binary) throw new Error('redis-server is not on PATH');
    const child = spawn(binary, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: 'ignore' });
    this.child = child;
    await waitForPort(this.port, 20_000, () => child.exitCode === null && child.signalCode === null);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('realtime while Redis restarts', () => {
  let redis: RestartableRedis;
  let app: NestExpressApplication;
  let url: string;
  let session: Session;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    redis = new RestartableRedis(await findFreePort());
    await redis.start();
    app = await createRealtimeApp({ env: { REDIS_URL: redis.uri } });
    url = await listen(app);
    session = await seedSession(app);
  });

  afterAll(async () => {
    closeClients();
    await app?.close();
    await redis?.remove();
    process.off('unhandledRejection', onUnhandled);
  });

  it('keeps serving while Redis is away, and a broadcast made meanwhile reaches the client once it is back', async () => {
    const { socket } = await connect(url, { token: session.user.token, reconnection: true });
    await redis.stop();

    // Still answering: ws-status does not wait for the adapter forever.
    const started = Date.now();
    const status = await request(app.getHttpServer()).get('/api/payment/ws-status').set(bearer(session.adminToken));
    expect(status.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(6_000);

    const missed: PaymentEvent = {
      transactionId: `nfc_redis_away_${Date.now()}`,
      status: 'processing',
      cardUuid: session.cardUuid,
      userId: session.user.id,
      merchantId: session.merchant.merchantId,
      terminalId: session.terminal.terminalId,
      amount: 1_000,
      currency: 'VND',
      createdAt: new Date(),
      at: new Date(),
    };
    const delivered = nextEvent(socket, 'transaction:update', 20_000, (p) => p.transactionId === missed.transactionId);
    app.get(EventEmitter2).emit(PAYMENT_UPDATED, missed);
    await sleep(3_000); // the outage lasts several reconnection attempts

    await redis.start();
    expect(await delivered).toMatchObject({ transactionId: missed.transactionId, status: 'processing' });
    expect(unhandled).toEqual([]);
  }, 60_000);
});
