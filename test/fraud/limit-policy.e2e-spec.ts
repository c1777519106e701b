import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { FraudService } from '../../src/fraud/fraud.service';
import { closeTestApp, createTestApp } from '../support/test-app';
import { bearer, registerCard, seedSession, Session } from '../support/session';
import { pay, relaxFraudRules, waitForFinal } from '../support/payments';
import { waitFor } from '../support/wait';

describe('dynamic limits', () => {
  let app: NestExpressApplication;
  let s: Session;
  const http = () => request(app.getHttpServer());
  const tap = (cardUuid: string, amount: number) => pay(app, s.terminal.token, { cardUuid, amount, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId });
  const effective = async (cardUuid: string) => (await http().get(`/api/cards/${cardUuid}`).set(bearer(s.user.token)).expect(200)).body.card.effectiveLimits;
  const started = new Date();

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
  });
  afterAll(() => closeTestApp(app));

  it('lowers a new card to a share of its limits, which grows with settled payments', async () => {
    const cardUuid = await registerCard(app, s.user, { dailyLimit: 1_000_000, singleTransactionLimit: 500_000 });
    expect(await effective(cardUuid)).toEqual({ dailyLimit: 1_000_000, singleTransactionLimit: 500_000, percent: 100 });
    await http().put('/api/fraud/limit-policy').set(bearer(s.user.token)).send({ enabled: true }).expect(403);
    const put = await http().put('/api/fraud/limit-policy').set(bearer(s.adminToken)).send({ enabled: true, startPercent: 30, fullAfterSettledPayments: 2 }).expect(200);
    expect(put.body.policy).toMatchObject({ enabled: true, startPercent: 30, fullAfterSettledPayments: 2 });
    await http().put('/api/fraud/limit-policy').set(bearer(s.adminToken)).send({ startPercent: 0 }).expect(400);

    expect(await effective(cardUuid)).toEqual({ dailyLimit: 300_000, singleTransactionLimit: 150_000, percent: 30 });
    expect((await tap(cardUuid, 200_000).expect(400)).body.declineCode).toBe('single_limit_exceeded');
    for (const amount of [100_000, 100_000]) await waitForFinal(app, s.adminToken, (await tap(cardUuid, amount).expect(202)).body.transactionId);
    const full = await waitFor(async () => {
      const limits = await effective(cardUuid);
      return limits.percent === 100 && limits;
    }, 10_000, 'the card to reach its full limits');
    expect(full).toEqual({ dailyLimit: 1_000_000, singleTransactionLimit: 500_000, percent: 100 });
    await waitForFinal(app, s.adminToken, (await tap(cardUuid, 200_000).expect(202)).body.transactionId);
  });

  it('backtests a proposed policy against the recorded payments without applying it', async () => {
    await app.get(FraudService).whenIdle();
    const res = await http()
      .post('/api/fraud/limit-policy/backtest')
      .set(bearer(s.adminToken))
      .send({ policy: { startPercent: 10, fullAfterSettledPayments: 100 }, from: started.toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
    expect([res.status, res.body.message]).toEqual([200, undefined]);
    // Approved then: 100 000, 100 000 and 200 000, each above 10 % of the 500 000 single-payment limit.
    expect(res.body).toMatchObject({ success: true, evaluated: 3, wouldDecline: 3, wouldDeclineAmount: 400_000, truncated: false });
    expect(res.body.examples[0]).toMatchObject({ declineCode: 'single_limit_exceeded', effectiveLimits: { singleTransactionLimit: 50_000, dailyLimit: 100_000, percent: 10 } });
    const unchanged = await http().get('/api/fraud/limit-policy').set(bearer(s.adminToken)).expect(200);
    expect(unchanged.body.policy).toMatchObject({ startPercent: 30, fullAfterSettledPayments: 2 });
    await http().post('/api/fraud/limit-policy/backtest').set(bearer(s.adminToken)).send({ policy: {}, from: new Date().toISOString(), to: started.toISOString() }).expect(400);
  });

  it('drops a card whose score was elevated recently back to the start share', async () => {
    await http().put('/api/fraud/limit-policy').set(bearer(s.adminToken)).send({ enabled: true, startPercent: 30, fullAfterSettledPayments: 0, elevatedScore: 65, elevatedForHours: 24 }).expect(200);
    const cardUuid = await registerCard(app, s.user, { dailyLimit: 1_000_000, singleTransactionLimit: 500_000 });
    expect(await effective(cardUuid)).toEqual({ dailyLimit: 1_000_000, singleTransactionLimit: 500_000, percent: 100 });
    await waitForFinal(app, s.adminToken, (await tap(cardUuid, 200_000).expect(202)).body.transactionId);

    // Velocity back on (weight 80): a second tap within the minute scores 80, above elevatedScore.
    await http().put('/api/fraud/rules').set(bearer(s.adminToken)).send({ rules: { velocity: { enabled: true, maxPerMinute: 1 } } }).expect(200);
    expect((await tap(cardUuid, 10_000).expect(400)).body.declineCode).toBe('fraud_high_risk');
    await relaxFraudRules(app, s.adminToken);
    const dropped = await waitFor(async () => {
      const limits = await effective(cardUuid);
      return limits.percent === 30 && limits;
    }, 10_000, 'the card to drop back to 30 %');
    expect(dropped).toEqual({ dailyLimit: 300_000, singleTransactionLimit: 150_000, percent: 30 });
    expect((await tap(cardUuid, 200_000).expect(400)).body.declineCode).toBe('single_limit_exceeded');
  });
});
