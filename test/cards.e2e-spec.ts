import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { CardsService } from '../src/cards/cards.service';
import { EmbeddedServer, startRedis } from '../src/embedded/embedded-servers';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, createMerchant, createTerminal, loginAdmin, registerCard, registerUser, TestUser, uniqueId } from './support/session';

describe('cards', () => {
  let app: NestExpressApplication;
  let alice: TestUser;
  let bob: TestUser;
  let admin: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
    [alice, bob, admin] = await Promise.all([registerUser(app, 'alice'), registerUser(app, 'bob'), loginAdmin(app)]);
  });
  afterAll(() => closeTestApp(app));

  it('registers a card with the default limits', async () => {
    const cardUuid = uniqueId('card');
    const res = await http().post('/api/cards').set(bearer(alice.token)).send({ cardUuid }).expect(201);
    expect(res.body).toEqual({
      success: true,
      card: expect.objectContaining({ cardUuid, ownerId: alice.id, status: 'active', dailyLimit: 2_000_000, singleTransactionLimit: 500_000, currency: 'VND' }),
    });
  });

  it('refuses a card UUID registered to anyone with 409', async () => {
    const cardUuid = await registerCard(app, alice);
    await http().post('/api/cards').set(bearer(bob.token)).send({ cardUuid }).expect(409);
    await http().post('/api/cards').set(bearer(alice.token)).send({ cardUuid }).expect(409);
  });

  it.each([
    [{ cardUuid: 'has spaces' }, 'cardUuid'],
    [{ cardUuid: { $gt: '' } }, 'cardUuid'],
    [{ cardUuid: 'ok-card', dailyLimit: -5 }, 'dailyLimit'],
    [{ cardUuid: 'ok-card', dailyLimit: 1.5 }, 'dailyLimit'],
    [{ cardUuid: 'ok-card', dailyLimit: 100, singleTransactionLimit: 200 }, 'singleTransactionLimit'],
    [{ cardUuid: 'ok-card', ownerId: 'someone-else' }, 'ownerId'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await http().post('/api/cards').set(bearer(alice.token)).send(body).expect(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('lists only your own cards', async () => {
    const mine = await registerCard(app, alice);
    const theirs = await registerCard(app, bob);
    const res = await http().get('/api/cards').set(bearer(alice.token)).expect(200);
    const uuids = res.body.cards.map((c: { cardUuid: string }) => c.cardUuid);
    expect(uuids).toContain(mine);
    expect(uuids).not.toContain(theirs);
  });

  it("answers another holder's card exactly like an unknown one (404) on every route", async () => {
    const theirs = await registerCard(app, bob);
    const attempts = [
      http().get(`/api/cards/${theirs}`),
      http().patch(`/api/cards/${theirs}/limits`).send({ dailyLimit: 10 }),
      http().post(`/api/cards/${theirs}/block`).send({}),
      http().post(`/api/cards/${theirs}/unblock`),
    ];
    for (const attempt of attempts) {
      const res = await attempt.set(bearer(alice.token)).expect(404);
      expect(res.body.message).toBe('Card not found');
    }
    const unchanged = await http().get(`/api/cards/${theirs}`).set(bearer(bob.token)).expect(200);
    expect(unchanged.body.card).toMatchObject({ status: 'active', dailyLimit: 2_000_000 });
  });

  it('lets an admin see and block any card', async () => {
    const cardUuid = await registerCard(app, bob);
    await http().get(`/api/cards/${cardUuid}`).set(bearer(admin)).expect(200);
    const res = await http().post(`/api/cards/${cardUuid}/block`).set(bearer(admin)).send({ reason: 'chargeback' }).expect(200);
    expect(res.body.card).toMatchObject({ status: 'blocked', blockedReason: 'chargeback' });
    const lift = await http().post(`/api/cards/${cardUuid}/unblock`).set(bearer(bob.token)).expect(409);
    expect(lift.body.message).toContain('contact support');
    await http().post(`/api/cards/${cardUuid}/unblock`).set(bearer(admin)).expect(200);
  });

  it('keeps terminals off card routes (403)', async () => {
    const { merchantId } = await createMerchant(app, admin);
    const terminal = await createTerminal(app, admin, merchantId);
    await http().get('/api/cards').set(bearer(terminal.token)).expect(403);
    await http().post('/api/cards').set(bearer(terminal.token)).send({ cardUuid: uniqueId('card') }).expect(403);
  });

  it('changes limits, refusing a single limit above the daily one', async () => {
    const cardUuid = await registerCard(app, alice);
    const res = await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(alice.token)).send({ dailyLimit: 3_000_000, singleTransactionLimit: 1_000_000 }).expect(200);
    expect(res.body.card).toMatchObject({ dailyLimit: 3_000_000, singleTransactionLimit: 1_000_000 });
    await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(alice.token)).send({ dailyLimit: 500_000 }).expect(400);
  });

  it('blocks and unblocks, and the very next validation sees each change', async () => {
    const cards = app.get(CardsService);
    const cardUuid = await registerCard(app, alice);
    expect(await cards.validateForPayment(cardUuid)).toMatchObject({ valid: true });
    await http().post(`/api/cards/${cardUuid}/block`).set(bearer(alice.token)).send({ reason: 'lost wallet' }).expect(200);
    expect(await cards.validateForPayment(cardUuid)).toEqual({ valid: false, reason: 'card_blocked', detail: 'Card is blocked', ownerId: alice.id });
    await http().post(`/api/cards/${cardUuid}/unblock`).set(bearer(alice.token)).expect(200);
    expect(await cards.validateForPayment(cardUuid)).toMatchObject({ valid: true });
    expect(await cards.validateForPayment('never-registered')).toMatchObject({ valid: false, reason: 'card_invalid' });
  });
});

describe('card validation with Redis stopped', () => {
  let redis: EmbeddedServer;
  let app: NestExpressApplication;

  beforeAll(async () => {
    redis = await startRedis();
    app = await createTestApp({ env: { REDIS_URL: redis.uri } });
  });
  afterAll(async () => {
    await closeTestApp(app);
    await redis.stop();
  });

  it('falls back to MongoDB, so a block still takes effect on the next validation', async () => {
    const cards = app.get(CardsService);
    const alice = await registerUser(app, 'alice');
    const cardUuid = await registerCard(app, alice);
    expect(await cards.validateForPayment(cardUuid)).toMatchObject({ valid: true });

    await redis.stop();
    await request(app.getHttpServer()).post(`/api/cards/${cardUuid}/block`).set(bearer(alice.token)).send({}).expect(200);
    expect(await cards.validateForPayment(cardUuid)).toMatchObject({ valid: false, reason: 'card_blocked' });
  });
});
