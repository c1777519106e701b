import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import Redis from 'ioredis';
import request from 'supertest';
import { EmbeddedServer, startRedis } from '../src/embedded/embedded-servers';
import { SpendingLimitsService } from '../src/payments/spending-limits.service';
import { closeTestApp, createTestApp, newIsolation } from './support/test-app';
import { bearer, registerCard, registerUser, seedSession, Session, TestUser } from './support/session';
import { ledgerBalance, pay, relaxFraudRules, statusOf } from './support/payments';
import { waitFor } from './support/wait';

const MIST_PER_UNIT = 1000n;

/** Accepts `count` payments spread over a few cardholders while no worker runs. */
async function acceptPayments(app: NestExpressApplication, s: Session, count: number): Promise<{ ids: string[]; total: bigint }> {
  await relaxFraudRules(app, s.adminToken);
  const holders: { user: TestUser; cardUuid: string }[] = [];
  for (let i = 0; i < 4; i++) {
    const user = await registerUser(app, `payer${i}`);
    holders.push({ user, cardUuid: await registerCard(app, user) });
  }
  const ids: string[] = [];
  let total = 0n;
  for (let i = 0; i < count; i++) {
    const { cardUuid } = holders[i % holders.length];
    const amount = 1_000 + i;
    const res = await pay(app, s.terminal.token, { cardUuid, amount, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
    ids.push(res.body.transactionId);
    total += BigInt(amount);
  }
  return { ids, total };
}

async function statuses(app: NestExpressApplication, token: string, ids: string[]) {
  return Promise.all(ids.map((id) => statusOf(app, token, id)));
}

/** Every payment completed, each with its own transfer, and the merchant paid exactly once per payment. */
async function expectSettledExactlyOnce(app: NestExpressApplication, s: Session, ids: string[], total: bigint, before: bigint) {
  const all = await statuses(app, s.adminToken, ids);
  expect(all.map((t) => t.status)).toEqual(ids.map(() => 'completed'));
  expect(new Set(all.map((t) => t.txHash)).size).toBe(ids.length);
  expect((await ledgerBalance(app, s.merchant.walletAddress)) - before).toBe(total * MIST_PER_UNIT);
}

describe('settlement survives losing its queue and its worker', () => {
  let redis: EmbeddedServer;
  const apps: NestExpressApplication[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    for (const app of apps) await closeTestApp(app);
    await redis.stop();
  });

  const apiOnly = async (isolation: string) => {
    const app = await createTestApp({ isolation, env: { REDIS_URL: redis.uri, APP_ROLE: 'api' } });
    apps.push(app);
    return app;
  };

  it('cancels a pending payment: cancelled, limit given back, and never settled', async () => {
    const api = await apiOnly(newIsolation());
    const s = await seedSession(api);
    const limits = api.get(SpendingLimitsService);
    const { body } = await pay(api, s.user.token, { cardUuid: s.cardUuid, amount: 40_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
    expect(await limits.reservedToday(s.cardUuid)).toBe(40_000);
    const res = await request(api.getHttpServer()).post(`/api/payment/${body.transactionId}/cancel`).set(bearer(s.user.token)).expect(200);
    expect(res.body.transaction).toMatchObject({ id: body.transactionId, status: 'cancelled' });
    expect(await limits.reservedToday(s.cardUuid)).toBe(0);
    await request(api.getHttpServer()).post(`/api/payment/${body.transactionId}/cancel`).set(bearer(s.user.token)).expect(409);
  });

  it('re-queues accepted payments after Redis is flushed, and settles each exactly once', async () => {
    const isolation = newIsolation();
    const api = await apiOnly(isolation);
    const s = await seedSession(api);
    const before = await ledgerBalance(api, s.merchant.walletAddress);
    const { ids, total } = await acceptPayments(api, s, 20);

    const admin = new Redis(redis.uri);
    await admin.flushall();
    admin.disconnect();

    const worker = await createTestApp({ isolation, env: { REDIS_URL: redis.uri, APP_ROLE: 'all', OUTBOX_SWEEP_INTERVAL_MS: '200' } });
    apps.push(worker);
    await waitFor(async () => (await statuses(api, s.adminToken, ids)).every((t) => t.status === 'completed'), 30_000, 'all payments to complete');
    await expectSettledExactlyOnce(api, s, ids, total, before);
  });

  it('finishes what a worker killed with SIGKILL mid-stream left, each payment settled exactly once', async () => {
    const isolation = newIsolation();
    const api = await apiOnly(isolation);
    const s = await seedSession(api);
    const before = await ledgerBalance(api, s.merchant.walletAddress);
    const { ids, total } = await acceptPayments(api, s, 60);

    const first = startWorker(isolation, redis.uri);
    await waitFor(async () => (await statuses(api, s.adminToken, ids)).some((t) => t.status === 'completed'), 30_000, 'a first settlement');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const afterKill = await statuses(api, s.adminToken, ids);
    expect(afterKill.filter((t) => t.status === 'completed').length).toBeLessThan(ids.length);

    const second = startWorker(isolation, redis.uri);
    try {
      await waitFor(async () => (await statuses(api, s.adminToken, ids)).every((t) => t.status === 'completed'), 45_000, 'all payments to complete');
    } finally {
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
    }
    await expectSettledExactlyOnce(api, s, ids, total, before);
  }, 90_000);
});

const workers: ChildProcess[] = [];

/** A worker-only process (`APP_ROLE=worker`) of the built app, sharing the test's database and Redis. */
function startWorker(isolation: string, redisUrl: string): ChildProcess {
  const worker = spawn(process.execPath, [join(__dirname, '..', 'dist', 'main.js')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      LOG_FORMAT: 'json',
      APP_ROLE: 'worker',
      METRICS_PORT: '0',
      MONGODB_URI: process.env.TEST_MONGODB_URI,
      MONGODB_DB_NAME: isolation,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `${isolation}:`,
      // A killed worker's wallet leases and job locks lapse within seconds, not the production 30 s.
      WALLET_LEASE_TTL_MS: '11000',
      SUI_SUBMIT_TIMEOUT_MS: '1000',
      QUEUE_LOCK_DURATION_MS: '1500',
      QUEUE_STALLED_INTERVAL_MS: '1000',
      OUTBOX_SWEEP_INTERVAL_MS: '500',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  workers.push(worker);
  return worker;
}
