import { getModelToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Model } from 'mongoose';
import request from 'supertest';
import { FraudModule } from '../../src/fraud/fraud.module';
import { FraudService } from '../../src/fraud/fraud.service';
import { FraudAssessmentRecord } from '../../src/fraud/schemas/fraud-assessment.schema';
import { closeTestApp, createTestApp } from '../support/test-app';
import { payment, seconds, tap, tokens } from './fraud-helpers';

const DAY = 86_400;

describe('fraud: backtest over a hand-made history', () => {
  let app: NestExpressApplication;
  let fraud: FraudService;
  let auth: { Authorization: string };
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({ extra: { imports: [FraudModule] } });
    fraud = app.get(FraudService);
    auth = { Authorization: `Bearer ${(await tokens(app)).admin}` };

    const now = new Date();
    // A: 5 taps 10 s apart, two days ago (defaults: the 4th and 5th were blocked then).
    for (let i = 0; i < 5; i++) await tap(fraud, payment({ cardUuid: 'card-A', at: seconds(now, -2 * DAY + i * 10) }));
    // B: 3 taps ten minutes apart, three days ago.
    for (let i = 0; i < 3; i++) await tap(fraud, payment({ cardUuid: 'card-B', at: seconds(now, -3 * DAY + i * 600) }));
    // C: one tap ten days ago: outside a 7-day backtest.
    await tap(fraud, payment({ cardUuid: 'card-C', at: seconds(now, -10 * DAY) }));
    // D: five taps of 10 000, then one of 100 000 (10× the typical amount), yesterday.
    for (let i = 0; i < 5; i++) await tap(fraud, payment({ cardUuid: 'card-D', amount: 10_000, at: seconds(now, -DAY + i * 600) }));
    await tap(fraud, payment({ cardUuid: 'card-D', amount: 100_000, at: seconds(now, -DAY + 3600) }));
    // E: declined by its bank twice (not by fraud), an hour ago.
    await tap(fraud, payment({ cardUuid: 'card-E', at: seconds(now, -3600) }), true);
    await tap(fraud, payment({ cardUuid: 'card-E', at: seconds(now, -3590) }), true);
    await fraud.whenIdle();
  });
  afterAll(() => closeTestApp(app));

  it('stored every assessment with its outcome', async () => {
    const model = app.get<Model<FraudAssessmentRecord>>(getModelToken(FraudAssessmentRecord.name));
    const docs = await model.find({}).sort({ at: 1 }).lean();
    expect(docs).toHaveLength(17);
    const a = docs.filter((d) => d.cardUuid === 'card-A');
    expect(a.map((d) => [d.decision, d.approved])).toEqual([
      ['allow', true],
      ['allow', true],
      ['allow', true],
      ['block', false],
      ['block', false],
    ]);
    expect(a[3].reasons[0].rule).toBe('velocity');
    expect(docs.find((d) => d.cardUuid === 'card-D' && d.amount === 100_000)).toMatchObject({ decision: 'review', approved: true });
  });

  it('counts what the active rules would decide now (same as then)', async () => {
    const res = await http().post('/api/fraud/rules/backtest').set(auth).send({ days: 7 }).expect(200);
    // 16 in 7 days: A blocks 2, D's big one is a review, the rest allow.
    expect(res.body).toMatchObject({ success: true, total: 16, wouldBlock: 2, wouldReview: 1, wouldAllow: 13, changed: 0, truncated: false });
  });

  it('counts a stricter proposal, with examples, and saves nothing', async () => {
    const before = await http().get('/api/fraud/rules').set(auth).expect(200);
    const proposal = { rules: { velocity: { maxPerMinute: 1 }, amountAnomaly: { weight: 80 } } };
    const res = await http().post('/api/fraud/rules/backtest').set(auth).send({ rules: proposal, days: 7 }).expect(200);
    // A: only the first passes (4 blocks); D's big one becomes a block; B (10 min apart) and E pass.
    expect(res.body).toMatchObject({ total: 16, wouldBlock: 5, wouldReview: 0, wouldAllow: 11, changed: 3 });
    expect(res.body.examples).toHaveLength(5);
    expect(res.body.examples[0]).toMatchObject({ cardUuid: 'card-A', historicalDecision: 'allow', decision: 'block', reasons: [{ rule: 'velocity' }] });
    expect(res.body.examples[4]).toMatchObject({ cardUuid: 'card-D', amount: 100_000, historicalDecision: 'review', decision: 'block', reasons: [{ rule: 'amount_anomaly' }] });

    const wider = await http().post('/api/fraud/rules/backtest').set(auth).send({ rules: proposal, days: 30 }).expect(200);
    expect(wider.body.total).toBe(17);

    const after = await http().get('/api/fraud/rules').set(auth).expect(200);
    expect(after.body).toEqual(before.body);
    const model = app.get<Model<FraudAssessmentRecord>>(getModelToken(FraudAssessmentRecord.name));
    expect(await model.countDocuments()).toBe(17);
  });

  it('counts declines from the history into card testing', async () => {
    const res = await http()
      .post('/api/fraud/rules/backtest')
      .set(auth)
      .send({ rules: { rules: { cardTesting: { maxCardDeclines: 0, maxTerminalDeclinedCards: 99 } } }, days: 7 })
      .expect(200);
    // E's second attempt follows one decline; A's 5th follows A's blocked 4th (a decline too).
    expect(res.body).toMatchObject({ wouldBlock: 3, wouldReview: 1 });
    const blocks = res.body.examples.filter((e: { decision: string }) => e.decision === 'block');
    expect(blocks.map((e: { cardUuid: string }) => e.cardUuid)).toEqual(['card-A', 'card-A', 'card-E']);
    expect(blocks[2].reasons).toEqual([expect.objectContaining({ rule: 'card_testing', detail: '1 declines of this card within 10 min (limit 0)' })]);
  });

  it('refuses an invalid proposal', async () => {
    await http().post('/api/fraud/rules/backtest').set(auth).send({ days: 0 }).expect(400);
    await http().post('/api/fraud/rules/backtest').set(auth).send({ days: 7, rules: { decision: { reviewAt: 95, blockAt: 90 } } }).expect(400);
    await http().post('/api/fraud/rules/backtest').set(auth).send({ days: 7, rules: { rules: { velocity: { maxPerMinute: 'x' } } } }).expect(400);
  });
});
