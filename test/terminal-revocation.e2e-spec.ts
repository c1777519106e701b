import { EventEmitter2 } from '@nestjs/event-emitter';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { MERCHANT_ACCESS_REVOKED, TERMINAL_ACCESS_REVOKED } from '../src/merchants/merchant-access.events';
import { RevisionedCache } from '../src/redis/revisioned-cache';
import { closeClients, connect, listen, refusal } from './realtime/realtime-support';
import { pay, relaxFraudRules } from './support/payments';
import { bearer, createMerchant, createTerminal, seedSession, type Session, type TestTerminal } from './support/session';
import { closeTestApp, createTestApp, newIsolation } from './support/test-app';

/**
 * A terminal token stands for the terminal's current credentials: rotating the secret, disabling
 * the terminal or suspending its merchant ends it on the very next request or handshake, on every
 * instance.
 */
describe('terminal tokens end with what they stand for', () => {
  const isolation = newIsolation();
  let app: NestExpressApplication;
  let other: NestExpressApplication;
  let url: string;
  let session: Session;
  const revocations: Array<{ event: string; payload: unknown }> = [];

  beforeAll(async () => {
    app = await createTestApp({ isolation });
    other = await createTestApp({ isolation });
    url = await listen(app);
    session = await seedSession(app);
    await relaxFraudRules(app, session.adminToken);
    // Emitted on the instance that made the change (realtime spreads the disconnect from there).
    for (const events of [app.get(EventEmitter2), other.get(EventEmitter2)]) {
      for (const event of [TERMINAL_ACCESS_REVOKED, MERCHANT_ACCESS_REVOKED]) events.on(event, (payload: unknown) => revocations.push({ event, payload }));
    }
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await closeTestApp(other);
    await closeTestApp(app);
  });

  const admin = (target = app) => ({
    rotate: (t: TestTerminal) => request(target.getHttpServer()).post(`/api/merchants/${t.merchantId}/terminals/${t.terminalId}/rotate-secret`).set(bearer(session.adminToken)).expect(200),
    disable: (t: TestTerminal) => request(target.getHttpServer()).post(`/api/merchants/${t.merchantId}/terminals/${t.terminalId}/disable`).set(bearer(session.adminToken)).expect(200),
    setStatus: (merchantId: string, status: 'active' | 'suspended') =>
      request(target.getHttpServer()).patch(`/api/merchants/${merchantId}/status`).set(bearer(session.adminToken)).send({ status }).expect(200),
  });
  const login = (t: TestTerminal, secret = t.secret) => request(app.getHttpServer()).post('/api/auth/terminal/token').send({ terminalId: t.terminalId, terminalSecret: secret });
  const tap = (target: NestExpressApplication, t: TestTerminal, token = t.token) =>
    pay(target, token, { cardUuid: session.cardUuid, amount: 1_000, merchantId: t.merchantId, terminalId: t.terminalId });

  /** Status of every route a terminal may read, on the given instance. */
  async function readStatuses(target: NestExpressApplication, t: TestTerminal, token = t.token): Promise<number[]> {
    const paths = [
      '/api/auth/me',
      `/api/merchants/${t.merchantId}`,
      `/api/merchants/${t.merchantId}/terminals`,
      '/api/payment/transactions',
      '/api/payment/status/no-such-payment',
      `/api/merchants/${t.merchantId}/webhooks/deliveries`,
    ];
    return Promise.all(paths.map(async (path) => (await request(target.getHttpServer()).get(path).set(bearer(token))).status));
  }

  it('a rotated secret ends the tokens issued under it, on every instance, and says so', async () => {
    const terminal = await createTerminal(app, session.adminToken, session.merchant.merchantId);
    // Both instances have the terminal's snapshot cached before the change.
    expect(await readStatuses(other, terminal)).toEqual([200, 200, 200, 200, 404, 200]);
    expect((await tap(other, terminal)).status).toBe(202);

    const rotated = await admin().rotate(terminal);
    expect((await tap(other, terminal)).status).toBe(401);
    expect((await tap(app, terminal)).status).toBe(401);
    expect(await readStatuses(other, terminal)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(await refusal(url, { token: terminal.token })).toMatch(/Invalid token/);
    expect(revocations).toContainEqual({
      event: TERMINAL_ACCESS_REVOKED,
      payload: { terminalId: terminal.terminalId, merchantId: terminal.merchantId, reason: 'credentials_rotated' },
    });

    const fresh = (await login(terminal, rotated.body.terminalSecret).expect(200)).body.accessToken;
    expect(await readStatuses(other, terminal, fresh)).toEqual([200, 200, 200, 200, 404, 200]);
    expect((await tap(other, terminal, fresh)).status).toBe(202);
  });

  it('a disabled terminal is out everywhere: HTTP, new sockets, a new login', async () => {
    const terminal = await createTerminal(app, session.adminToken, session.merchant.merchantId);
    await connect(url, { token: terminal.token });
    expect(await readStatuses(other, terminal)).toEqual([200, 200, 200, 200, 404, 200]);

    await admin(other).disable(terminal);
    expect(await readStatuses(app, terminal)).toEqual([401, 401, 401, 401, 401, 401]);
    expect((await tap(app, terminal)).status).toBe(401);
    expect(await refusal(url, { token: terminal.token })).toMatch(/Invalid token/);
    await login(terminal).expect(401);
    expect(revocations).toContainEqual({
      event: TERMINAL_ACCESS_REVOKED,
      payload: { terminalId: terminal.terminalId, merchantId: terminal.merchantId, reason: 'terminal_disabled' },
    });
  });

  it('a revocation the cache did not take is answered 503 (retry), never reported done while old tokens still work', async () => {
    const terminal = await createTerminal(app, session.adminToken, session.merchant.merchantId);
    expect(await readStatuses(other, terminal)).toEqual([200, 200, 200, 200, 404, 200]);
    const cacheDown = jest.spyOn(app.get(RevisionedCache), 'putConfirmed').mockResolvedValueOnce(false);
    const res = await request(app.getHttpServer())
      .post(`/api/merchants/${terminal.merchantId}/terminals/${terminal.terminalId}/disable`)
      .set(bearer(session.adminToken))
      .expect(503);
    expect(res.body.message).toMatch(/retry/);
    cacheDown.mockRestore();
    await admin().disable(terminal);
    expect(await readStatuses(other, terminal)).toEqual([401, 401, 401, 401, 401, 401]);
  });

  it('a suspension ends every terminal token of the merchant, for good; a reactivated merchant logs in again, a disabled terminal stays out', async () => {
    const { merchantId } = await createMerchant(app, session.adminToken);
    const [kept, dropped] = [await createTerminal(app, session.adminToken, merchantId), await createTerminal(app, session.adminToken, merchantId)];
    await admin().disable(dropped);
    expect(await readStatuses(other, kept)).toEqual([200, 200, 200, 200, 404, 200]);

    await admin().setStatus(merchantId, 'suspended');
    expect(await readStatuses(other, kept)).toEqual([401, 401, 401, 401, 401, 401]);
    expect((await tap(other, kept)).status).toBe(401);
    expect(await refusal(url, { token: kept.token })).toMatch(/Invalid token/);
    await login(kept).expect(401);
    expect(revocations).toContainEqual({ event: MERCHANT_ACCESS_REVOKED, payload: { merchantId, reason: 'merchant_suspended' } });

    await admin().setStatus(merchantId, 'active');
    // Tokens from before the suspension do not come back to life ...
    expect(await readStatuses(other, kept)).toEqual([401, 401, 401, 401, 401, 401]);
    // ... the terminal logs in again with its secret, and the disabled one cannot.
    const fresh = (await login(kept).expect(200)).body.accessToken;
    expect(await readStatuses(other, kept, fresh)).toEqual([200, 200, 200, 200, 404, 200]);
    await connect(url, { token: fresh });
    await login(dropped).expect(401);
  });
});
