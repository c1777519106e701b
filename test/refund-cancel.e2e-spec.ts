import { getQueueToken } from '@nestjs/bull';
import { getModelToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bull';
import type { Model } from 'mongoose';
import request from 'supertest';
import { OUTFLOW_SETTLEMENT } from '../src/blockchain/blockchain.tokens';
import type { SettlementService } from '../src/blockchain/settlement/settlement.service';
import { REFUNDS_QUEUE, RefundsService } from '../src/refunds/refunds.service';
import { RefundCommitment } from '../src/refunds/schemas/refund.schema';
import { closeTestApp, createTestApp, TEST_METRICS_TOKEN } from './support/test-app';
import { closeClients, connect, listen, nextEvent } from './realtime/realtime-support';
import { bearer, createMerchant, inviteStaff, seedSession, Session, TestStaff } from './support/session';
import { ledgerBalance, relaxFraudRules, settledPayment } from './support/payments';
import { startWebhookReceiver } from './support/webhook-receiver';
import { waitFor } from './support/wait';

const MIST = 1000n;

describe('canceling a refund', () => {
  let app: NestExpressApplication;
  let s: Session;
  let staff: TestStaff;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let queue: Queue;
  const received = () => receiver.received;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    app = await createTestApp();
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
    staff = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'staff');
    await http().patch(`/api/merchants/${s.merchant.merchantId}/webhook`).set(bearer(s.adminToken)).send({ webhookUrl: receiver.url }).expect(200);
    queue = app.get<Queue>(getQueueToken(REFUNDS_QUEUE));
  });
  // Each test holds the refunds' jobs back (this process is their only worker) so a refund stays unsent until it lets go.
  beforeEach(() => queue.pause(true));
  afterEach(async () => {
    jest.restoreAllMocks();
    await queue.resume(true);
  });
  afterAll(async () => {
    closeClients();
    await closeTestApp(app);
    await receiver.close();
  });

  const paid = (amount: number) => settledPayment(app, s, amount);
  const refund = (transactionId: string, body: Record<string, unknown> = {}) => http().post(`/api/payment/${transactionId}/refunds`).set(bearer(staff.token)).send(body);
  const cancel = (transactionId: string, refundId: string, token = staff.token) => http().post(`/api/payment/${transactionId}/refunds/${refundId}/cancel`).set(bearer(token)).send();
  const refundOf = async (transactionId: string, refundId: string) =>
    ((await http().get(`/api/payment/${transactionId}/refunds`).set(bearer(s.adminToken)).expect(200)).body.refunds as Array<{ id: string; status: string }>).find((r) => r.id === refundId)!;
  const available = async () => (await http().get(`/api/merchants/${s.merchant.merchantId}/balance`).set(bearer(staff.token)).expect(200)).body.available as number;
  const wallets = async () => ({ holder: await ledgerBalance(app, s.user.walletAddress!), merchant: await ledgerBalance(app, s.merchant.settlementAddress) });
  /** Its job, let go, has run to its end. */
  const jobDone = (refundId: string) => waitFor(async () => (await queue.getJob(refundId))?.isCompleted(), 20_000, `the job of ${refundId}`);

  it('cancels a refund not yet sent: canceled, its amount available and refundable again, nothing sent, and told', async () => {
    const transactionId = await paid(3_000);
    const [before, walletsBefore] = [await available(), await wallets()];
    const url = await listen(app);
    const { socket } = await connect(url, { token: s.terminal.token });
    const merchantSees = nextEvent<{ refund: { id: string; status: string } }>(socket, 'refund:update', 15_000, (p) => p.refund.status === 'canceled');

    const made = await refund(transactionId, { amount: 1_000 }).expect(202);
    expect(await available()).toBe(before - 1_000);
    const canceled = await cancel(transactionId, made.body.refund.id).expect(200);
    expect(canceled.body).toMatchObject({ success: true, refund: { id: made.body.refund.id, status: 'canceled', amount: 1_000 } });
    expect((await cancel(transactionId, made.body.refund.id).expect(200)).body.refund.status).toBe('canceled');
    expect(await available()).toBe(before);
    expect((await merchantSees).refund.id).toBe(made.body.refund.id);
    const hook = await waitFor(async () => received().find((e) => e.type === 'refund.canceled' && e.data.refund?.id === made.body.refund.id), 15_000, 'the refund.canceled webhook');
    expect(hook.data.refund!.status).toBe('canceled');

    // Its job, when it runs, finds the refund canceled and sends nothing.
    await queue.resume(true);
    await jobDone(made.body.refund.id);
    expect((await refundOf(transactionId, made.body.refund.id)).status).toBe('canceled');
    expect(await wallets()).toEqual(walletsBefore);
    // All of the payment is refundable again.
    expect((await refund(transactionId).expect(202)).body.refund.amount).toBe(3_000);
    const metrics = (await http().get('/metrics').set(bearer(TEST_METRICS_TOKEN)).expect(200)).text;
    expect(metrics).toMatch(/^nfcpay_refunds_total\{status="canceled"\} 1$/m);
  });

  it('answers 409 once the transfer has started, and after it succeeded', async () => {
    const transactionId = await paid(2_000);
    const walletsBefore = await wallets();
    const made = await refund(transactionId, { amount: 800 }).expect(202);
    const settlement = app.get<SettlementService>(OUTFLOW_SETTLEMENT);
    const settle = settlement.settle.bind(settlement);
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    jest.spyOn(settlement, 'settle').mockImplementation(async (...args) => {
      await held;
      return settle(...args);
    });
    const running = app.get(RefundsService).execute(made.body.refund.id, false);
    const commitments = app.get<Model<RefundCommitment>>(getModelToken(RefundCommitment.name));
    await waitFor(() => commitments.exists({ _id: made.body.refund.id }).exec(), 10_000, 'the job to commit to the transfer');

    const refused = await cancel(transactionId, made.body.refund.id).expect(409);
    expect(refused.body).toMatchObject({ code: 'refund_not_cancelable', message: expect.stringContaining('being sent') });
    letGo();
    expect(await running).toBe('succeeded');
    expect((await cancel(transactionId, made.body.refund.id).expect(409)).body.code).toBe('refund_not_cancelable');
    const after = await wallets();
    expect(after.holder - walletsBefore.holder).toBe(800n * MIST);
    expect(walletsBefore.merchant - after.merchant).toBe(800n * MIST);
  });

  it('races its job: either sent or canceled, never both, and the money agrees', async () => {
    const transactionId = await paid(3_000);
    const refunds = app.get(RefundsService);
    for (let round = 0; round < 3; round++) {
      const [before, walletsBefore] = [await available(), await wallets()];
      const made = await refund(transactionId, { amount: 500 }).expect(202);
      const id = made.body.refund.id as string;
      const [job, ...cancels] = await Promise.all([refunds.execute(id, false), cancel(transactionId, id), cancel(transactionId, id), cancel(transactionId, id)]);
      const final = await refundOf(transactionId, id);
      const after = await wallets();
      if (final.status === 'canceled') {
        expect(job).toBe('skipped');
        expect(cancels.map((res) => res.status)).toEqual([200, 200, 200]);
        expect(after).toEqual(walletsBefore);
        expect(await available()).toBe(before);
      } else {
        expect(final.status).toBe('succeeded');
        expect(cancels.map((res) => res.status)).toEqual([409, 409, 409]);
        expect(after.holder - walletsBefore.holder).toBe(500n * MIST);
        expect(await available()).toBe(before - 500);
      }
    }
  });

  it('is for whoever may refund: never the cardholder, never another merchant', async () => {
    const transactionId = await paid(1_000);
    const made = await refund(transactionId, { amount: 300 }).expect(202);
    await cancel(transactionId, made.body.refund.id, s.user.token).expect(403);
    const other = await createMerchant(app, s.adminToken);
    const otherOwner = await inviteStaff(app, s.adminToken, other.merchantId, 'owner');
    await cancel(transactionId, made.body.refund.id, otherOwner.token).expect(404);
    // A refund of another payment is not found under this one.
    const elsewhere = await paid(1_000);
    await cancel(elsewhere, made.body.refund.id).expect(404);
    await cancel(transactionId, 'rf_unknown').expect(404);
    expect((await cancel(transactionId, made.body.refund.id, s.terminal.token).expect(200)).body.refund.status).toBe('canceled');
  });
});
