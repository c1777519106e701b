import { getConnectionToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import { normalizeSuiAddress } from '@mysten/sui/utils';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { closeTestApp, createTestApp, newIsolation } from './support/test-app';
import { bearer, createMerchant, createTerminal, seedSession } from './support/session';
import { ledgerBalance, relaxFraudRules, settledPayment } from './support/payments';
import { killHard, killSpawned, startWorker, stopGently } from './support/spawned-app';
import { waitFor } from './support/wait';

const MIST_PER_UNIT = 1000n;
/** Amounts no payment of this test uses, so each ledger drill hits exactly one transfer. */
const REFUND = 1_414;
const PAYOUT = 1_515;

describe('a worker killed in the middle of a refund and of a payout', () => {
  let api: NestExpressApplication;
  afterAll(async () => {
    killSpawned();
    await closeTestApp(api);
  });

  it('ends, in a new worker, in exactly one transfer each, to the MIST', async () => {
    const isolation = newIsolation();
    const redisUrl = process.env.TEST_REDIS_URL!;
    // The API here; every job in spawned worker processes that share its database (the ledger's too) and Redis.
    api = await createTestApp({ isolation, env: { APP_ROLE: 'api' } });
    const http = () => request(api.getHttpServer());
    const s = await seedSession(api);
    await relaxFraudRules(api, s.adminToken);
    // Two merchants, two settlement wallets: the hung refund holds its wallet's lease, which the payout must not need.
    const refunding = { merchant: s.merchant };
    const payingOut = { merchant: await createMerchant(api, s.adminToken) };
    const payingOutTerminal = await createTerminal(api, s.adminToken, payingOut.merchant.merchantId);
    const db = api.get<Connection>(getConnectionToken());
    const storedAttempt = (operationId: string) => db.collection<{ _id: string; digest: string }>('settlement_attempts').findOne({ _id: `${operationId}#0` });
    const transfersFrom = (address: string) => db.collection('ledger_transactions').countDocuments({ sender: normalizeSuiAddress(address) });

    const first = startWorker(isolation, redisUrl, { LOCAL_LEDGER_FAULTS: `${BigInt(REFUND) * MIST_PER_UNIT}:hang-before,${BigInt(PAYOUT) * MIST_PER_UNIT}:hang-after` });
    const transactionId = await settledPayment(api, s, 5_000);
    await settledPayment(api, { ...s, terminal: payingOutTerminal }, 5_000);
    const before = {
      cardholder: await ledgerBalance(api, s.user.walletAddress!),
      refundingSettlement: await ledgerBalance(api, refunding.merchant.settlementAddress),
      payingOutSettlement: await ledgerBalance(api, payingOut.merchant.settlementAddress),
      destination: await ledgerBalance(api, payingOut.merchant.walletAddress),
    };

    const refund = (await http().post(`/api/payment/${transactionId}/refunds`).set(bearer(s.adminToken)).send({ amount: REFUND }).expect(202)).body.refund as { id: string };
    const payout = (await http().post(`/api/merchants/${payingOut.merchant.merchantId}/payouts`).set(bearer(s.adminToken)).send({ amount: PAYOUT }).expect(202)).body.payout as { id: string };
    // The refund's signed bytes are stored and never sent; the payout's transfer has landed and nobody heard.
    const refundBytes = await waitFor(() => storedAttempt(refund.id), 30_000, "the refund's stored transaction");
    await waitFor(async () => (await ledgerBalance(api, payingOut.merchant.walletAddress)) - before.destination === BigInt(PAYOUT) * MIST_PER_UNIT, 30_000, "the payout's transfer to land");
    const payoutBytes = (await storedAttempt(payout.id))!;
    await killHard(first);

    const refundOf = async () => ((await http().get(`/api/payment/${transactionId}/refunds`).set(bearer(s.adminToken)).expect(200)).body.refunds as Array<{ id: string; status: string; txHash: string | null }>).find((r) => r.id === refund.id)!;
    const payoutOf = async () =>
      ((await http().get(`/api/merchants/${payingOut.merchant.merchantId}/payouts`).set(bearer(s.adminToken)).expect(200)).body.payouts as Array<{ id: string; status: string; txHash: string | null }>).find((p) => p.id === payout.id)!;
    expect((await refundOf()).status).toBe('pending');
    expect((await payoutOf()).status).toBe('pending');
    expect(await transfersFrom(refunding.merchant.settlementAddress)).toBe(0);

    const second = startWorker(isolation, redisUrl);
    try {
      await waitFor(async () => (await refundOf()).status !== 'pending' && (await payoutOf()).status !== 'pending', 60_000, 'the refund and the payout to finish');
    } finally {
      await stopGently(second);
    }

    // The bytes the killed worker stored are the ones that ran, once each.
    expect(await refundOf()).toMatchObject({ status: 'succeeded', txHash: refundBytes.digest });
    expect(await payoutOf()).toMatchObject({ status: 'paid', txHash: payoutBytes.digest });
    expect(await transfersFrom(refunding.merchant.settlementAddress)).toBe(1);
    expect(await transfersFrom(payingOut.merchant.settlementAddress)).toBe(1);
    // The platform pays the gas: each wallet moves by exactly the amount sent.
    expect((await ledgerBalance(api, s.user.walletAddress!)) - before.cardholder).toBe(BigInt(REFUND) * MIST_PER_UNIT);
    expect(before.refundingSettlement - (await ledgerBalance(api, refunding.merchant.settlementAddress))).toBe(BigInt(REFUND) * MIST_PER_UNIT);
    expect((await ledgerBalance(api, payingOut.merchant.walletAddress)) - before.destination).toBe(BigInt(PAYOUT) * MIST_PER_UNIT);
    expect(before.payingOutSettlement - (await ledgerBalance(api, payingOut.merchant.settlementAddress))).toBe(BigInt(PAYOUT) * MIST_PER_UNIT);
    for (const [merchant, left] of [
      [refunding.merchant, 5_000 - REFUND],
      [payingOut.merchant, 5_000 - PAYOUT],
    ] as const) {
      const balance = (await http().get(`/api/merchants/${merchant.merchantId}/balance`).set(bearer(s.adminToken)).expect(200)).body;
      expect(balance).toMatchObject({ available: left, reserved: 0, availableMist: String(BigInt(left) * MIST_PER_UNIT) });
      expect(await ledgerBalance(api, merchant.settlementAddress)).toBe(BigInt(balance.availableMist));
    }
  }, 180_000);
});
