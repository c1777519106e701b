import { getQueueToken } from '@nestjs/bull';
import { getModelToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bull';
import type { Model } from 'mongoose';
import type { ClientWithCoreApi } from '@mysten/sui/client';
import { SUI_CLIENT } from '../src/blockchain/blockchain.tokens';
import { systemClock } from '../src/common/time/clock';
import { OutboxSweeper } from '../src/payments/outbox-sweeper';
import { PAYMENTS_QUEUE } from '../src/payments/payment-queue';
import { PaymentClaim } from '../src/payments/schemas/payment-claim.schema';
import { SpendingLimitsService } from '../src/payments/spending-limits.service';
import { closeTestApp, createTestApp } from './support/test-app';
import { seedSession, Session } from './support/session';
import { ledgerBalance, pay, relaxFraudRules, statusOf, waitForFinal } from './support/payments';
import { waitFor } from './support/wait';

const MIST = 1000n;

/**
 * The ledger confirmed a payment's transfer, then recording its completion failed on every attempt
 * of its job: the payment must stay processing, its card limit held, until the outbox sweep runs it
 * again and the stored digest answers; it is never failed, its limit never given back.
 */
describe('a payment whose completion cannot be recorded', () => {
  let app: NestExpressApplication;
  let s: Session;

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => closeTestApp(app));

  it('stays processing with its limit held until the sweep completes it, with one transfer', async () => {
    const claims = app.get<Model<unknown>>(getModelToken(PaymentClaim.name));
    // Claims are written through the group commit (insertOne alone, insertMany when grouped): the
    // fault is at the collection, so it hits the completed claim however it is sent.
    const collection = claims.collection;
    const realOne = collection.insertOne.bind(collection);
    const realMany = collection.insertMany.bind(collection);
    const completedClaim = (doc: { _id?: unknown; outcome?: unknown }) => String(doc._id).endsWith(':final') && doc.outcome === 'completed';
    let tried = 0;
    const wentAway = () => {
      tried++;
      return new Error('the database went away');
    };
    jest.spyOn(collection, 'insertOne').mockImplementation((async (doc: { _id?: unknown; outcome?: unknown }, ...rest: unknown[]) => {
      if (completedClaim(doc)) throw wentAway();
      return (realOne as (...a: unknown[]) => unknown)(doc, ...rest);
    }) as never);
    jest.spyOn(collection, 'insertMany').mockImplementation((async (docs: Array<{ _id?: unknown; outcome?: unknown }>, ...rest: unknown[]) => {
      if (docs.some(completedClaim)) throw wentAway();
      return (realMany as (...a: unknown[]) => unknown)(docs, ...rest);
    }) as never);
    const limits = app.get(SpendingLimitsService);
    const [merchantBefore, reservedBefore] = await Promise.all([ledgerBalance(app, s.merchant.settlementAddress), limits.reservedToday(s.cardUuid)]);

    const res = await pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount: 2_500, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
    const transactionId = res.body.transactionId as string;
    const jobState = async () => (await app.get<Queue>(getQueueToken(PAYMENTS_QUEUE)).getJob(transactionId))?.getState();
    await waitFor(async () => ['failed', 'completed'].includes((await jobState()) ?? ''), 30_000, 'the settlement job to end');
    // Used up its attempts, each one throwing, rather than ending the payment.
    expect(await jobState()).toBe('failed');
    expect(tried).toBeGreaterThanOrEqual(2);
    expect((await statusOf(app, s.adminToken, transactionId)).status).toBe('processing');
    expect(await ledgerBalance(app, s.merchant.settlementAddress)).toBe(merchantBefore + 2_500n * MIST);
    expect(await limits.reservedToday(s.cardUuid)).toBe(reservedBefore + 2_500);

    jest.restoreAllMocks();
    // Past the grace a processing payment gets before the sweep takes it for lost.
    const clock = jest.spyOn(systemClock, 'now').mockReturnValue(new Date(Date.now() + 120_000));
    try {
      expect(await app.get(OutboxSweeper).sweep()).toBeGreaterThanOrEqual(1);
    } finally {
      clock.mockRestore();
    }
    expect((await waitForFinal(app, s.adminToken, transactionId, 20_000)).status).toBe('completed');
    expect(await ledgerBalance(app, s.merchant.settlementAddress)).toBe(merchantBefore + 2_500n * MIST);
    expect(await limits.reservedToday(s.cardUuid)).toBe(reservedBefore + 2_500);
  });

  it('keeps a payment whose submission landed but timed out on every attempt processing until the sweep finds its digest', async () => {
    // The node executes the transfer and the answer never comes back; asking it about the digest fails too.
    const ledger = app.get<ClientWithCoreApi>(SUI_CLIENT).core;
    const execute = ledger.executeTransaction.bind(ledger);
    let submitted = 0;
    jest.spyOn(ledger, 'executeTransaction').mockImplementation((async (options: Parameters<typeof execute>[0]) => {
      submitted++;
      await execute(options);
      throw Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    }) as never);
    jest.spyOn(ledger, 'getTransaction').mockRejectedValue(new Error('fetch failed: the node is unreachable'));
    const limits = app.get(SpendingLimitsService);
    const [merchantBefore, reservedBefore] = await Promise.all([ledgerBalance(app, s.merchant.settlementAddress), limits.reservedToday(s.cardUuid)]);

    const res = await pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount: 2_700, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
    const transactionId = res.body.transactionId as string;
    const jobState = async () => (await app.get<Queue>(getQueueToken(PAYMENTS_QUEUE)).getJob(transactionId))?.getState();
    await waitFor(async () => ['failed', 'completed'].includes((await jobState()) ?? ''), 30_000, 'the settlement job to end');
    expect(await jobState()).toBe('failed');
    expect(submitted).toBe(1);
    expect((await statusOf(app, s.adminToken, transactionId)).status).toBe('processing');
    expect(await ledgerBalance(app, s.merchant.settlementAddress)).toBe(merchantBefore + 2_700n * MIST);
    expect(await limits.reservedToday(s.cardUuid)).toBe(reservedBefore + 2_700);

    jest.restoreAllMocks();
    const clock = jest.spyOn(systemClock, 'now').mockReturnValue(new Date(Date.now() + 120_000));
    try {
      expect(await app.get(OutboxSweeper).sweep()).toBeGreaterThanOrEqual(1);
    } finally {
      clock.mockRestore();
    }
    expect((await waitForFinal(app, s.adminToken, transactionId, 20_000)).status).toBe('completed');
    expect(await ledgerBalance(app, s.merchant.settlementAddress)).toBe(merchantBefore + 2_700n * MIST);
    expect(await limits.reservedToday(s.cardUuid)).toBe(reservedBefore + 2_700);
  });
});
