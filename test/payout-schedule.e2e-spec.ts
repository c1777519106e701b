import { SchedulerRegistry } from '@nestjs/schedule';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { PayoutScheduler } from '../src/merchants/money/payout-scheduler';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, seedSession, Session } from './support/session';
import { pay, relaxFraudRules, waitForFinal } from './support/payments';
import { waitFor } from './support/wait';
import { closeClients, connect, listen, nextEvent } from './realtime/realtime-support';

describe('scheduled payouts (PAYOUT_SCHEDULE=daily@09 in Asia/Ho_Chi_Minh)', () => {
  let app: NestExpressApplication;
  let s: Session;
  let url: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({ env: { PAYOUT_SCHEDULE: 'daily@09', LIMITS_TIMEZONE: 'Asia/Ho_Chi_Minh' } });
    url = await listen(app);
    // The test drives the scheduler's clock itself; the worker's own ticks would run on today's.
    app.get(SchedulerRegistry).deleteInterval('payout-schedule');
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
  });
  afterAll(async () => {
    closeClients();
    await closeTestApp(app);
  });

  async function paid(amount: number): Promise<void> {
    const res = await pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
    expect((await waitForFinal(app, s.adminToken, res.body.transactionId)).status).toBe('completed');
  }
  const payouts = async () => (await http().get(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(s.adminToken)).expect(200)).body.payouts as Array<{ amount: number; status: string }>;
  const run = (iso: string) => app.get(PayoutScheduler).run(new Date(iso));

  it('pays the available balance out once a day, from the hour set in LIMITS_TIMEZONE, however many runs race', async () => {
    await paid(3_000);
    // 01:59 UTC is 08:59 in Ho Chi Minh City: not yet.
    expect(await run('2031-03-10T01:59:00Z')).toBe(0);
    expect(await payouts()).toEqual([]);

    const { socket } = await connect(url, { token: s.terminal.token });
    const merchantSees = nextEvent<{ payout: { amount: number; status: string } }>(socket, 'payout:update', 20_000, (p) => p.payout.status === 'paid');
    await Promise.all([run('2031-03-10T02:00:00Z'), run('2031-03-10T02:00:30Z'), run('2031-03-10T09:00:00Z')]);
    expect((await payouts()).map((p) => p.amount)).toEqual([3_000]);
    await waitFor(async () => (await payouts()).every((p) => p.status === 'paid'), 20_000, 'the scheduled payout to be paid');
    expect((await merchantSees).payout.amount).toBe(3_000);

    // Later the same local day: a new payment waits for tomorrow.
    await paid(1_000);
    await run('2031-03-10T16:59:00Z');
    expect(await payouts()).toHaveLength(1);
    // 17:00 UTC is already the 11th there, but before 09:00.
    await run('2031-03-10T17:00:00Z');
    expect(await payouts()).toHaveLength(1);
    await run('2031-03-11T02:00:00Z');
    expect((await payouts()).map((p) => p.amount)).toEqual([1_000, 3_000]);
  });
});
