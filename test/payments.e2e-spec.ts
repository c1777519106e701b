import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { FraudService } from '../src/fraud/fraud.service';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, createMerchant, createTerminal, registerCard, registerUser, seedSession, Session, uniqueId } from './support/session';
import { ledgerBalance, pay, relaxFraudRules, statusOf, waitForFinal } from './support/payments';

const MIST_PER_UNIT = 1000n;

describe('async NFC payments', () => {
  let app: NestExpressApplication;
  let s: Session;
  const http = () => request(app.getHttpServer());
  const body = (overrides: Partial<{ cardUuid: string; amount: number; merchantId: string; terminalId: string }> = {}) => ({
    cardUuid: s.cardUuid,
    amount: 75_000,
    merchantId: s.merchant.merchantId,
    terminalId: s.terminal.terminalId,
    ...overrides,
  });

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
  });
  afterAll(() => closeTestApp(app));

  it("runs the seed's flow: 202 at once, then completed with a txHash, and the money on the ledger", async () => {
    const before = await ledgerBalance(app, s.merchant.settlementAddress);
    const res = await pay(app, s.terminal.token, body()).expect(202);
    expect(res.body).toEqual({
      success: true,
      transactionId: expect.stringMatching(/^nfc_[a-z0-9]+_[0-9a-f]{24}$/),
      status: 'pending',
      message: 'Payment initiated successfully',
      processingTime: expect.any(Number),
      requestId: res.headers['x-request-id'],
      queueJobId: res.body.transactionId,
      estimatedProcessingTime: expect.any(String),
      statusUrl: `/api/payment/status/${res.body.transactionId}`,
      websocketChannel: `transaction:${res.body.transactionId}`,
    });

    const done = await waitForFinal(app, s.terminal.token, res.body.transactionId);
    expect(done).toMatchObject({ status: 'completed', txHash: expect.any(String), failureReason: null, processingTime: expect.stringMatching(/^\d+ms$/) });
    // The timeline: accepted, then settling started, then completed.
    expect(Date.parse(done.processingStartedAt as string)).toBeGreaterThanOrEqual(Date.parse(done.createdAt as string));
    expect(Date.parse(done.processingStartedAt as string)).toBeLessThanOrEqual(Date.parse(done.completedAt as string));
    expect(done.metadata).toMatchObject({ paymentMethod: 'nfc', terminalId: s.terminal.terminalId, processingType: 'async', authCode: expect.stringMatching(/^AUTH_/) });
    expect(await ledgerBalance(app, s.merchant.settlementAddress)).toBe(before + 75_000n * MIST_PER_UNIT);

    const asHolder = await statusOf(app, s.user.token, res.body.transactionId);
    expect(asHolder.status).toBe('completed');
    const wallet = await http().get('/api/wallet').set(bearer(s.user.token)).expect(200);
    expect(wallet.body.wallet).toEqual({ address: s.user.walletAddress, balanceMist: expect.stringMatching(/^\d+$/), balanceSui: expect.any(String) });
    expect(BigInt(wallet.body.wallet.balanceMist)).toBe(1_000_000_000_000n - 75_000n * MIST_PER_UNIT - BigInt(done.gasFeeMist as string));
    await http().get('/api/wallet').set(bearer(s.terminal.token)).expect(403);
    const queues = await http().get('/api/payment/queue-status').set(bearer(s.adminToken)).expect(200);
    expect(queues.body.queues.payments).toEqual(expect.objectContaining({ status: 'healthy', waiting: expect.any(Number), active: expect.any(Number), failed: 0 }));
  });

  it('lets a cardholder pay with their own card, and answers another card as unknown', async () => {
    await pay(app, s.user.token, body({ amount: 1_000 })).expect(202);
    const other = await registerUser(app, 'other');
    const res = await pay(app, other.token, body({ amount: 1_000 })).expect(400);
    expect(res.body).toMatchObject({ success: false, error: 'Transaction not authorized', declineCode: 'card_invalid' });
  });

  it('refuses a terminal paying for another merchant or terminal (403)', async () => {
    const elsewhere = await createMerchant(app, s.adminToken);
    await pay(app, s.terminal.token, body({ merchantId: elsewhere.merchantId })).expect(403);
    await pay(app, s.terminal.token, body({ terminalId: uniqueId('terminal') })).expect(403);
  });

  describe('declines, each recorded', () => {
    it.each([
      ['card_invalid', async () => body({ cardUuid: 'no-such-card' })],
      ['single_limit_exceeded', async () => body({ amount: 500_001 })],
      [
        'card_blocked',
        async () => {
          const cardUuid = await registerCard(app, s.user);
          await http().post(`/api/cards/${cardUuid}/block`).set(bearer(s.user.token)).send({}).expect(200);
          return body({ cardUuid });
        },
      ],
      [
        'daily_limit_exceeded',
        async () => {
          const cardUuid = await registerCard(app, s.user, { dailyLimit: 100_000, singleTransactionLimit: 100_000 });
          await pay(app, s.terminal.token, body({ cardUuid, amount: 60_000 })).expect(202);
          return body({ cardUuid, amount: 60_000 });
        },
      ],
    ])('%s', async (code, makeBody) => {
      const res = await pay(app, s.terminal.token, await makeBody()).expect(400);
      expect(res.body).toEqual({
        success: false,
        error: 'Transaction not authorized',
        reason: expect.any(String),
        declineCode: code,
        transactionId: expect.any(String),
        processingTime: expect.any(Number),
        requestId: expect.any(String),
      });
      const recorded = await statusOf(app, s.adminToken, res.body.transactionId);
      expect(recorded).toMatchObject({ status: 'declined', declineCode: code });
    });

    it('fraud_high_risk, from a list entry, on the very next payment', async () => {
      const cardUuid = await registerCard(app, s.user);
      await pay(app, s.terminal.token, body({ cardUuid, amount: 1_000 })).expect(202);
      await http().post('/api/fraud/lists').set(bearer(s.adminToken)).send({ type: 'card', value: cardUuid, reason: 'reported stolen' }).expect(201);
      const res = await pay(app, s.terminal.token, body({ cardUuid, amount: 1_000 })).expect(400);
      expect(res.body).toMatchObject({ declineCode: 'fraud_high_risk', reason: expect.stringContaining('High fraud risk') });
    });

    it('merchant_invalid and terminal_invalid', async () => {
      const suspended = await createMerchant(app, s.adminToken);
      const itsTerminal = await createTerminal(app, s.adminToken, suspended.merchantId);
      await http().patch(`/api/merchants/${suspended.merchantId}/status`).set(bearer(s.adminToken)).send({ status: 'suspended' }).expect(200);
      const merchant = await pay(app, s.user.token, body({ merchantId: suspended.merchantId, terminalId: itsTerminal.terminalId })).expect(400);
      expect(merchant.body.declineCode).toBe('merchant_invalid');
      const terminal = await pay(app, s.user.token, body({ terminalId: itsTerminal.terminalId })).expect(400);
      expect(terminal.body.declineCode).toBe('terminal_invalid');
    });
  });

  it('rejects bad bodies with the fields named, before anything is recorded', async () => {
    const connection = app.get<Connection>(getConnectionToken());
    // Whatever a tap can leave behind: the payment, its outbox entry and claims, an idempotency key, a limit reservation, an assessment.
    const records = () =>
      Promise.all(['Transaction', 'OutboxEntry', 'PaymentClaim', 'IdempotencyKey', 'SpendEntry', 'FraudAssessmentRecord'].map((name) => connection.model(name).countDocuments().exec()));
    await app.get(FraudService).whenIdle();
    const before = await records();
    for (const [bad, field] of [
      [{ ...body(), amount: 0 }, 'amount'],
      [{ ...body(), amount: 12.5 }, 'amount'],
      [{ ...body(), amount: '75000' }, 'amount'],
      [{ ...body(), cardUuid: { $ne: null } }, 'cardUuid'],
      [{ ...body(), extra: 1 }, 'extra'],
    ] as const) {
      const res = await pay(app, s.terminal.token, bad as never).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    await pay(app, s.terminal.token, body(), 'x'.repeat(256)).expect(400);
    await app.get(FraudService).whenIdle();
    expect(await records()).toEqual(before);
  });

  it('never lets 50 concurrent taps on one card pass its daily limit', async () => {
    const cardUuid = await registerCard(app, s.user, { dailyLimit: 1_000_000, singleTransactionLimit: 100_000 });
    const answers = await Promise.all(Array.from({ length: 50 }, () => pay(app, s.terminal.token, body({ cardUuid, amount: 100_000 }))));
    const accepted = answers.filter((r) => r.status === 202);
    const declined = answers.filter((r) => r.status === 400);
    expect(accepted).toHaveLength(10);
    expect(declined).toHaveLength(40);
    expect(new Set(declined.map((r) => r.body.declineCode))).toEqual(new Set(['daily_limit_exceeded']));
    await Promise.all(accepted.map((r) => waitForFinal(app, s.adminToken, r.body.transactionId)));
  });

  describe('idempotency', () => {
    it('replays the first answer for the same key and body, and refuses another body with 409', async () => {
      const key = uniqueId('tap');
      const first = await pay(app, s.terminal.token, body({ amount: 2_000 }), key).expect(202);
      const again = await pay(app, s.terminal.token, body({ amount: 2_000 }), key).expect(202);
      expect(again.body.transactionId).toBe(first.body.transactionId);
      await pay(app, s.terminal.token, body({ amount: 3_000 }), key).expect(409);
      const history = await http().get('/api/payment/transactions').query({ cardUuid: s.cardUuid, limit: 100 }).set(bearer(s.adminToken)).expect(200);
      expect(history.body.transactions.filter((t: { id: string }) => t.id === first.body.transactionId)).toHaveLength(1);
      expect(history.body.transactions.filter((t: { amount: number }) => t.amount === 3_000)).toHaveLength(0);
    });

    it('makes concurrent duplicates one payment', async () => {
      const key = uniqueId('tap');
      const answers = await Promise.all(Array.from({ length: 10 }, () => pay(app, s.terminal.token, body({ amount: 4_321 }), key)));
      expect(answers.map((r) => r.status)).toEqual(Array(10).fill(202));
      expect(new Set(answers.map((r) => r.body.transactionId)).size).toBe(1);
    });

    it('keeps keys per caller: the same key from another caller is another payment', async () => {
      const key = uniqueId('tap');
      const a = await pay(app, s.terminal.token, body({ amount: 1_111 }), key).expect(202);
      const b = await pay(app, s.user.token, body({ amount: 1_111 }), key).expect(202);
      expect(a.body.transactionId).not.toBe(b.body.transactionId);
    });
  });

  describe('reading and operating', () => {
    it('answers 404 for a payment that is not yours, as for an unknown one', async () => {
      const { body: paid } = await pay(app, s.terminal.token, body({ amount: 500 })).expect(202);
      const stranger = await registerUser(app, 'stranger');
      const otherMerchant = await createMerchant(app, s.adminToken);
      const otherTerminal = await createTerminal(app, s.adminToken, otherMerchant.merchantId);
      for (const token of [stranger.token, otherTerminal.token]) {
        const res = await http().get(`/api/payment/status/${paid.transactionId}`).set(bearer(token)).expect(404);
        expect(res.body.message).toBe('Transaction not found');
        await http().post(`/api/payment/${paid.transactionId}/cancel`).set(bearer(token)).expect(404);
      }
      await http().get('/api/payment/status/nfc_unknown_0').set(bearer(stranger.token)).expect(404);
    });

    it('pages through history newest first, scoped to the caller', async () => {
      const holder = await registerUser(app, 'pager');
      const cardUuid = await registerCard(app, holder);
      for (let i = 1; i <= 5; i++) await pay(app, holder.token, body({ cardUuid, amount: i * 100 })).expect(202);
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await http().get('/api/payment/transactions').query({ limit: 2, ...(cursor && { cursor }) }).set(bearer(holder.token)).expect(200);
        seen.push(...page.body.transactions.map((t: { amount: number }) => t.amount));
        cursor = page.body.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual([500, 400, 300, 200, 100]);
      await http().get('/api/payment/transactions').query({ cursor: 'garbage' }).set(bearer(holder.token)).expect(400);
      await http().get('/api/payment/transactions').query({ status: 'nonsense' }).set(bearer(holder.token)).expect(400);
    });
  });
});
