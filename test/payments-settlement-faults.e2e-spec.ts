import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, seedSession, Session } from './support/session';
import { ledgerBalance, pay, relaxFraudRules, waitForFinal } from './support/payments';

/** Amounts (VND) whose settlements the local ledger is told to fail; × 1000 MIST per unit. */
const FLAKY = 1_313;
const DOOMED = 1_717;

describe('settlement failures', () => {
  let app: NestExpressApplication;
  let s: Session;

  beforeAll(async () => {
    app = await createTestApp({ env: { LOCAL_LEDGER_FAULTS: `${FLAKY * 1000}:transient:2,${DOOMED * 1000}:permanent`, QUEUE_LOCK_DURATION_MS: '2000', QUEUE_STALLED_INTERVAL_MS: '1000', WALLET_LEASE_TTL_MS: '11000', SUI_SUBMIT_TIMEOUT_MS: '1000' } });
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
    const alerts = await request(app.getHttpServer()).get('/api/alerts').set(bearer(s.adminToken)).expect(200);
    expect(JSON.stringify(alerts.body)).toContain(accepted.transactionId);
  });
});
