import { getQueueToken } from '@nestjs/bull';
import { getModelToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bull';
import type { Model } from 'mongoose';
import request from 'supertest';
import { MoneyChain } from '../src/merchants/money/money-chain';
import { Payout } from '../src/merchants/money/payout.schema';
import { PAYOUTS_QUEUE } from '../src/merchants/money/payouts.service';
import { WebhooksService } from '../src/notifications/webhooks.service';
import { MoneyOutboxSweeper } from '../src/refunds/money-outbox-sweeper';
import { REFUNDS_QUEUE } from '../src/refunds/refunds.service';
import { Refund } from '../src/refunds/schemas/refund.schema';
import type { RefundEvent } from '../src/refunds/refund.events';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, inviteStaff, seedSession, Session, TestStaff } from './support/session';
import { pay, relaxFraudRules, waitForFinal } from './support/payments';
import { startWebhookReceiver } from './support/webhook-receiver';
import { waitFor } from './support/wait';

/** A process that dies: the call never returns to its caller's clean-up. */
const died = () => new Error('process died here');
/** Sweeps as if a minute and more had passed, past every grace period. */
const later = () => new Date(Date.now() + 120_000);

describe('refunds and payouts that crash midway', () => {
  let app: NestExpressApplication;
  let s: Session;
  let owner: TestStaff;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const received = () => receiver.received;
  const http = () => request(app.getHttpServer());
  const sweep = () => app.get(MoneyOutboxSweeper).sweep(later());

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    app = await createTestApp();
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
    owner = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'owner');
    await http().patch(`/api/merchants/${s.merchant.merchantId}/webhook`).set(bearer(s.adminToken)).send({ webhookUrl: receiver.url }).expect(200);
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await closeTestApp(app);
    await receiver.close();
  });

  async function paid(amount: number): Promise<string> {
    const res = await pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
    expect((await waitForFinal(app, s.adminToken, res.body.transactionId)).status).toBe('completed');
    return res.body.transactionId;
  }
  const available = async () => (await http().get(`/api/merchants/${s.merchant.merchantId}/balance`).set(bearer(s.adminToken)).expect(200)).body.available as number;
  const refundsOf = async (transactionId: string) => (await http().get(`/api/payment/${transactionId}/refunds`).set(bearer(s.adminToken)).expect(200)).body.refunds as Array<{ id: string; status: string; amount: number }>;
  const payoutStatus = async (payoutId: string) => {
    const { payouts } = (await http().get(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(s.adminToken)).expect(200)).body as { payouts: Array<{ id: string; status: string }> };
    return payouts.find((p) => p.id === payoutId)?.status;
  };
  /** The asker dies after reserving: writing the record fails and so does its clean-up. */
  function dieAfterReserving(model: Model<unknown>): void {
    jest.spyOn(model, 'create').mockRejectedValueOnce(died());
    jest.spyOn(app.get(MoneyChain), 'release').mockRejectedValueOnce(died());
  }

  it('gives back a refund reservation whose refund was never written', async () => {
    const transactionId = await paid(4_000);
    const before = await available();
    dieAfterReserving(app.get<Model<unknown>>(getModelToken(Refund.name)));
    await http().post(`/api/payment/${transactionId}/refunds`).set(bearer(owner.token)).send({ amount: 3_000 }).expect(500);
    jest.restoreAllMocks();
    expect(await available()).toBe(before - 3_000);
    expect(await sweep()).toBeGreaterThanOrEqual(1);
    expect(await available()).toBe(before);
    // The payment's own chain was given back too: all 4 000 is refundable again.
    const full = await http().post(`/api/payment/${transactionId}/refunds`).set(bearer(owner.token)).send({}).expect(202);
    expect(full.body.refund.amount).toBe(4_000);
  });

  it('queues again a refund written but never queued', async () => {
    const transactionId = await paid(2_000);
    jest.spyOn(app.get<Queue>(getQueueToken(REFUNDS_QUEUE)), 'add').mockRejectedValueOnce(died());
    const res = await http().post(`/api/payment/${transactionId}/refunds`).set(bearer(owner.token)).send({}).expect(202);
    expect(res.body.refund.status).toBe('pending');
    expect(await sweep()).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await refundsOf(transactionId)).find((r) => r.id === res.body.refund.id && r.status === 'succeeded'), 20_000, 'the re-queued refund');
  });

  it('delivers the webhook of a refund whose webhook record failed after its outcome', async () => {
    const transactionId = await paid(1_500);
    const webhooks = app.get(WebhooksService);
    const real = webhooks.refundFinished.bind(webhooks);
    let failed = false;
    jest.spyOn(webhooks, 'refundFinished').mockImplementation(async (event: RefundEvent) => {
      if (event.status === 'succeeded' && !failed) {
        failed = true;
        throw died();
      }
      return real(event);
    });
    const res = await http().post(`/api/payment/${transactionId}/refunds`).set(bearer(owner.token)).send({}).expect(202);
    await waitFor(async () => (await refundsOf(transactionId)).find((r) => r.status === 'succeeded'), 20_000, 'the refund to succeed');
    await waitFor(async () => failed, 5_000, 'the webhook record to fail once');
    await sweep();
    const hook = await waitFor(async () => received().find((e) => e.type === 'refund.succeeded' && e.data.refund?.id === res.body.refund.id), 20_000, 'the refund.succeeded webhook');
    expect(hook).toBeTruthy();
  });

  it('gives back a payout reservation whose payout was never written, and queues again one never queued', async () => {
    await paid(3_000);
    const before = await available();
    dieAfterReserving(app.get<Model<unknown>>(getModelToken(Payout.name)));
    await http().post(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(owner.token)).send({ amount: 1_000 }).expect(500);
    jest.restoreAllMocks();
    expect(await available()).toBe(before - 1_000);
    await sweep();
    expect(await available()).toBe(before);

    jest.spyOn(app.get<Queue>(getQueueToken(PAYOUTS_QUEUE)), 'add').mockRejectedValueOnce(died());
    const res = await http().post(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(owner.token)).send({ amount: 1_000 }).expect(202);
    expect(res.body.payout.status).toBe('pending');
    await sweep();
    await waitFor(async () => (await payoutStatus(res.body.payout.id)) === 'paid', 20_000, 'the re-queued payout');
    const hook = await waitFor(async () => received().find((e) => e.type === 'payout.paid' && e.data.payout?.id === res.body.payout.id), 20_000, 'the payout.paid webhook');
    expect(hook).toBeTruthy();
  });
});
