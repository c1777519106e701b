import { getQueueToken } from '@nestjs/bull';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bull';
import request from 'supertest';
import { systemClock } from '../src/common/time/clock';
import { OutboxSweeper } from '../src/payments/outbox-sweeper';
import { PAYMENTS_QUEUE, SETTLE_ATTEMPTS } from '../src/payments/payment-queue';
import { SpendingLimitsService } from '../src/payments/spending-limits.service';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, seedSession, Session } from './support/session';
import { ledgerBalance, pay, relaxFraudRules, statusOf, waitForFinal } from './support/payments';
import { waitFor } from './support/wait';

/** Amounts (VND) whose settlements the local ledger is told to fail; × 1000 MIST per unit. */
const FLAKY = 1_313;
const DOOMED = 1_717;
/** Fails every submission of its job's attempts, after its bytes were stored. */
const UNREACHABLE = 1_919;

describe('settlement failures', () => {
  let app: NestExpressApplication;
  let s: Session;

  beforeAll(async () => {
    app = await createTestApp({ env: { LOCAL_LEDGER_FAULTS: `${FLAKY * 1000}:transient:2,${DOOMED * 1000}:permanent,${UNREACHABLE * 1000}:transient:${SETTLE_ATTEMPTS}`, QUEUE_LOCK_DURATION_MS: '2000', QUEUE_STALLED_INTERVAL_MS: '1000', WALLET_LEASE_TTL_MS: '11000', SUI_SUBMIT_TIMEOUT_MS: '1000' } });
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
  });
  afterAll(() => closeTestApp(app));

  const body = (amount: number) => ({ cardUuid: s.cardUuid, amount, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId });

  it('retries a settlement that fails transiently twice, and pays exactly once', async () => {
    const before = await ledgerBalance(app, s.merchant.settlementAddress);
    const { body: accepted } = await pay(app, s.terminal.token, body(FLAKY)).expect(202);
    const done = await waitForFinal(app, s.terminal.token, accepted.transactionId, 20_000);
    expect(done.status).toBe('completed');
    expect(done.attempts ?? 3).toBeGreaterThanOrEqual(1);
    expect((await ledgerBalance(app, s.merchant.settlementAddress)) - before).toBe(BigInt(FLAKY) * 1000n);
  });

  it('fails a permanently failing settlement at once: limit given back, alert raised, nothing moved', async () => {
    const before = await ledgerBalance(app, s.merchant.settlementAddress);
    const { body: accepted } = await pay(app, s.terminal.token, body(DOOMED)).expect(202);
    const done = await waitForFinal(app, s.terminal.token, accepted.transactionId);
    expect(done).toMatchObject({ status: 'failed', failureReason: expect.stringContaining('INSUFFICIENT_BALANCE') });
    expect(await ledgerBalance(app, s.merchant.settlementAddress)).toBe(before);
    // The alert is raised by its own job once the payment is failed, so it may land a moment after.
    const alerts = await waitFor(async () => {
      const res = await request(app.getHttpServer()).get('/api/alerts').set(bearer(s.adminToken)).expect(200);
      return JSON.stringify(res.body).includes(accepted.transactionId) && res.body;
    }, 10_000, 'the failed-payment alert');
    expect(JSON.stringify(alerts)).toContain(accepted.transactionId);
  });

  it('keeps a payment whose stored bytes failed transiently on every attempt processing, its limit held, until the sweep lands them once', async () => {
    const limits = app.get(SpendingLimitsService);
    const [before, reservedBefore] = await Promise.all([ledgerBalance(app, s.merchant.settlementAddress), limits.reservedToday(s.cardUuid)]);
    const { body: accepted } = await pay(app, s.terminal.token, body(UNREACHABLE)).expect(202);
    const transactionId = accepted.transactionId as string;
    const jobState = async () => (await app.get<Queue>(getQueueToken(PAYMENTS_QUEUE)).getJob(transactionId))?.getState();
    await waitFor(async () => ['failed', 'completed'].includes((await jobState()) ?? ''), 30_000, 'the settlement job to end');
    // Its attempts are used up, but a submission that failed may have been sent: not failed, limit not given back.
    expect(await jobState()).toBe('failed');
    expect((await statusOf(app, s.adminToken, transactionId)).status).toBe('processing');
    expect(await limits.reservedToday(s.cardUuid)).toBe(reservedBefore + UNREACHABLE);
    expect(await ledgerBalance(app, s.merchant.settlementAddress)).toBe(before);

    // Past the grace a processing payment gets before the sweep takes it for lost.
    const clock = jest.spyOn(systemClock, 'now').mockReturnValue(new Date(Date.now() + 120_000));
    try {
      expect(await app.get(OutboxSweeper).sweep()).toBeGreaterThanOrEqual(1);
    } finally {
      clock.mockRestore();
    }
    expect((await waitForFinal(app, s.adminToken, transactionId, 20_000)).status).toBe('completed');
    expect((await ledgerBalance(app, s.merchant.settlementAddress)) - before).toBe(BigInt(UNREACHABLE) * 1000n);
    expect(await limits.reservedToday(s.cardUuid)).toBe(reservedBefore + UNREACHABLE);
  });
});
