import { createHmac } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { JwtService } from '@nestjs/jwt';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, createMerchant, createTerminal, loginAdmin, registerUser, TEST_ADMIN, uniqueId } from './support/session';

const base64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('auth', () => {
  let app: NestExpressApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => closeTestApp(app));

  describe('register', () => {
    const register = (body: Record<string, unknown>) => http().post('/api/auth/register').send(body);

    it('creates a cardholder with a custodial wallet; the caller logs in with it, and no answer carries the password', async () => {
      const email = `${uniqueId('lan')}@Example.com`;
      const res = await register({ email, password: 'correct horse battery', fullName: 'Nguyen Thi Lan' }).expect(202);
      expect(res.body).toEqual({ success: true, message: expect.any(String) });
      const login = await http().post('/api/auth/login').send({ email, password: 'correct horse battery' }).expect(200);
      expect(login.body).toEqual({
        success: true,
        accessToken: expect.any(String),
        user: { id: expect.any(String), email: email.toLowerCase(), fullName: 'Nguyen Thi Lan', role: 'user', walletAddress: expect.stringMatching(/^0x[0-9a-f]{64}$/) },
      });
      expect(JSON.stringify([res.body, login.body])).not.toMatch(/correct horse|passwordHash/);
    });

    it('answers a taken email (compared case-insensitively, the admin\'s included) exactly like a free one, and leaves its account alone', async () => {
      const taken = `${uniqueId('dup')}@example.com`;
      const fresh = await register({ email: taken, password: 'password-one', fullName: 'A' });
      for (const email of [taken.toUpperCase(), TEST_ADMIN.email]) {
        const again = await register({ email, password: 'password-two', fullName: 'B' });
        expect({ status: again.status, body: again.body }).toEqual({ status: fresh.status, body: fresh.body });
        expect(Object.keys(again.headers).sort()).toEqual(Object.keys(fresh.headers).sort());
      }
      await http().post('/api/auth/login').send({ email: taken, password: 'password-two' }).expect(401);
      const owner = await http().post('/api/auth/login').send({ email: taken, password: 'password-one' }).expect(200);
      expect(owner.body.user.fullName).toBe('A');
      await http().post('/api/auth/login').send(TEST_ADMIN).expect(200);
    });

    it('takes as long for a taken email as for a free one', async () => {
      const timed = async (email: string) => {
        const started = performance.now();
        await register({ email, password: 'correct horse battery', fullName: 'T' }).expect(202);
        return performance.now() - started;
      };
      const free: number[] = [];
      for (let i = 0; i < 4; i++) free.push(await timed(`${uniqueId('free')}@example.com`));
      const taken = await timed(TEST_ADMIN.email);
      // The taken answer waits for the typical fresh registration, which is never below the fastest one.
      expect(taken).toBeGreaterThanOrEqual(Math.min(...free) * 0.9);
    });

    it.each([
      [{ email: 'not-an-email', password: 'long enough', fullName: 'A' }, 'email'],
      [{ email: 'a@example.com', password: 'short', fullName: 'A' }, 'password'],
      [{ email: { $ne: null }, password: 'long enough', fullName: 'A' }, 'email'],
      [{ email: 'a@example.com', password: 'long enough', fullName: 'A', role: 'admin' }, 'role'],
      [{ email: 'a@example.com', password: 'long enough', fullName: 'x'.repeat(101) }, 'fullName'],
    ])('answers 400 naming the field for %j', async (body, field) => {
      const res = await http().post('/api/auth/register').send(body).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  });

  describe('login', () => {
    it('answers a token for the right password and one 401 message for wrong password and unknown email', async () => {
      const user = await registerUser(app);
      const ok = await http().post('/api/auth/login').send({ email: user.email, password: 'correct horse battery' }).expect(200);
      expect(ok.body.user.id).toBe(user.id);
      const wrong = await http().post('/api/auth/login').send({ email: user.email, password: 'wrong password' }).expect(401);
      const unknown = await http().post('/api/auth/login').send({ email: 'nobody@example.com', password: 'wrong password' }).expect(401);
      expect(wrong.body.message).toBe(unknown.body.message);
    });

    it('locks an email after five failures, whether or not the account exists', async () => {
      for (const email of [(await registerUser(app)).email, `${uniqueId('ghost')}@example.com`]) {
        for (let i = 0; i < 5; i++) await http().post('/api/auth/login').send({ email, password: 'wrong password' }).expect(401);
        const locked = await http().post('/api/auth/login').send({ email, password: 'correct horse battery' }).expect(429);
        expect(locked.body).toMatchObject({ success: false, error: 'Too Many Requests' });
      }
    });

    describe('lockout is per (email, address): nobody can lock the owner out', () => {
      // The app trusts a loopback proxy (app.setup), so X-Forwarded-For sets the client address here.
      const loginFrom = (address: string, email: string, password: string) =>
        http().post('/api/auth/login').set('X-Forwarded-For', address).send({ email, password });

      it('five bad passwords from one address lock that address only; the owner, the admin included, logs in from another', async () => {
        for (let i = 0; i < 5; i++) expect((await loginFrom('198.51.100.1', TEST_ADMIN.email, 'wrong password')).status).toBe(401);
        expect((await loginFrom('198.51.100.1', TEST_ADMIN.email, TEST_ADMIN.password)).status).toBe(429);
        const owner = await loginFrom('198.51.100.2', TEST_ADMIN.email, TEST_ADMIN.password).expect(200);
        expect(owner.body.user.role).toBe('admin');
        expect((await loginFrom('198.51.100.1', TEST_ADMIN.email, TEST_ADMIN.password)).status).toBe(429);
      });

      it('one IPv6 /64 counts as one address', async () => {
        const user = await registerUser(app);
        for (let i = 1; i <= 5; i++) expect((await loginFrom(`2001:db8:1:2::${i}`, user.email, 'wrong password')).status).toBe(401);
        expect((await loginFrom('2001:db8:1:2::99', user.email, 'correct horse battery')).status).toBe(429);
        await loginFrom('2001:db8:1:3::1', user.email, 'correct horse battery').expect(200);
      });

      it('many failures from everywhere make the email back off, except for addresses it logged in from', async () => {
        const user = await registerUser(app);
        await loginFrom('192.0.2.200', user.email, 'correct horse battery').expect(200);
        for (let i = 1; i <= 21; i++) expect((await loginFrom(`192.0.2.${i}`, user.email, 'wrong password')).status).toBe(401);
        const stranger = await loginFrom('192.0.2.100', user.email, 'correct horse battery').expect(429);
        expect(stranger.body.retryAfterSeconds).toBeGreaterThan(0);
        await loginFrom('192.0.2.200', user.email, 'correct horse battery').expect(200);
      });
    });

    it('seeds the admin from ADMIN_EMAIL / ADMIN_PASSWORD', async () => {
      const res = await http().post('/api/auth/login').send(TEST_ADMIN).expect(200);
      expect(res.body.user.role).toBe('admin');
    });
  });

  describe('terminal tokens', () => {
    it('exchanges the right secret for a token and refuses wrong, unknown and disabled terminals', async () => {
      const admin = await loginAdmin(app);
      const { merchantId } = await createMerchant(app, admin);
      const terminal = await createTerminal(app, admin, merchantId);
      const me = await http().get('/api/auth/me').set(bearer(terminal.token)).expect(200);
      expect(me.body).toEqual({ success: true, terminal: { terminalId: terminal.terminalId, merchantId } });

      await http().post('/api/auth/terminal/token').send({ terminalId: terminal.terminalId, terminalSecret: 'tsk_wrong' }).expect(401);
      await http().post('/api/auth/terminal/token').send({ terminalId: 'no-such-terminal', terminalSecret: terminal.secret }).expect(401);
      await http().post(`/api/merchants/${merchantId}/terminals/${terminal.terminalId}/disable`).set(bearer(admin)).expect(200);
      await http().post('/api/auth/terminal/token').send({ terminalId: terminal.terminalId, terminalSecret: terminal.secret }).expect(401);
    });
  });

  describe('the global guard', () => {
    let userToken: string;
    beforeAll(async () => {
      userToken = (await registerUser(app)).token;
    });

    it('lets a valid token through to /me', async () => {
      const res = await http().get('/api/auth/me').set(bearer(userToken)).expect(200);
      expect(res.body.user.role).toBe('user');
    });

    it('answers 401 for a missing, malformed, forged, alg:none or expired token', async () => {
      const [header, payload] = userToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = `${header}.${payload}.${createHmac('sha256', 'not-the-secret').update(`${header}.${payload}`).digest('base64url')}`;
      const algNone = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, role: 'admin' })}.`;
      const expired = await app.get(JwtService, { strict: false }).signAsync({ sub: claims.sub, role: 'user' }, { expiresIn: -10 });

      await http().get('/api/auth/me').expect(401);
      for (const token of ['garbage', `${header}.${payload}`, forged, algNone, expired]) {
        const res = await http().get('/api/auth/me').set(bearer(token)).expect(401);
        expect(res.body).toMatchObject({ success: false, error: 'Unauthorized', requestId: expect.any(String) });
      }
      await http().get('/api/auth/me').set({ Authorization: `Basic ${userToken}` }).expect(401);
    });
  });
});
