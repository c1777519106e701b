import { NestExpressApplication } from '@nestjs/platform-express';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import request from 'supertest';
import { RefundsService } from '../src/refunds/refunds.service';
import { Refund, RefundClaim } from '../src/refunds/schemas/refund.schema';
import { closeTestApp, createTestApp, TEST_METRICS_TOKEN } from './support/test-app';
import { ack, closeClients, connect, listen, nextEvent } from './realtime/realtime-support';
import { bearer, createMerchant, createTerminal, inviteStaff, seedSession, Session, TestStaff } from './support/session';
import { ledgerBalance, pay, relaxFraudRules, waitForFinal } from './support/payments';
import { waitFor } from './support/wait';

const MIST = 1000n;

describe('refunds', () => {
  let app: NestExpressApplication;
  let s: Session;
  let staff: TestStaff;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({ env: { PLATFORM_FEE_BPS: '250' } });
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
    staff = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'staff');
  });
  afterAll(() => closeTestApp(app));

  async function paid(amount: number): Promise<string> {
    const res = await pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
    expect((await waitForFinal(app, s.adminToken, res.body.transactionId)).status).toBe('completed');
    return res.body.transactionId;
  }
  const refund = (transactionId: string, body: Record<string, unknown> = {}, token = staff.token) => http().post(`/api/payment/${transactionId}/refunds`).set(bearer(token)).send(body);
  const refundsOf = async (transactionId: string) => (await http().get(`/api/payment/${transactionId}/refunds`).set(bearer(s.adminToken)).expect(200)).body.refunds as Array<{ id: string; status: string; amount: number }>;
  const settledAll = (transactionId: string) =>
    waitFor(async () => {
      const refunds = await refundsOf(transactionId);
      return refunds.every((r) => r.status !== 'pending') && refunds;
    }, 20_000, `refunds of ${transactionId} to finish`);
  const balance = async () => (await http().get(`/api/merchants/${s.merchant.merchantId}/balance`).set(bearer(staff.token)).expect(200)).body;

  it('refunds part, then the rest, then answers 409; the wallets move by exactly the refunded MIST', async () => {
    const transactionId = await paid(10_000);
    // 10 000 less the 2.5% fee settled; the merchant carries the fee, so top the wallet up with another payment.
    await paid(1_000);
    const [holderBefore, merchantBefore] = await Promise.all([ledgerBalance(app, s.user.walletAddress!), ledgerBalance(app, s.merchant.settlementAddress)]);

    const first = await refund(transactionId, { amount: 4_000, reason: 'requested_by_customer' }).expect(202);
    expect(first.body).toEqual({
      success: true,
      refund: expect.objectContaining({ id: expect.stringMatching(/^rf_/), transactionId, amount: 4_000, status: 'pending', reason: 'requested_by_customer', createdAt: expect.any(String) }),
    });
    await settledAll(transactionId);
    const rest = await refund(transactionId).expect(202);
    expect(rest.body.refund.amount).toBe(6_000);
    const done = await settledAll(transactionId);
    expect(done.map((r) => [r.amount, r.status])).toEqual([
      [4_000, 'succeeded'],
      [6_000, 'succeeded'],
    ]);
    expect(first.body.refund).not.toHaveProperty('succeededAt');
    // The time each succeeded is recorded with the outcome: after it was asked for, never a failure or cancel time.
    for (const r of done as Array<{ createdAt?: string; succeededAt?: string }>) {
      expect(Date.parse(r.succeededAt!)).toBeGreaterThanOrEqual(Date.parse(r.createdAt!));
      expect(r).not.toHaveProperty('failedAt');
      expect(r).not.toHaveProperty('canceledAt');
    }
    const view = (await http().get(`/api/payment/status/${transactionId}`).set(bearer(staff.token)).expect(200)).body.transaction;
    expect(view).toEqual(expect.objectContaining({ fee: 250, net: 9_750 }));
    expect(view.refunds.map((r: { amount: number; status: string }) => [r.amount, r.status])).toEqual([
      [4_000, 'succeeded'],
      [6_000, 'succeeded'],
    ]);
    const third = await refund(transactionId, { amount: 1 }).expect(409);
    expect(third.body.code).toBe('refund_exceeds_remaining');
    await refund(transactionId).expect(409);

    expect(await ledgerBalance(app, s.user.walletAddress!)).toBe(holderBefore + 10_000n * MIST);
    expect(await ledgerBalance(app, s.merchant.settlementAddress)).toBe(merchantBefore - 10_000n * MIST);
    const after = await balance();
    expect(after).toEqual(expect.objectContaining({ reserved: 0, available: 9_750 + 975 - 10_000 }));
    expect(BigInt(after.availableMist)).toBe(await ledgerBalance(app, s.merchant.settlementAddress));
  });

  it('lets exactly one of 10 concurrent full refunds of a payment through', async () => {
    const transactionId = await paid(2_000);
    await paid(2_000);
    const answers = await Promise.all(Array.from({ length: 10 }, () => refund(transactionId)));
    expect(answers.filter((res) => res.status === 202)).toHaveLength(1);
    expect(answers.filter((res) => res.status === 409).every((res) => res.body.code === 'refund_exceeds_remaining')).toBe(true);
    const [only] = await settledAll(transactionId);
    expect([only.status, (only as { failureReason?: string }).failureReason]).toEqual(['succeeded', null]);
  });

  it('never lets concurrent refunds take more than the merchant holds', async () => {
    const merchant = await createMerchant(app, s.adminToken);
    const terminal = await createTerminal(app, s.adminToken, merchant.merchantId);
    const ids: string[] = [];
    for (const amount of [4_000, 4_000]) {
      const res = await pay(app, terminal.token, { cardUuid: s.cardUuid, amount, merchantId: merchant.merchantId, terminalId: terminal.terminalId }).expect(202);
      expect((await waitForFinal(app, s.adminToken, res.body.transactionId)).status).toBe('completed');
      ids.push(res.body.transactionId);
    }
    // 7 800 settled (8 000 less the fee): of eight concurrent 1 000 refunds, seven fit.
    const answers = await Promise.all([0, 1, 2, 3, 0, 1, 2, 3].map((i) => refund(ids[i % 2], { amount: 1_000 }, s.adminToken)));
    expect(answers.filter((res) => res.status === 202)).toHaveLength(7);
    expect(answers.filter((res) => res.status === 409).map((res) => res.body.code)).toEqual(['insufficient_merchant_balance']);
    await Promise.all(ids.map(settledAll));
    expect(await ledgerBalance(app, merchant.settlementAddress)).toBe(800n * MIST);
    const left = (await http().get(`/api/merchants/${merchant.merchantId}/balance`).set(bearer(s.adminToken)).expect(200)).body;
    expect(left).toEqual(expect.objectContaining({ available: 800, reserved: 0, availableMist: String(800n * MIST) }));
  });

  it('transfers once however often its job runs, even when a crash lost the recorded outcome', async () => {
    const transactionId = await paid(2_500);
    const made = await refund(transactionId, { amount: 700 }).expect(202);
    await settledAll(transactionId);
    const [holder, merchant] = await Promise.all([ledgerBalance(app, s.user.walletAddress!), ledgerBalance(app, s.merchant.settlementAddress)]);
    const refunds = app.get(RefundsService);
    expect(await refunds.execute(made.body.refund.id, false)).toBe('skipped');
    // As if the worker died after the transfer landed, before the outcome was written: the job runs again.
    await app.get<Model<RefundClaim>>(getModelToken(RefundClaim.name)).deleteOne({ _id: made.body.refund.id }).exec();
    await app.get<Model<Refund>>(getModelToken(Refund.name)).updateOne({ _id: made.body.refund.id }, { $set: { status: 'pending' }, $unset: { txHash: 1 } }).exec();
    await Promise.all([refunds.execute(made.body.refund.id, false), refunds.execute(made.body.refund.id, false)]);
    expect((await refundsOf(transactionId)).map((r) => r.status)).toEqual(['succeeded']);
    expect(await ledgerBalance(app, s.user.walletAddress!)).toBe(holder);
    expect(await ledgerBalance(app, s.merchant.settlementAddress)).toBe(merchant);
  });

  it('honours Idempotency-Key: the same key is the same refund', async () => {
    const transactionId = await paid(3_000);
    const a = await refund(transactionId, { amount: 1_000 }).set('Idempotency-Key', 'refund-key-1').expect(202);
    const b = await refund(transactionId, { amount: 1_000 }).set('Idempotency-Key', 'refund-key-1').expect(202);
    expect(b.body.refund.id).toBe(a.body.refund.id);
    await settledAll(transactionId);
    expect((await refundsOf(transactionId)).map((r) => r.amount)).toEqual([1_000]);
  });

  it('is never the cardholder\'s nor another merchant\'s to make', async () => {
    const transactionId = await paid(1_500);
    await refund(transactionId, {}, s.user.token).expect(403);
    const other = await createMerchant(app, s.adminToken);
    const otherStaff = await inviteStaff(app, s.adminToken, other.merchantId, 'owner');
    const otherTerminal = await createTerminal(app, s.adminToken, other.merchantId);
    await refund(transactionId, {}, otherStaff.token).expect(404);
    await refund(transactionId, {}, otherTerminal.token).expect(404);
    await http().get(`/api/payment/${transactionId}/refunds`).set(bearer(otherStaff.token)).expect(404);
    // The cardholder may see the refunds of their own payment; the merchant's terminal may refund.
    await http().get(`/api/payment/${transactionId}/refunds`).set(bearer(s.user.token)).expect(200);
    await refund(transactionId, { amount: 500 }, s.terminal.token).expect(202);
    await refund(transactionId, { amount: 0 }).expect(400);
    await refund(transactionId, { reason: 'bored' }).expect(400);
  });
});

describe('refunds of payments that are not completed', () => {
  it('answer 409, saying to cancel a pending one instead', async () => {
    const api = await createTestApp({ env: { APP_ROLE: 'api' } });
    try {
      const s = await seedSession(api);
      const res = await pay(api, s.terminal.token, { cardUuid: s.cardUuid, amount: 5000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
      const refused = await request(api.getHttpServer()).post(`/api/payment/${res.body.transactionId}/refunds`).set(bearer(s.adminToken)).send({}).expect(409);
      expect(refused.body).toEqual(expect.objectContaining({ code: 'payment_not_refundable', message: expect.stringContaining('cancelled instead') }));
    } finally {
      await closeTestApp(api);
    }
  });
});

describe('refund events', () => {
  it('sends refund:update to the merchant and the payment, a refund.succeeded webhook, and counts refunds', async () => {
    const { createServer } = await import('node:http');
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        received.push(raw);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as { port: number };
    const app = await createTestApp();
    try {
      const url = await listen(app);
      const s = await seedSession(app);
      await request(app.getHttpServer()).patch(`/api/merchants/${s.merchant.merchantId}/webhook`).set(bearer(s.adminToken)).send({ webhookUrl: `http://127.0.0.1:${port}/hooks` }).expect(200);
      const res = await pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount: 3000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
      await waitForFinal(app, s.adminToken, res.body.transactionId);
      const { socket: merchantSocket } = await connect(url, { token: s.terminal.token });
      const { socket: holderSocket } = await connect(url, { token: s.user.token });
      await ack(holderSocket, 'subscribe:transaction', res.body.transactionId);
      const merchantSees = nextEvent<{ refund: { status: string } }>(merchantSocket, 'refund:update', 15_000, (p) => p.refund.status === 'succeeded');
      const holderSees = nextEvent<{ refund: { status: string; amount: number } }>(holderSocket, 'refund:update', 15_000, (p) => p.refund.status === 'succeeded');
      const made = await request(app.getHttpServer()).post(`/api/payment/${res.body.transactionId}/refunds`).set(bearer(s.terminal.token)).send({ amount: 1200 }).expect(202);
      const [toMerchant, toHolder] = await Promise.all([merchantSees, holderSees]);
      expect(toHolder.refund).toEqual(expect.objectContaining({ id: made.body.refund.id, amount: 1200, status: 'succeeded', txHash: expect.any(String) }));
      expect(JSON.stringify(toMerchant)).not.toContain(s.cardUuid);

      const webhook = await waitFor(async () => received.map((raw) => JSON.parse(raw) as { type: string; data: { refund?: { id: string } } }).find((e) => e.type === 'refund.succeeded'), 15_000, 'the refund.succeeded webhook');
      expect(webhook.data.refund!.id).toBe(made.body.refund.id);
      const metrics = (await request(app.getHttpServer()).get('/metrics').set(bearer(TEST_METRICS_TOKEN)).expect(200)).text;
      expect(metrics).toMatch(/^nfcpay_refunds_total\{status="succeeded"\} 1$/m);
      expect(metrics).toMatch(/^nfcpay_refunds_total\{status="pending"\} 1$/m);
    } finally {
      closeClients();
      await closeTestApp(app);
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
