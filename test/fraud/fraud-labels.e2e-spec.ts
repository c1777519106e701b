import { NestExpressApplication } from '@nestjs/platform-express';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import request from 'supertest';
import { FraudLabel } from '../../src/fraud/labels/fraud-label.schema';
import { FEATURE_NAMES } from '../../src/fraud/model/features';
import { samplesFromLabels } from '../../src/fraud/model/training/recorded-outcomes';
import { closeTestApp, createTestApp } from '../support/test-app';
import { bearer, inviteStaff, registerCard, seedSession, Session, TestStaff } from '../support/session';
import { pay, relaxFraudRules, waitForFinal } from '../support/payments';
import { waitFor } from '../support/wait';

describe('fraud labels: recorded outcomes for training', () => {
  let app: NestExpressApplication;
  let s: Session;
  let staff: TestStaff;
  let labels: Model<FraudLabel>;
  const http = () => request(app.getHttpServer());
  const paid = async (cardUuid: string, amount = 10_000) => {
    const res = await pay(app, s.terminal.token, { cardUuid, amount, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
    expect((await waitForFinal(app, s.adminToken, res.body.transactionId)).status).toBe('completed');
    return res.body.transactionId as string;
  };
  const labelOf = (transactionId: string) => waitFor(() => labels.findById(transactionId).lean().exec(), 10_000, `the label of ${transactionId}`);
  const reviewed = (transactionId: string) =>
    waitFor(async () => {
      const list = await http().get('/api/fraud/reviews?limit=50').set(bearer(s.adminToken)).expect(200);
      return list.body.reviews.some((r: { transactionId: string }) => r.transactionId === transactionId);
    }, 10_000, `the review of ${transactionId}`);

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
    staff = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'staff');
    labels = app.get(getModelToken(FraudLabel.name));
  });
  afterAll(() => closeTestApp(app));

  it('records a review closed as fraud (1) or as legitimate (0) as a labelled example with the assessment’s features', async () => {
    // Every payment goes to review: the active model's score is at least 1.
    await http().post('/api/fraud/model/activate').set(bearer(s.adminToken)).send({ version: 'lr-2026-12-v2' }).expect(200);
    await http().put('/api/fraud/rules').set(bearer(s.adminToken)).send({ rules: { model: { enabled: true, reviewAt: 1, blockAt: 99 } } }).expect(200);
    const fraudulent = await paid(await registerCard(app, s.user));
    const legitimate = await paid(await registerCard(app, s.user));
    await http().put('/api/fraud/rules').set(bearer(s.adminToken)).send({ rules: { model: { enabled: false } } }).expect(200);
    await Promise.all([reviewed(fraudulent), reviewed(legitimate)]);

    await http().post(`/api/fraud/reviews/${fraudulent}/resolve`).set(bearer(s.adminToken)).send({ verdict: 'fraud' }).expect(200);
    await http().post(`/api/fraud/reviews/${legitimate}/resolve`).set(bearer(s.adminToken)).send({ verdict: 'legit' }).expect(200);
    const fraudLabel = await labelOf(fraudulent);
    expect(fraudLabel).toMatchObject({ label: 1, source: 'review', detail: 'fraud', assessmentId: expect.any(String), rulesScore: expect.any(Number), recordedBy: expect.any(String) });
    expect(Object.keys(fraudLabel.features!)).toEqual([...FEATURE_NAMES]);
    expect(await labelOf(legitimate)).toMatchObject({ label: 0, source: 'review', detail: 'legit' });
  });

  it('records a refund asked with reason fraudulent as a fraud example; other reasons label nothing', async () => {
    const transactionId = await paid(s.cardUuid);
    const other = await paid(s.cardUuid);
    await http().post(`/api/payment/${other}/refunds`).set(bearer(staff.token)).send({ amount: 1_000, reason: 'requested_by_customer' }).expect(202);
    await http().post(`/api/payment/${transactionId}/refunds`).set(bearer(staff.token)).send({ amount: 1_000, reason: 'fraudulent' }).expect(202);
    const label = await labelOf(transactionId);
    expect(label).toMatchObject({ label: 1, source: 'refund', detail: 'fraudulent', recordedBy: expect.stringContaining(staff.id) });
    expect(Object.keys(label.features!)).toEqual([...FEATURE_NAMES]);
    expect(await labels.findById(other).lean().exec()).toBeNull();

    // What `npm run fraud:train -- --outcomes` trains on beside the simulation.
    const { samples, skipped } = samplesFromLabels(await labels.find().lean().exec());
    expect(skipped).toBe(0);
    expect(samples.map((sample) => [sample.label, sample.scenario, sample.x.length]).sort()).toEqual([
      [0, 'recorded', FEATURE_NAMES.length],
      [1, 'recorded', FEATURE_NAMES.length],
      [1, 'recorded', FEATURE_NAMES.length],
    ]);
  });
});
