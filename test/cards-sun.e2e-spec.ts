import { getConnectionToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { SoftwareCard } from '../src/cards/sun/card-simulator';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, createTerminal, seedSession, Session, uniqueId } from './support/session';
import { relaxFraudRules, waitForFinal } from './support/payments';

const ISSUER_KEY = '00000000000000000000000000000001';
const randomUid = () => `04${[...crypto.getRandomValues(new Uint8Array(6))].map((b) => b.toString(16).padStart(2, '0')).join('')}`.toUpperCase();

describe('cards that prove themselves (SUN)', () => {
  let app: NestExpressApplication;
  let s: Session;
  const http = () => request(app.getHttpServer());
  const tap = (sun: { p: string; c: string } | undefined, extra: Record<string, unknown> = {}, idempotencyKey = uniqueId('idem')) =>
    http()
      .post('/api/payment/process-async')
      .set(bearer(s.terminal.token))
      .set('Idempotency-Key', idempotencyKey)
      .send({ ...(sun && { sun }), amount: 10_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId, ...extra });

  /** Registers a secure card to the session's holder; its software twin holds the answered keys. */
  async function secureCard(): Promise<{ cardUuid: string; card: SoftwareCard; programming: Record<string, unknown> }> {
    const cardUuid = uniqueId('secure');
    const nfcUid = randomUid();
    const res = await http().post('/api/cards').set(bearer(s.user.token)).send({ cardUuid, nfcUid }).expect(201);
    return { cardUuid, card: new SoftwareCard(nfcUid, res.body.programming), programming: res.body.programming };
  }

  beforeAll(async () => {
    app = await createTestApp({ env: { CARD_ISSUER_KEY: ISSUER_KEY } });
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
  });
  afterAll(() => closeTestApp(app));

  it('registers a secure card with its programming keys, shown once', async () => {
    const cardUuid = uniqueId('secure');
    const res = await http().post('/api/cards').set(bearer(s.user.token)).send({ cardUuid, nfcUid: '04a39493CC8680' }).expect(201);
    expect(res.body.card).toMatchObject({ cardUuid, requiresCardAuth: true, nfcUid: '04a39493cc8680', keyVersion: 1 });
    // boltcard docs/DETERMINISTIC.md's test vector (issuer key …01, this UID, version 1).
    expect(res.body.programming).toEqual({
      k0: 'a29119fcb48e737d1591d3489557e49b',
      k1: '55da174c9608993dc27bb3f30a4a7314',
      k2: 'f4b404be700ab285e333e32348fa3d3b',
      k3: '73610ba4afe45b55319691cb9489142f',
      k4: 'addd03e52964369be7f2967736b7bdb5',
      version: 1,
    });
    const again = await http().get(`/api/cards/${cardUuid}`).set(bearer(s.user.token)).expect(200);
    expect(again.body.programming).toBeUndefined();
    expect(JSON.stringify(again.body)).not.toContain('f4b404be');
    await http().post('/api/cards').set(bearer(s.user.token)).send({ cardUuid: uniqueId('other'), nfcUid: '04A39493CC8680' }).expect(409);
    await http().post('/api/cards').set(bearer(s.user.token)).send({ cardUuid: uniqueId('bad'), nfcUid: '04A39493CC86' }).expect(400);
  });

  it('pays with a SUN tap (202, completed, the proof recorded), then refuses the same p/c, a flipped MAC bit and a cardUuid-only tap', async () => {
    const { cardUuid, card } = await secureCard();
    const sun = card.tap();
    const accepted = await tap(sun).expect(202);
    const done = await waitForFinal(app, s.terminal.token, accepted.body.transactionId);
    expect(done.status).toBe('completed');
    const stored = await app.get<Connection>(getConnectionToken()).collection('transactions').findOne({ transactionId: accepted.body.transactionId });
    expect(stored).toMatchObject({ cardUuid, metadata: expect.objectContaining({ cardAuth: { method: 'sun', uid: card.uid.toLowerCase(), counter: 1, keyVersion: 1 } }) });
    expect(JSON.stringify(stored)).not.toContain(sun.p);
    // The merchant side sees the proof, not the UID (it names the card as surely as its id); the holder sees it all.
    expect(done.metadata).toMatchObject({ cardAuth: { method: 'sun', counter: 1, keyVersion: 1 } });
    expect(JSON.stringify(done)).not.toContain(card.uid.toLowerCase());
    const holderView = await http().get(`/api/payment/status/${accepted.body.transactionId}`).set(bearer(s.user.token)).expect(200);
    expect(holderView.body.transaction.metadata.cardAuth).toEqual({ method: 'sun', uid: card.uid.toLowerCase(), counter: 1, keyVersion: 1 });

    expect((await tap(sun).expect(400)).body.declineCode).toBe('card_replayed');
    const next = card.tap();
    const flipped = { ...next, c: (parseInt(next.c[0], 16) ^ 1).toString(16).toUpperCase() + next.c.slice(1) };
    expect((await tap(flipped).expect(400)).body.declineCode).toBe('card_auth_failed');
    expect((await tap(undefined, { cardUuid }).expect(400)).body.declineCode).toBe('card_auth_required');
    // The untouched message of that counter still pays, lower case too: the forged one did not spend it.
    await tap({ p: next.p.toLowerCase(), c: next.c.toLowerCase() }, { cardUuid }).expect(202);
  });

  it('an admin registers a secure card for a cardholder (ownerId), and only for one', async () => {
    const cardUuid = uniqueId('for-holder');
    const res = await http().post('/api/cards').set(bearer(s.adminToken)).send({ cardUuid, nfcUid: randomUid(), ownerId: s.user.id }).expect(201);
    expect(res.body.card).toMatchObject({ cardUuid, ownerId: s.user.id, requiresCardAuth: true });
    expect(res.body.programming.version).toBe(1);
    await http().post('/api/cards').set(bearer(s.adminToken)).send({ cardUuid: uniqueId('x'), nfcUid: randomUid() }).expect(400);
    const admin = (await http().get('/api/auth/me').set(bearer(s.adminToken)).expect(200)).body;
    const adminId = admin.user?.id ?? admin.id;
    await http().post('/api/cards').set(bearer(s.adminToken)).send({ cardUuid: uniqueId('x'), ownerId: adminId }).expect(400);
    await http().post('/api/cards').set(bearer(s.user.token)).send({ cardUuid: uniqueId('x'), ownerId: s.user.id }).expect(400);
  });

  it('refuses a counter at or below the high-water mark, an unknown card, and a cardUuid that is not the tapped card', async () => {
    const { card } = await secureCard();
    card.counter = 10;
    await tap(card.tap()).expect(202);
    expect((await tap(card.message(5)).expect(400)).body.declineCode).toBe('card_replayed');
    const stranger = new SoftwareCard(randomUid(), (await secureCard()).programming as { k1: string; k2: string });
    expect((await tap(stranger.tap()).expect(400)).body.declineCode).toBe('card_auth_failed');
    expect((await tap(card.tap(), { cardUuid: s.cardUuid }).expect(400)).body.declineCode).toBe('card_auth_failed');
  });

  it('accepts exactly one of 20 concurrent requests with the same p/c', async () => {
    const { card } = await secureCard();
    const sun = card.tap();
    const answers = await Promise.all(Array.from({ length: 20 }, () => tap(sun)));
    expect(answers.filter((res) => res.status === 202)).toHaveLength(1);
    expect(answers.filter((res) => res.status === 400 && res.body.declineCode === 'card_replayed')).toHaveLength(19);
  });

  it('reprogramming answers new keys once; the old ones stop working', async () => {
    const { cardUuid, card } = await secureCard();
    await http().post(`/api/cards/${cardUuid}/reprogram`).set(bearer(s.user.token)).send({ password: 'wrong-password' }).expect(401);
    const res = await http().post(`/api/cards/${cardUuid}/reprogram`).set(bearer(s.user.token)).send({ password: 'correct horse battery' }).expect(200);
    expect(res.body.card).toMatchObject({ cardUuid, keyVersion: 2 });
    expect(res.body.programming).toMatchObject({ version: 2, k2: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect((await tap(card.tap()).expect(400)).body.declineCode).toBe('card_auth_failed');
    const reprogrammed = new SoftwareCard(card.uid, res.body.programming);
    await tap(reprogrammed.tap()).expect(202);
    const byAdmin = await http().post(`/api/cards/${cardUuid}/reprogram`).set(bearer(s.adminToken)).send({}).expect(200);
    expect(byAdmin.body.programming.version).toBe(3);
    await http().post(`/api/cards/${s.cardUuid}/reprogram`).set(bearer(s.user.token)).send({ password: 'correct horse battery' }).expect(409);
  });

  it('keeps cards without an nfcUid paying by cardUuid', async () => {
    await tap(undefined, { cardUuid: s.cardUuid }).expect(202);
  });

  it('a merchant that takes no unauthenticated cards declines cardUuid-only taps, and still takes SUN taps', async () => {
    const policy = (accept: unknown) => http().patch(`/api/merchants/${s.merchant.merchantId}/card-policy`).set(bearer(s.adminToken)).send({ acceptUnauthenticatedCards: accept });
    await policy('no').expect(400);
    await http().patch(`/api/merchants/${s.merchant.merchantId}/card-policy`).set(bearer(s.terminal.token)).send({ acceptUnauthenticatedCards: false }).expect(403);
    expect((await policy(false).expect(200)).body.merchant.acceptUnauthenticatedCards).toBe(false);
    try {
      expect((await tap(undefined, { cardUuid: s.cardUuid }).expect(400)).body.declineCode).toBe('card_auth_required');
      const { card } = await secureCard();
      await tap(card.tap()).expect(202);
    } finally {
      await policy(true).expect(200);
    }
    await tap(undefined, { cardUuid: s.cardUuid }).expect(202);
  });
});

/** With the default fraud rules: a stale or forged proof must not let anyone get a card declined. */
describe('SUN declines count against the caller, never the card', () => {
  let app: NestExpressApplication;
  let s: Session;
  const http = () => request(app.getHttpServer());
  const tap = (terminal: { token: string; terminalId: string }, body: Record<string, unknown>) =>
    http().post('/api/payment/process-async').set(bearer(terminal.token)).send({ amount: 1_000, merchantId: s.merchant.merchantId, terminalId: terminal.terminalId, ...body });

  beforeAll(async () => {
    app = await createTestApp({ env: { CARD_ISSUER_KEY: ISSUER_KEY } });
    s = await seedSession(app);
  });
  afterAll(() => closeTestApp(app));

  it('replayed, forged and cardUuid-only taps of a card leave it paying elsewhere', async () => {
    const cardUuid = uniqueId('victim');
    const nfcUid = randomUid();
    const res = await http().post('/api/cards').set(bearer(s.user.token)).send({ cardUuid, nfcUid }).expect(201);
    const card = new SoftwareCard(nfcUid, res.body.programming);
    const old = card.tap();
    await tap(s.terminal, { sun: old }).expect(202);
    const attacker = await createTerminal(app, s.adminToken, s.merchant.merchantId);
    const forged = { ...card.message(99), c: '0000000000000000' };
    const attempts = [{ sun: old }, { sun: old, cardUuid }, { sun: forged }, { sun: forged, cardUuid }, { cardUuid }, { sun: old }];
    for (const attempt of attempts) expect(['card_replayed', 'card_auth_failed', 'card_auth_required']).toContain((await tap(attacker, attempt).expect(400)).body.declineCode);
    await tap(s.terminal, { sun: card.tap() }).expect(202);
  });
});

describe('SUN taps and the per-card payment limit', () => {
  let app: NestExpressApplication;
  let s: Session;

  beforeAll(async () => {
    app = await createTestApp({ env: { CARD_ISSUER_KEY: ISSUER_KEY, THROTTLE_PAYMENT_CARD_LIMIT: '2' } });
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
  });
  afterAll(() => closeTestApp(app));

  it("limits each SUN message on its own, so one terminal's taps of many cards never share one allowance", async () => {
    const http = () => request(app.getHttpServer());
    const tap = (sun: { p: string; c: string }) =>
      http().post('/api/payment/process-async').set(bearer(s.terminal.token)).send({ sun, amount: 1_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId });
    for (let i = 0; i < 4; i++) {
      const nfcUid = randomUid();
      const res = await http().post('/api/cards').set(bearer(s.user.token)).send({ cardUuid: uniqueId('many'), nfcUid }).expect(201);
      await tap(new SoftwareCard(nfcUid, res.body.programming).tap()).expect(202);
    }
    const { body } = await http().post('/api/cards').set(bearer(s.user.token)).send({ cardUuid: uniqueId('replayed'), nfcUid: '04AABBCCDDEEFF' }).expect(201);
    const replayed = new SoftwareCard('04AABBCCDDEEFF', body.programming).tap();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await tap(replayed)).status);
    expect(statuses).toEqual([202, 400, 429, 429]);
  });
});
