import { NestExpressApplication } from '@nestjs/platform-express';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import request from 'supertest';
import { FraudModelState, MODEL_STATE_ID } from '../../src/fraud/model/schemas';
import { closeTestApp, createTestApp } from '../support/test-app';
import { bearer, createMerchant, createTerminal, registerCard, seedSession, Session, TestTerminal } from '../support/session';
import { pay, relaxFraudRules, statusOf } from '../support/payments';
import { waitFor } from '../support/wait';

describe('fraud model', () => {
  let app: NestExpressApplication;
  let s: Session;
  let terminals: TestTerminal[];
  const http = () => request(app.getHttpServer());
  const tap = (cardUuid: string, terminal: TestTerminal) => pay(app, terminal.token, { cardUuid, amount: 100_000, merchantId: terminal.merchantId, terminalId: terminal.terminalId });
  const assessmentOf = (transactionId: string) =>
    waitFor(async () => {
      const res = await http().get(`/api/fraud/assessments/${transactionId}`).set(bearer(s.adminToken));
      return res.status === 200 && res.body.assessment;
    }, 10_000, `the assessment of ${transactionId}`);
  /** Four taps of one card within seconds at four merchants: a stolen card spending fast. */
  const spree = async (cardUuid: string) => {
    const answers = [];
    for (const terminal of terminals) answers.push(await tap(cardUuid, terminal));
    return answers;
  };

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
    // The rules that would see the spree are off: what declines is the model's score alone.
    await relaxFraudRules(app, s.adminToken);
    terminals = [s.terminal];
    for (let i = 0; i < 3; i++) terminals.push(await createTerminal(app, s.adminToken, (await createMerchant(app, s.adminToken)).merchantId));
  });
  afterAll(() => closeTestApp(app));

  it('runs the bundled model in shadow: scored and recorded on every assessment, declining nothing', async () => {
    const state = await http().get('/api/fraud/model').set(bearer(s.adminToken)).expect(200);
    expect(state.body).toMatchObject({ active: null, shadow: { version: expect.any(String), features: expect.arrayContaining(['taps_last_minute']) } });
    expect(state.body.shadow.metrics.model.auc).toBeGreaterThan(state.body.shadow.metrics.rules.auc);

    const cardUuid = await registerCard(app, s.user);
    const answers = await spree(cardUuid);
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    const last = await assessmentOf(answers[3].body.transactionId);
    expect(last).toMatchObject({ riskScore: expect.any(Number), riskLevel: 'highest', modelVersion: state.body.shadow.version, modelEnforced: false, decision: 'allow' });
    expect(last.riskScore).toBeGreaterThanOrEqual(75);
    expect(last.topFeatures[0]).toEqual({ feature: expect.any(String), contribution: expect.any(Number) });
    // Time since the last tap from the counters' one read; card age and category from the card and merchant documents.
    const first = await assessmentOf(answers[0].body.transactionId);
    expect(first.features.log_minutes_since_last_tap).toBeCloseTo(Math.log1p(90 * 24 * 60), 5);
    expect(first.features.mcc_high_risk).toBe(0);
    expect(first.mcc).toBe('5999');
    expect(last.features.log_minutes_since_last_tap).toBeLessThan(Math.log1p(1));
    expect(last.features.log_card_age_days).toBeLessThan(Math.log1p(1));
    const view = await statusOf(app, s.adminToken, answers[3].body.transactionId);
    expect(view.fraud).toMatchObject({ riskScore: last.riskScore, riskLevel: 'highest', modelEnforced: false });
    expect((await statusOf(app, terminals[3].token, answers[3].body.transactionId)).fraud).toBeUndefined();
  });

  it('enforces the model once activated: the model rule blocks a high score', async () => {
    await http().post('/api/fraud/model/activate').set(bearer(s.user.token)).send({ version: 'lr-2026-12-v2' }).expect(403);
    await http().post('/api/fraud/model/activate').set(bearer(s.adminToken)).send({ version: 'no-such-model' }).expect(400);
    const activated = await http().post('/api/fraud/model/activate').set(bearer(s.adminToken)).send({ version: 'lr-2026-12-v2' }).expect(200);
    expect(activated.body).toMatchObject({ active: { version: 'lr-2026-12-v2' }, shadow: null });

    const answers = await spree(await registerCard(app, s.user));
    const blocked = answers.filter((r) => r.status === 400);
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked[0].body.declineCode).toBe('fraud_high_risk');
    const assessment = await assessmentOf(blocked[0].body.transactionId);
    expect(assessment).toMatchObject({ decision: 'block', modelEnforced: true, riskLevel: 'highest' });
    expect(assessment.reasons[0]).toMatchObject({ rule: 'model' });

    // The model rule is tunable like the others: off, the same spree passes.
    const rules = await http().put('/api/fraud/rules').set(bearer(s.adminToken)).send({ rules: { model: { enabled: false } } }).expect(200);
    expect(rules.body.rules.model).toEqual({ enabled: false, blockAt: 75, reviewAt: 65 });
    expect((await spree(await registerCard(app, s.user))).map((r) => r.status)).toEqual([202, 202, 202, 202]);

    // …and backtested like them: turned back on, it would have blocked the sprees.
    const backtest = await http().post('/api/fraud/rules/backtest').set(bearer(s.adminToken)).send({ rules: { rules: { model: { enabled: true } } }, days: 1 }).expect(200);
    expect(backtest.body.wouldBlock).toBeGreaterThan(0);
    expect(backtest.body.examples[0].reasons[0]).toMatchObject({ rule: 'model' });
  });

  it('shows the model in the review queue when its score sends a payment to review', async () => {
    await http().put('/api/fraud/rules').set(bearer(s.adminToken)).send({ rules: { model: { enabled: true, reviewAt: 1, blockAt: 99 } } }).expect(200);
    const res = await tap(await registerCard(app, s.user), s.terminal).expect(202);
    const review = await waitFor(async () => {
      const list = await http().get('/api/fraud/reviews').set(bearer(s.adminToken)).expect(200);
      return list.body.reviews.find((r: { transactionId: string }) => r.transactionId === res.body.transactionId);
    }, 10_000, 'the review');
    expect(review).toMatchObject({ riskScore: expect.any(Number), riskLevel: 'elevated', modelVersion: 'lr-2026-12-v2' });
    expect(review.reasons[0]).toMatchObject({ rule: 'model' });
  });

  it('runs the newest bundled model in shadow when the active version is no longer bundled (another feature list)', async () => {
    const states = app.get<Model<FraudModelState>>(getModelToken(FraudModelState.name));
    await states.replaceOne({ _id: MODEL_STATE_ID }, { active: 'lr-2026-12-v1', shadow: null }, { upsert: true }).exec();
    const state = await http().get('/api/fraud/model').set(bearer(s.adminToken)).expect(200);
    expect(state.body).toMatchObject({ active: null, shadow: { version: 'lr-2026-12-v2' }, available: ['lr-2026-12-v2'] });
  });
});
