import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { pay } from '../support/payments';
import { bearer, createTerminal, registerCard, registerUser, seedSession, type Session, TEST_ADMIN, uniqueId } from '../support/session';
import { closeTestApp, createTestApp, newIsolation } from '../support/test-app';

/**
 * Every named limit, counted in Redis and so shared by two instances of one deployment (two apps
 * with the same isolation = same database and key prefix). Small limits so a test reaches them.
 */
const LIMITS = {
  THROTTLE_PAYMENT_LIMIT: '4',
  THROTTLE_PAYMENT_CARD_LIMIT: '3',
  THROTTLE_NFC_LIMIT: '5',
  THROTTLE_AUTH_IP_LIMIT: '20',
  THROTTLE_AUTH_ACCOUNT_LIMIT: '3',
  // Taps are only accepted here; nobody needs them settled.
  APP_ROLE: 'api',
};

describe('named rate limits shared across instances', () => {
  let a: NestExpressApplication;
  let b: NestExpressApplication;
  let s: Session;
  const apps = () => [a, b];
  // Each test speaks from its own client IP (trust proxy: loopback), so seeding does not count.
  const from = (ip: string) => ({ 'X-Forwarded-For': ip });

  beforeAll(async () => {
    const isolation = newIsolation();
    a = await createTestApp({ isolation, env: LIMITS });
    b = await createTestApp({ isolation, env: LIMITS });
    s = await seedSession(a);
  });
  afterAll(async () => {
    await closeTestApp(a);
    await closeTestApp(b);
  });

  function expectTooMany(res: request.Response, limit: string) {
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.body).toEqual({ success: false, error: 'Too Many Requests', message: expect.stringContaining(`"${limit}"`), requestId: expect.any(String) });
  }

  it('strict-nfc: process-async per terminal, counted across both instances', async () => {
    const user = await registerUser(a, 'strict');
    const cards = await Promise.all([1, 2, 3, 4, 5].map(() => registerCard(a, user)));
    const tap = (app: NestExpressApplication, cardUuid: string) =>
      pay(app, s.terminal.token, { cardUuid, amount: 1_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId });
    for (let i = 0; i < 4; i++) expect((await tap(apps()[i % 2], cards[i])).status).not.toBe(429);
    expectTooMany(await tap(b, cards[4]), 'strict-nfc');
    // Another caller has its own budget: the cardholder pays with their own card.
    const own = await pay(a, user.token, { cardUuid: cards[4], amount: 1_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId });
    expect(own.status).not.toBe(429);
  });

  it('strict-nfc-card: process-async per caller and card, so nobody spends the allowance of a card they name', async () => {
    const owner = await registerUser(a, 'cardlimit');
    const cardUuid = await registerCard(a, owner);
    const body = { cardUuid, amount: 1_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId };
    // A stranger naming the card, even with bodies that fail validation, spends only its own allowance.
    const stranger = await registerUser(b, 'stranger');
    for (const app of [a, b, a]) expect((await pay(app, stranger.token, { ...body, amount: 'lots' as unknown as number })).status).not.toBe(429);
    expectTooMany(await pay(b, stranger.token, body), 'strict-nfc-card');
    // The owner taps on both instances and reaches its own limit.
    for (const app of [a, b, a]) expect((await pay(app, owner.token, body)).status).not.toBe(429);
    expectTooMany(await pay(b, owner.token, body), 'strict-nfc-card');
  });

  it('nfc: status and ops routes per caller', async () => {
    const user = await registerUser(a, 'poller');
    const status = (app: NestExpressApplication, token: string) => request(app.getHttpServer()).get('/api/payment/status/no-such-payment').set(bearer(token));
    for (let i = 0; i < 5; i++) expect((await status(apps()[i % 2], user.token)).status).toBe(404);
    expectTooMany(await status(a, user.token), 'nfc');
    // History is an nfc route too: the same budget is spent.
    expectTooMany(await request(b.getHttpServer()).get('/api/payment/transactions').set(bearer(user.token)), 'nfc');
    const other = await registerUser(b, 'other');
    expect((await status(b, other.token)).status).toBe(404);
  });

  it('auth-ip: login, register and terminal-token per client IP', async () => {
    const ip = '203.0.113.7';
    const login = (app: NestExpressApplication, email: string) =>
      request(app.getHttpServer()).post('/api/auth/login').set(from(ip)).send({ email, password: 'wrong password here' });
    for (let i = 0; i < 18; i++) expect((await login(apps()[i % 2], `${uniqueId('nobody')}@example.com`)).status).toBe(401);
    await request(b.getHttpServer()).post('/api/auth/terminal/token').set(from(ip)).send({ terminalId: 'no-such-terminal', terminalSecret: 'x' }).expect(401);
    await request(a.getHttpServer())
      .post('/api/auth/register')
      .set(from(ip))
      .send({ email: `${uniqueId('new')}@example.com`, password: 'correct horse battery', fullName: 'New' })
      .expect(202);
    expectTooMany(await login(b, TEST_ADMIN.email), 'auth-ip');
    // Another IP logs in.
    await request(a.getHttpServer()).post('/api/auth/login').set(from('203.0.113.8')).send(TEST_ADMIN).expect(200);
  });

  it('auth-account: login per email and terminal-token per terminalId, per calling address: a flood never locks the owner out', async () => {
    const attacker = from('192.0.2.66');
    for (let i = 0; i < 3; i++) {
      const res = await request(apps()[i % 2].getHttpServer()).post('/api/auth/login').set(attacker).send({ email: TEST_ADMIN.email, password: 'guess' });
      expect(res.status).toBe(401);
    }
    // The same address differently spelled is the same account.
    const res = await request(b.getHttpServer()).post('/api/auth/login').set(attacker).send({ email: TEST_ADMIN.email.toUpperCase(), password: 'guess' });
    expectTooMany(res, 'auth-account');
    // The admin, from its own address, still gets in.
    await request(a.getHttpServer()).post('/api/auth/login').set(from('192.0.2.67')).send(TEST_ADMIN).expect(200);

    const terminal = await createTerminal(a, s.adminToken, s.merchant.merchantId);
    const terminalId = terminal.terminalId;
    for (let i = 0; i < 3; i++) {
      await request(apps()[i % 2].getHttpServer()).post('/api/auth/terminal/token').set(attacker).send({ terminalId, terminalSecret: 'wrong' }).expect(401);
    }
    expectTooMany(await request(a.getHttpServer()).post('/api/auth/terminal/token').set(attacker).send({ terminalId, terminalSecret: terminal.secret }), 'auth-account');
    await request(b.getHttpServer()).post('/api/auth/terminal/token').set(from('192.0.2.68')).send({ terminalId, terminalSecret: terminal.secret }).expect(200);
  });

  it('leaves health alone', async () => {
    for (let i = 0; i < 12; i++) await request(a.getHttpServer()).get('/health').expect(200);
  });
});
