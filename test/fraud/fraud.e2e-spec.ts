import { EventEmitter2 } from '@nestjs/event-emitter';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { FRAUD_CARD_FLAGGED, FraudCardFlaggedEvent } from '../../src/fraud/fraud.events';
import { FraudClock } from '../../src/fraud/fraud-clock';
import { FraudModule } from '../../src/fraud/fraud.module';
import { FraudService } from '../../src/fraud/fraud.service';
import { closeTestApp, createTestApp, newIsolation } from '../support/test-app';
import { id, payment, seconds, tap, tokens } from './fraud-helpers';

describe('fraud: assessments, lists, rules and reviews', () => {
  let app: NestExpressApplication;
  let other: NestExpressApplication;
  let fraud: FraudService;
  let admin: string;
  let user: string;
  const http = () => request(app.getHttpServer());
  const asAdmin = { Authorization: '' };

  beforeAll(async () => {
    const isolation = newIsolation();
    app = await createTestApp({ isolation, extra: { imports: [FraudModule] } });
    // A second instance on the same database and Redis prefix, to see rule changes spread.
    other = await createTestApp({ isolation, extra: { imports: [FraudModule] } });
    fraud = app.get(FraudService);
    ({ admin, user } = await tokens(app));
    asAdmin.Authorization = `Bearer ${admin}`;
  });
  afterAll(async () => {
    await closeTestApp(other);
    await closeTestApp(app);
  });

  it('blocks a burst of taps with the velocity reason', async () => {
    const start = new Date();
    const cardUuid = id('burst');
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await tap(fraud, payment({ cardUuid, at: seconds(start, i * 2) })));
    expect(decisions.map((d) => d.decision)).toEqual(['allow', 'allow', 'allow', 'block', 'block']);
    expect(decisions[3].reasons[0]).toMatchObject({ rule: 'velocity', weight: 80, detail: expect.stringContaining('within 60 s') });
    expect(decisions[3].score).toBeGreaterThanOrEqual(80);
  });

  it('lets a normal cadence pass (one tap every five minutes)', async () => {
    const start = new Date();
    const cardUuid = id('calm');
    for (let i = 0; i < 8; i++) {
      const assessment = await tap(fraud, payment({ cardUuid, at: seconds(start, i * 300) }));
      expect(assessment).toMatchObject({ decision: 'allow', score: 0, reasons: [] });
    }
  });

  it('catches card testing at one terminal: many cards declined there', async () => {
    const start = new Date();
    const terminalId = id('terminal');
    for (let i = 0; i < 5; i++) {
      const attempt = await tap(fraud, payment({ terminalId, at: seconds(start, i) }), true);
      expect(attempt.decision).toBe('allow');
    }
    const next = await fraud.assess(payment({ terminalId, at: seconds(start, 6) }));
    expect(next.decision).toBe('block');
    expect(next.reasons).toEqual([expect.objectContaining({ rule: 'card_testing', detail: expect.stringContaining('5 distinct cards declined at this terminal') })]);
    // Another terminal is not affected, and the pattern ages out of the window.
    expect((await fraud.assess(payment({ at: seconds(start, 7) }))).decision).toBe('allow');
    expect((await fraud.assess(payment({ terminalId, at: seconds(start, 601) }))).decision).toBe('allow');
  });

  it('catches card testing of one card: several declines', async () => {
    const start = new Date();
    const cardUuid = id('tested');
    for (let i = 0; i < 4; i++) await tap(fraud, payment({ cardUuid, terminalId: id('t'), at: seconds(start, i) }), true);
    const next = await fraud.assess(payment({ cardUuid, at: seconds(start, 5) }));
    expect(next.reasons.map((r) => r.rule)).toContain('card_testing');
    expect(next.decision).toBe('block');
  });

  it('flags a large first payment of a card at a terminal, not the next one there', async () => {
    const start = new Date();
    const cardUuid = id('first');
    const first = await tap(fraud, payment({ cardUuid, amount: 2_000_000, at: start }));
    expect(first).toMatchObject({ decision: 'allow', score: 30, reasons: [{ rule: 'first_use_large_amount', weight: 30 }] });
    expect((await fraud.assess(payment({ cardUuid, amount: 2_000_000, at: seconds(start, 120) }))).reasons).toEqual([]);
    expect((await fraud.assess(payment({ cardUuid, amount: 1_999_999, terminalId: id('t'), at: seconds(start, 120) }))).reasons).toEqual([]);
  });

  it('applies list entries from the next assessment on, and lifts them again', async () => {
    const cardUuid = id('listed');
    const terminalId = id('terminal');
    expect((await fraud.assess(payment({ cardUuid, at: new Date() }))).decision).toBe('allow');

    const added = await http().post('/api/fraud/lists').set(asAdmin).send({ type: 'card', value: cardUuid, reason: 'reported stolen' }).expect(201);
    expect(added.body).toMatchObject({ success: true, created: true, entry: { type: 'card', value: cardUuid, reason: 'reported stolen', createdBy: 'admin-1' } });
    const blocked = await fraud.assess(payment({ cardUuid, at: new Date() }));
    expect(blocked).toMatchObject({ decision: 'block', score: 100, reasons: [{ rule: 'blocklist', detail: `blocked card ${cardUuid}`, weight: 100 }] });
    // The other instance sees it too (shared Redis mirror).
    expect((await other.get(FraudService).assess(payment({ cardUuid, at: new Date() }))).decision).toBe('block');

    await http().post('/api/fraud/lists').set(asAdmin).send({ type: 'terminal', value: terminalId }).expect(201);
    expect((await fraud.assess(payment({ terminalId, at: new Date() }))).reasons[0].detail).toBe(`blocked terminal ${terminalId}`);
    const again = await http().post('/api/fraud/lists').set(asAdmin).send({ type: 'terminal', value: terminalId }).expect(201);
    expect(again.body.created).toBe(false);

    const listed = await http().get('/api/fraud/lists').set(asAdmin).expect(200);
    expect(listed.body.entries.map((e: { value: string }) => e.value)).toEqual(expect.arrayContaining([cardUuid, terminalId]));
    const onlyCards = await http().get('/api/fraud/lists?type=card').set(asAdmin).expect(200);
    expect(onlyCards.body.entries.every((e: { type: string }) => e.type === 'card')).toBe(true);

    await http().delete(`/api/fraud/lists/card/${cardUuid}`).set(asAdmin).expect(200, { success: true });
    expect((await fraud.assess(payment({ cardUuid, at: new Date() }))).decision).toBe('allow');
    await http().delete(`/api/fraud/lists/card/${cardUuid}`).set(asAdmin).expect(404);
    await http().post('/api/fraud/lists').set(asAdmin).send({ type: 'bank', value: 'x' }).expect(400);
  });

  it('changes rules for the next payment on every instance and keeps an audit trail', async () => {
    const before = await http().get('/api/fraud/rules').set(asAdmin).expect(200);
    expect(before.body).toMatchObject({ success: true, decision: { blockAt: 80, reviewAt: 50 }, rules: { velocity: { enabled: true, weight: 80, maxPerMinute: 3 } } });

    const start = new Date();
    const cardUuid = id('tuned');
    await tap(fraud, payment({ cardUuid, at: start }));
    expect((await other.get(FraudService).assess(payment({ cardUuid, at: seconds(start, 1) }))).decision).toBe('allow');

    const put = await http().put('/api/fraud/rules').set(asAdmin).send({ rules: { velocity: { maxPerMinute: 1 } } }).expect(200);
    expect(put.body.version).toBe(before.body.version + 1);
    expect(put.body.rules.velocity).toEqual({ ...before.body.rules.velocity, maxPerMinute: 1 });
    expect(put.body.updatedBy).toBe('admin-1');

    // The other instance has not been told directly; it sees the version in its own round trip.
    const next = await other.get(FraudService).assess(payment({ cardUuid, at: seconds(start, 2) }));
    expect(next).toMatchObject({ decision: 'block', rulesVersion: put.body.version });

    const audit = await http().get('/api/fraud/audit').set(asAdmin).expect(200);
    expect(audit.body.entries[0]).toMatchObject({
      action: 'rules.update',
      actor: 'admin-1',
      details: { fromVersion: before.body.version, toVersion: put.body.version, changes: [{ path: 'rules.velocity.maxPerMinute', from: 3, to: 1 }] },
    });

    await http().put('/api/fraud/rules').set(asAdmin).send({ decision: { reviewAt: 90 } }).expect(400);
    const invalid = await http().put('/api/fraud/rules').set(asAdmin).send({ rules: { velocity: { weight: 101, colour: 'red' } } }).expect(400);
    expect(invalid.body.success).toBe(false);
    await http().put('/api/fraud/rules').set(asAdmin).send({ rules: { velocity: { maxPerMinute: 3 } } }).expect(200);
  });

  it('queues review decisions; a fraud verdict blocks the card and emits fraud.card_flagged', async () => {
    const flagged: FraudCardFlaggedEvent[] = [];
    app.get(EventEmitter2).on(FRAUD_CARD_FLAGGED, (event: FraudCardFlaggedEvent) => flagged.push(event));
    const cardUuid = id('review');
    const input = payment({ cardUuid, amount: 120_000, at: new Date() });
    const assessment = await fraud.assess(input);
    const transactionId = id('tx');
    await fraud.openReview(transactionId, { assessmentId: assessment.assessmentId, score: 55, reasons: [{ rule: 'amount_anomaly', detail: 'test', weight: 55 }] }, input);
    await fraud.openReview(transactionId, assessment, input); // idempotent
    const older = id('tx');
    const clock = jest.spyOn(app.get(FraudClock), 'now').mockReturnValue(Date.now() + 1_000);
    await fraud.openReview(older, assessment, input);
    clock.mockRestore();

    const open = await http().get('/api/fraud/reviews?limit=10').set(asAdmin).expect(200);
    const mine = open.body.reviews.filter((r: { cardUuid: string }) => r.cardUuid === cardUuid);
    expect(mine.map((r: { transactionId: string }) => r.transactionId)).toEqual([older, transactionId]); // newest first
    expect(mine[1]).toMatchObject({ status: 'open', score: 55, amount: 120_000, reasons: [{ rule: 'amount_anomaly' }] });

    await http().post(`/api/fraud/reviews/${older}/resolve`).set(asAdmin).send({ verdict: 'legit', note: 'known customer' }).expect(200);
    expect(flagged).toEqual([]);
    const resolved = await http().post(`/api/fraud/reviews/${transactionId}/resolve`).set(asAdmin).send({ verdict: 'fraud', note: 'chargeback' }).expect(200);
    expect(resolved.body.review).toMatchObject({ status: 'resolved', verdict: 'fraud', note: 'chargeback', resolvedBy: 'admin-1' });
    expect(flagged).toEqual([{ cardUuid, transactionId }]);
    expect((await fraud.assess(payment({ cardUuid, at: new Date() }))).reasons[0].rule).toBe('blocklist');

    await http().post(`/api/fraud/reviews/${transactionId}/resolve`).set(asAdmin).send({ verdict: 'legit' }).expect(409);
    await http().post('/api/fraud/reviews/no-such-tx/resolve').set(asAdmin).send({ verdict: 'legit' }).expect(404);
    await http().post(`/api/fraud/reviews/${transactionId}/resolve`).set(asAdmin).send({ verdict: 'maybe' }).expect(400);
    const after = await http().get('/api/fraud/reviews').set(asAdmin).expect(200);
    expect(after.body.reviews.map((r: { transactionId: string }) => r.transactionId)).not.toContain(transactionId);
  });

  it.each([
    ['get', '/api/fraud/rules'],
    ['put', '/api/fraud/rules'],
    ['post', '/api/fraud/rules/backtest'],
    ['get', '/api/fraud/audit'],
    ['get', '/api/fraud/lists'],
    ['post', '/api/fraud/lists'],
    ['delete', '/api/fraud/lists/card/abc'],
    ['get', '/api/fraud/reviews'],
    ['post', '/api/fraud/reviews/tx-1/resolve'],
  ] as const)('%s %s refuses a user token (403) and no token (401)', async (method, path) => {
    const none = await http()[method](path).send({}).expect(401);
    expect(none.body.success).toBe(false);
    await http()[method](path).set('Authorization', `Bearer ${user}`).send({}).expect(403);
  });

  it('documents the fraud routes in Swagger', async () => {
    const res = await http().get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/fraud/rules', '/api/fraud/rules/backtest', '/api/fraud/lists', '/api/fraud/lists/{type}/{value}', '/api/fraud/reviews', '/api/fraud/reviews/{transactionId}/resolve']),
    );
  });
});
