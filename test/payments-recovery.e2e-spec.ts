import { getModelToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Model } from 'mongoose';
import Redis from 'ioredis';
import request from 'supertest';
import { EmbeddedServer, startRedis } from '../src/embedded/embedded-servers';
import { findFreePort } from '../src/embedded/free-port';
import { PaymentTransactionsRepository } from '../src/payments/payment-transactions.repository';
import { OutboxEntry } from '../src/payments/schemas/outbox-entry.schema';
import { SpendingLimitsService } from '../src/payments/spending-limits.service';
import { closeTestApp, createTestApp, newIsolation } from './support/test-app';
import { bearer, registerCard, registerUser, seedSession, Session, TestUser } from './support/session';
import { ledgerBalance, pay, relaxFraudRules, statusOf, waitForFinal } from './support/payments';
import { killSpawned, startWholeApp, startWorker } from './support/spawned-app';
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
  expect((await ledgerBalance(app, s.merchant.settlementAddress)) - before).toBe(total * MIST_PER_UNIT);
}

describe('settlement survives losing its queue and its worker', () => {
  let redis: EmbeddedServer;
  const apps: NestExpressApplication[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    killSpawned();
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

  it('gives the limit back and raises the alert of a payment whose process died right after marking it failed', async () => {
    const doomed = 1_717;
    const app = await createTestApp({ env: { REDIS_URL: redis.uri, LOCAL_LEDGER_FAULTS: `${doomed * 1000}:permanent`, OUTBOX_SWEEP_INTERVAL_MS: '200' } });
    apps.push(app);
    const s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
    // The first thing after the payment's document is final fails, as if the process died there.
    const limits = app.get(SpendingLimitsService);
    const release = limits.release.bind(limits);
    let crashed = false;
    limits.release = async (...args) => {
      if (crashed) return release(...args);
      crashed = true;
      throw new Error('simulated crash right after the payment was marked failed');
    };

    const { body } = await pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount: doomed, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
    expect((await waitForFinal(app, s.adminToken, body.transactionId)).status).toBe('failed');
    expect(crashed).toBe(true);

    await waitFor(async () => (await limits.reservedToday(s.cardUuid)) === 0, 20_000, 'the limit to be given back');
    await waitFor(
      async () => JSON.stringify((await request(app.getHttpServer()).get('/api/alerts').set(bearer(s.adminToken)).expect(200)).body).includes(body.transactionId),
      20_000,
      'the alert',
    );
  });

  it('gives back the limit of a payment that could not be written: at once, or by the sweep when the process died first', async () => {
    const app = await createTestApp({ env: { REDIS_URL: redis.uri, OUTBOX_SWEEP_INTERVAL_MS: '200' } });
    apps.push(app);
    const s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
    const limits = app.get(SpendingLimitsService);
    const repository = app.get(PaymentTransactionsRepository);
    const insert = repository.insert.bind(repository);
    const failNextInsert = () => {
      repository.insert = async () => {
        repository.insert = insert;
        throw new Error('simulated: the payment store is away');
      };
    };
    const tap = () => pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount: 30_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId });

    failNextInsert();
    await tap().expect(500);
    expect(await limits.reservedToday(s.cardUuid)).toBe(0);

    // Now the process dies before it can give the reservation back; the sweep does once the entry is old.
    failNextInsert();
    const release = limits.release.bind(limits);
    limits.release = async () => {
      limits.release = release;
      throw new Error('simulated crash before giving the reservation back');
    };
    await tap().expect(500);
    expect(await limits.reservedToday(s.cardUuid)).toBe(30_000);
    await app.get<Model<OutboxEntry>>(getModelToken(OutboxEntry.name)).updateMany({}, { $set: { createdAt: new Date(Date.now() - 120_000) } });
    await waitFor(async () => (await limits.reservedToday(s.cardUuid)) === 0, 10_000, 'the sweep to give the limit back');
  });

  it('re-queues accepted payments after Redis is flushed, and settles each exactly once', async () => {
    const isolation = newIsolation();
    const api = await apiOnly(isolation);
    const s = await seedSession(api);
    const before = await ledgerBalance(api, s.merchant.settlementAddress);
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
    const before = await ledgerBalance(api, s.merchant.settlementAddress);
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

  it('completes every payment when the process dies while same-amount payments of each wallet settle', async () => {
    const isolation = newIsolation();
    const api = await apiOnly(isolation);
    const s = await seedSession(api);
    await relaxFraudRules(api, s.adminToken);
    const cards = await Promise.all(Array.from({ length: 20 }, async (_, i) => registerCard(api, await registerUser(api, `tapper${i}`))));
    const before = await ledgerBalance(api, s.merchant.settlementAddress);
    const port = await findFreePort();

    // API and settlement in one process, as `npm start` runs it; each cardholder taps three times for the same amount.
    const first = await startWholeApp(isolation, redis.uri, port);
    const ids: string[] = [];
    for (let round = 0; round < 3; round++) ids.push(...(await Promise.all(cards.map((cardUuid) => tap(port, s, cardUuid, 20_000)))));
    await waitFor(async () => (await statuses(api, s.adminToken, ids)).some((t) => t.status === 'completed'), 30_000, 'a first settlement');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    const second = await startWholeApp(isolation, redis.uri, port);
    try {
      await waitFor(async () => (await statuses(api, s.adminToken, ids)).every((t) => ['completed', 'failed'].includes(t.status)), 45_000, 'all payments to end');
    } finally {
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
    }
    const failed = (await statuses(api, s.adminToken, ids)).filter((t) => t.status !== 'completed');
    expect(failed.map((t) => t.failureReason)).toEqual([]);
    await expectSettledExactlyOnce(api, s, ids, 60n * 20_000n, before);
  }, 90_000);
});

/** One tap at the session's terminal, through the spawned app's HTTP API. */
async function tap(port: number, s: Session, cardUuid: string, amount: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/payment/process-async`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.terminal.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ cardUuid, amount, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }),
  });
  const body = (await res.json()) as { transactionId: string };
  if (res.status !== 202) throw new Error(`tap answered ${res.status}: ${JSON.stringify(body)}`);
  return body.transactionId;
}
