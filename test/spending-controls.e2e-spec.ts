import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, createMerchant, createTerminal, registerCard, registerUser, seedSession, Session, TestTerminal } from './support/session';
import { pay, relaxFraudRules, waitForFinal } from './support/payments';

// 50 taps racing for one card's spend chain take seconds on a quiet machine, far longer on a busy one.
describe('spending controls', () => {
  let app: NestExpressApplication;
  let s: Session;
  const http = () => request(app.getHttpServer());
  const tap = (cardUuid: string, amount: number, terminal: TestTerminal = s.terminal) =>
    pay(app, terminal.token, { cardUuid, amount, merchantId: terminal.merchantId, terminalId: terminal.terminalId });
  const setControls = (cardUuid: string, controls: Record<string, unknown>, token = s.user.token) => http().put(`/api/cards/${cardUuid}/controls`).set(bearer(token)).send(controls);
  const finish = (answers: request.Response[]) => Promise.all(answers.filter((r) => r.status === 202).map((r) => waitForFinal(app, s.adminToken, r.body.transactionId)));

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
  });
  afterAll(() => closeTestApp(app));

  it('gives merchants a category: 5999 by default, set at creation or by an admin', async () => {
    expect((await http().get(`/api/merchants/${s.merchant.merchantId}`).set(bearer(s.adminToken)).expect(200)).body.merchant.mcc).toBe('5999');
    const cafe = await createMerchant(app, s.adminToken, { mcc: '5812' });
    expect((await http().get(`/api/merchants/${cafe.merchantId}`).set(bearer(s.adminToken)).expect(200)).body.merchant.mcc).toBe('5812');
    const changed = await http().patch(`/api/merchants/${cafe.merchantId}`).set(bearer(s.adminToken)).send({ mcc: '5814' }).expect(200);
    expect(changed.body.merchant.mcc).toBe('5814');
    await http().patch(`/api/merchants/${cafe.merchantId}`).set(bearer(s.adminToken)).send({ mcc: '58a4' }).expect(400);
    await http().patch(`/api/merchants/${cafe.merchantId}`).set(bearer(s.user.token)).send({ mcc: '5812' }).expect(403);
    await createMerchant(app, s.adminToken, { mcc: '123' }).then(
      () => {
        throw new Error('a three-digit mcc was accepted');
      },
      (error: Error) => expect(error.message).toMatch(/400/),
    );
  });

  it('reads and writes dailyLimit and singleTransactionLimit as two of the controls', async () => {
    const cardUuid = await registerCard(app, s.user, { dailyLimit: 900_000, singleTransactionLimit: 300_000 });
    const read = await http().get(`/api/cards/${cardUuid}/controls`).set(bearer(s.user.token)).expect(200);
    expect(read.body.controls).toEqual({
      spendingLimits: [{ amount: 300_000, interval: 'per_authorization' }, { amount: 900_000, interval: 'daily' }],
      blockedCategories: [],
      caps: [],
    });
    const written = await setControls(cardUuid, { spendingLimits: [{ amount: 200_000, interval: 'per_authorization' }, { amount: 800_000, interval: 'daily' }, { count: 3, interval: 'weekly' }] }).expect(200);
    expect(written.body.controls.spendingLimits).toEqual([{ amount: 200_000, interval: 'per_authorization' }, { amount: 800_000, interval: 'daily' }, { count: 3, interval: 'weekly' }]);
    const card = await http().get(`/api/cards/${cardUuid}`).set(bearer(s.user.token)).expect(200);
    expect(card.body.card).toMatchObject({ dailyLimit: 800_000, singleTransactionLimit: 200_000 });
    await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(s.user.token)).send({ dailyLimit: 700_000 }).expect(200);
    expect((await http().get(`/api/cards/${cardUuid}/controls`).set(bearer(s.user.token)).expect(200)).body.controls.spendingLimits[1]).toEqual({ amount: 700_000, interval: 'daily' });
    const other = await registerUser(app, 'stranger');
    await http().get(`/api/cards/${cardUuid}/controls`).set(bearer(other.token)).expect(404);
    await setControls(cardUuid, { spendingLimits: [{ interval: 'weekly' }] }).expect(400);
    await setControls(cardUuid, { spendingLimits: [{ amount: 5, interval: 'yearly' }] }).expect(400);
    const single = await tap(cardUuid, 250_000).expect(400);
    expect(single.body.declineCode).toBe('single_limit_exceeded');
  });

  it('never lets 50 concurrent taps pass a weekly amount limit', async () => {
    const cardUuid = await registerCard(app, s.user, { dailyLimit: 10_000_000, singleTransactionLimit: 100_000 });
    await setControls(cardUuid, { spendingLimits: [{ amount: 1_000_000, interval: 'weekly' }] }).expect(200);
    const answers = await Promise.all(Array.from({ length: 50 }, () => tap(cardUuid, 100_000)));
    const declined = answers.filter((r) => r.status === 400);
    expect(answers.filter((r) => r.status === 202)).toHaveLength(10);
    expect(declined).toHaveLength(40);
    expect(declined.map((r) => [r.body.declineCode, r.body.interval])).toEqual(declined.map(() => ['spending_limit_exceeded', 'weekly']));
    await finish(answers);
  }, 90_000);

  it('never lets 50 concurrent taps pass a count limit, and a cancelled payment gives its use back', async () => {
    const cardUuid = await registerCard(app, s.user, { dailyLimit: 10_000_000, singleTransactionLimit: 100_000 });
    await setControls(cardUuid, { spendingLimits: [{ count: 5, interval: 'monthly' }] }).expect(200);
    const answers = await Promise.all(Array.from({ length: 50 }, () => tap(cardUuid, 1_000)));
    const accepted = answers.filter((r) => r.status === 202);
    expect(accepted).toHaveLength(5);
    expect(new Set(answers.filter((r) => r.status === 400).map((r) => `${r.body.declineCode}/${r.body.interval}`))).toEqual(new Set(['spending_limit_exceeded/monthly']));
    await finish(answers);

    const roomy = await registerCard(app, s.user, { dailyLimit: 10_000_000, singleTransactionLimit: 100_000 });
    await setControls(roomy, { spendingLimits: [{ count: 1, interval: 'all_time' }] }).expect(200);
    const first = await tap(roomy, 1_000).expect(202);
    expect((await tap(roomy, 1_000).expect(400)).body).toMatchObject({ declineCode: 'spending_limit_exceeded', interval: 'all_time' });
    const cancelled = await http().post(`/api/payment/${first.body.transactionId}/cancel`).set(bearer(s.terminal.token));
    if (cancelled.status === 200) {
      await waitForFinal(app, s.adminToken, first.body.transactionId);
      await finish([await tap(roomy, 1_000).expect(202)]);
    } else {
      // Settled before the cancel arrived: the use stays spent.
      expect(cancelled.status).toBe(409);
      await waitForFinal(app, s.adminToken, first.body.transactionId);
    }
  }, 90_000);

  it('declines at a blocked category and applies a categorised limit only at those merchants', async () => {
    const casino = await createMerchant(app, s.adminToken, { mcc: '7995' });
    const casinoTerminal = await createTerminal(app, s.adminToken, casino.merchantId);
    const cafe = await createMerchant(app, s.adminToken, { mcc: '5812' });
    const cafeTerminal = await createTerminal(app, s.adminToken, cafe.merchantId);
    const cardUuid = await registerCard(app, s.user);
    await setControls(cardUuid, { spendingLimits: [{ amount: 10_000, interval: 'per_authorization', categories: ['5812'] }], blockedCategories: ['7995'] }).expect(200);

    expect((await tap(cardUuid, 5_000, casinoTerminal).expect(400)).body.declineCode).toBe('category_blocked');
    expect((await tap(cardUuid, 20_000, cafeTerminal).expect(400)).body).toMatchObject({ declineCode: 'spending_limit_exceeded', interval: 'per_authorization' });
    const allowed = [await tap(cardUuid, 5_000, cafeTerminal).expect(202), await tap(cardUuid, 20_000).expect(202)];
    await finish(allowed);
  });

  it("keeps the cardholder's controls within an admin's caps, and enforces the caps", async () => {
    const cardUuid = await registerCard(app, s.user, { dailyLimit: 1_000_000, singleTransactionLimit: 100_000 });
    await http().put(`/api/cards/${cardUuid}/caps`).set(bearer(s.user.token)).send({ spendingLimits: [{ amount: 1, interval: 'daily' }] }).expect(403);
    const capped = await http()
      .put(`/api/cards/${cardUuid}/caps`)
      .set(bearer(s.adminToken))
      .send({ spendingLimits: [{ amount: 300_000, interval: 'weekly' }, { amount: 1_500_000, interval: 'daily' }] })
      .expect(200);
    expect(capped.body.controls.caps).toEqual([{ amount: 300_000, interval: 'weekly' }, { amount: 1_500_000, interval: 'daily' }]);

    const above = await setControls(cardUuid, { spendingLimits: [{ amount: 400_000, interval: 'weekly' }] }).expect(400);
    expect(above.body.message).toMatch(/weekly cap of 300000/);
    const legacy = await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(s.user.token)).send({ dailyLimit: 2_000_000 }).expect(400);
    expect(legacy.body.message).toMatch(/daily cap of 1500000/);
    const everyCard = await http().put('/api/users/me/controls').set(bearer(s.user.token)).send({ spendingLimits: [{ amount: 400_000, interval: 'weekly' }] }).expect(400);
    expect(everyCard.body.message).toMatch(/weekly cap of 300000/);
    await setControls(cardUuid, { spendingLimits: [{ amount: 250_000, interval: 'weekly' }] }).expect(200);

    // The cap holds even where the cardholder set nothing for its interval.
    await setControls(cardUuid, { spendingLimits: [] }).expect(200);
    const answers = [await tap(cardUuid, 100_000), await tap(cardUuid, 100_000), await tap(cardUuid, 100_000), await tap(cardUuid, 100_000)];
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 400]);
    expect(answers[3].body).toMatchObject({ declineCode: 'spending_limit_exceeded', interval: 'weekly' });
    await finish(answers);
  });

  it("sets the same controls on all of a cardholder's cards", async () => {
    const holder = await registerUser(app, 'many-cards');
    const cards = [await registerCard(app, holder), await registerCard(app, holder)];
    const res = await http()
      .put('/api/users/me/controls')
      .set(bearer(holder.token))
      .send({ spendingLimits: [{ count: 2, interval: 'daily' }], blockedCategories: ['7995'] })
      .expect(200);
    expect(res.body.cards.map((c: { cardUuid: string }) => c.cardUuid).sort()).toEqual([...cards].sort());
    for (const cardUuid of cards) {
      const read = await http().get(`/api/cards/${cardUuid}/controls`).set(bearer(holder.token)).expect(200);
      expect(read.body.controls).toMatchObject({ blockedCategories: ['7995'], spendingLimits: expect.arrayContaining([{ count: 2, interval: 'daily' }]) });
    }
  });
});
