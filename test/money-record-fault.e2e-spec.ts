import { getQueueToken } from '@nestjs/bull';
import { getModelToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bull';
import type { Model } from 'mongoose';
import request from 'supertest';
import { PayoutClaim } from '../src/merchants/money/payout.schema';
import { PAYOUTS_QUEUE } from '../src/merchants/money/payouts.service';
import { MoneyOutboxSweeper } from '../src/refunds/money-outbox-sweeper';
import { REFUNDS_QUEUE } from '../src/refunds/refunds.service';
import { RefundClaim } from '../src/refunds/schemas/refund.schema';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, inviteStaff, seedSession, Session, TestStaff } from './support/session';
import { ledgerBalance, pay, relaxFraudRules, waitForFinal } from './support/payments';
import { waitFor } from './support/wait';

const MIST = 1000n;
/** Sweeps as if a minute and more had passed, past every grace period. */
const later = () => new Date(Date.now() + 120_000);

/**
 * The ledger confirmed the transfer, then recording that failed on every attempt of the job: the
 * outflow must stay in flight, its reservation held, until the money outbox sweep records it from
 * the stored digest; it is never failed, its money never counted as available again.
 */
describe('refunds and payouts whose success cannot be recorded', () => {
  let app: NestExpressApplication;
  let s: Session;
  let owner: TestStaff;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
    owner = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'owner');
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => closeTestApp(app));

  async function paid(amount: number): Promise<string> {
    const res = await pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
    expect((await waitForFinal(app, s.adminToken, res.body.transactionId)).status).toBe('completed');
    return res.body.transactionId;
  }
  const balance = async () => (await http().get(`/api/merchants/${s.merchant.merchantId}/balance`).set(bearer(s.adminToken)).expect(200)).body;
  const refundOf = async (transactionId: string, refundId: string) =>
    ((await http().get(`/api/payment/${transactionId}/refunds`).set(bearer(s.adminToken)).expect(200)).body.refunds as Array<{ id: string; status: string }>).find((r) => r.id === refundId);
  const payoutOf = async (payoutId: string) =>
    ((await http().get(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(s.adminToken)).expect(200)).body.payouts as Array<{ id: string; status: string }>).find((p) => p.id === payoutId);

  /** Every insert of the landed outcome fails; returns how many were tried. */
  function failLandedClaims(claims: Model<unknown>, landed: string): () => number {
    const real = claims.create.bind(claims);
    let tried = 0;
    jest.spyOn(claims, 'create').mockImplementation((async (doc: { outcome?: string }) => {
      if (doc.outcome !== landed) return real(doc);
      tried++;
      throw new Error('the database went away');
    }) as never);
    return () => tried;
  }
  /** The job used up all its attempts, each one throwing, rather than ending the outflow. */
  async function exhausted(queueName: string, jobId: string): Promise<void> {
    const state = async () => (await app.get<Queue>(getQueueToken(queueName)).getJob(jobId))?.getState();
    await waitFor(async () => ['failed', 'completed'].includes((await state()) ?? ''), 30_000, `job ${jobId} to end`);
    expect(await state()).toBe('failed');
  }

  it('keeps a refund pending and its reservation held until the sweep records its success, with one transfer', async () => {
    const transactionId = await paid(3_000);
    const [holderBefore, walletBefore, before] = await Promise.all([ledgerBalance(app, s.user.walletAddress!), ledgerBalance(app, s.merchant.settlementAddress), balance()]);
    const tried = failLandedClaims(app.get<Model<unknown>>(getModelToken(RefundClaim.name)), 'succeeded');

    const res = await http().post(`/api/payment/${transactionId}/refunds`).set(bearer(owner.token)).send({ amount: 2_000 }).expect(202);
    const refundId = res.body.refund.id as string;
    await exhausted(REFUNDS_QUEUE, refundId);
    expect(tried()).toBeGreaterThanOrEqual(2);
    expect((await refundOf(transactionId, refundId))?.status).toBe('pending');
    // The money left once; the balance still holds it as reserved, not available again.
    expect(await ledgerBalance(app, s.user.walletAddress!)).toBe(holderBefore + 2_000n * MIST);
    expect(await balance()).toEqual(expect.objectContaining({ available: before.available - 2_000, reserved: 2_000 }));

    jest.restoreAllMocks();
    await app.get(MoneyOutboxSweeper).sweep(later());
    await waitFor(async () => (await refundOf(transactionId, refundId))?.status === 'succeeded', 20_000, 'the refund to be recorded as succeeded');

    expect(await ledgerBalance(app, s.user.walletAddress!)).toBe(holderBefore + 2_000n * MIST);
    expect(await ledgerBalance(app, s.merchant.settlementAddress)).toBe(walletBefore - 2_000n * MIST);
    const after = await balance();
    expect(after).toEqual(expect.objectContaining({ available: before.available - 2_000, reserved: 0 }));
    expect(BigInt(after.availableMist)).toBe(await ledgerBalance(app, s.merchant.settlementAddress));
  });

  it('keeps a payout pending and its reservation held until the sweep records it paid, with one transfer', async () => {
    await paid(2_000);
    const [destinationBefore, before] = await Promise.all([ledgerBalance(app, s.merchant.walletAddress), balance()]);
    const tried = failLandedClaims(app.get<Model<unknown>>(getModelToken(PayoutClaim.name)), 'paid');

    const res = await http().post(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(owner.token)).send({ amount: 1_500 }).expect(202);
    const payoutId = res.body.payout.id as string;
    await exhausted(PAYOUTS_QUEUE, payoutId);
    expect(tried()).toBeGreaterThanOrEqual(2);
    expect((await payoutOf(payoutId))?.status).toBe('pending');
    expect(await ledgerBalance(app, s.merchant.walletAddress)).toBe(destinationBefore + 1_500n * MIST);
    expect(await balance()).toEqual(expect.objectContaining({ available: before.available - 1_500, reserved: 1_500 }));

    jest.restoreAllMocks();
    await app.get(MoneyOutboxSweeper).sweep(later());
    await waitFor(async () => (await payoutOf(payoutId))?.status === 'paid', 20_000, 'the payout to be recorded as paid');

    expect(await ledgerBalance(app, s.merchant.walletAddress)).toBe(destinationBefore + 1_500n * MIST);
    const after = await balance();
    expect(after).toEqual(expect.objectContaining({ available: before.available - 1_500, reserved: 0 }));
    expect(BigInt(after.availableMist)).toBe(await ledgerBalance(app, s.merchant.settlementAddress));
  });
});
