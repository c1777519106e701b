import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { pay, relaxFraudRules, waitForFinal } from '../support/payments';
import { bearer, seedSession, type Session } from '../support/session';
import { closeTestApp, createTestApp } from '../support/test-app';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

describe('MONGODB_MONITOR_COMMANDS: database commands counted by origin', () => {
  let app: NestExpressApplication;
  let s: Session;
  const scrape = async () => (await request(app.getHttpServer()).get('/metrics').set(bearer(METRICS_TOKEN)).expect(200)).text;
  const count = (text: string, command: string, collection: string, origin: string) =>
    Number(new RegExp(`^nfcpay_db_commands_total\\{command="${command}",collection="${collection}",origin="${origin}",filter="[^"]*"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);

  beforeAll(async () => {
    app = await createTestApp({ env: { METRICS_TOKEN, MONGODB_MONITOR_COMMANDS: 'true' } });
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
  });
  afterAll(() => closeTestApp(app));

  it('counts the accept under request and the settlement under background', async () => {
    const before = await scrape();
    const body = { cardUuid: s.cardUuid, amount: 2_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId };
    const accepted = await pay(app, s.terminal.token, body).expect(202);
    await waitForFinal(app, s.terminal.token, accepted.body.transactionId);
    const after = await scrape();
    expect(count(after, 'insert', 'transactions', 'request') - count(before, 'insert', 'transactions', 'request')).toBe(1);
    expect(count(after, 'insert', 'payment_claims', 'background') - count(before, 'insert', 'payment_claims', 'background')).toBeGreaterThanOrEqual(2);
    expect(count(after, 'insert', 'payment_claims', 'request') - count(before, 'insert', 'payment_claims', 'request')).toBe(0);
  });
});
