import { sign } from 'node:crypto';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { TokenService } from '../src/auth/token.service';
import { TERMINAL_ACCESS_REVOKED } from '../src/merchants/merchant-access.events';
import { MerchantsService } from '../src/merchants/merchants.service';
import { PAIRING_ALPHABET } from '../src/merchants/pairing-code';
import { closeClients, connect, listen, refusal } from './realtime/realtime-support';
import { pay, relaxFraudRules } from './support/payments';
import { bearer, createMerchant, createTerminal, seedSession, type Session } from './support/session';
import { type Device, newKeyPair, pairDevice, signed, signatureHeaders } from './support/signed-terminal';
import { closeTestApp, createTestApp } from './support/test-app';

/**
 * Terminals paired to a device key: a pairing code makes a terminal with no secret, which signs
 * every request (RFC 9421, Ed25519, Content-Digest); bearer tokens alone are refused for it.
 */
describe('terminals paired to a device key', () => {
  let app: NestExpressApplication;
  let url: string;
  let session: Session;
  const revocations: unknown[] = [];

  beforeAll(async () => {
    app = await createTestApp();
    url = await listen(app);
    session = await seedSession(app);
    await relaxFraudRules(app, session.adminToken);
    app.get(EventEmitter2).on(TERMINAL_ACCESS_REVOKED, (payload: unknown) => revocations.push(payload));
  });
  afterEach(() => closeClients());
  afterAll(() => closeTestApp(app));

  const http = () => request(app.getHttpServer());
  const newCode = async () => (await http().post(`/api/merchants/${session.merchant.merchantId}/pairing-codes`).set(bearer(session.adminToken)).send({}).expect(201)).body;
  const tapBody = (device: Pick<Device, 'terminalId' | 'merchantId'>) => ({ cardUuid: session.cardUuid, amount: 1_000, merchantId: device.merchantId, terminalId: device.terminalId });
  const signedTap = (device: Device, options = {}) =>
    signed(app, device, 'POST', '/api/payment/process-async', tapBody(device), { ...options, headers: { 'Idempotency-Key': `idem-${Math.random()}` } });

  describe('pairing', () => {
    it('a code is 8 unambiguous characters for 10 minutes, pairs one device once, and shows no secret', async () => {
      const { code, expiresAt } = await newCode();
      expect(code).toMatch(new RegExp(`^[${PAIRING_ALPHABET}]{8}$`));
      expect(new Date(expiresAt).getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
      expect(new Date(expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(10 * 60_000);

      const keys = newKeyPair();
      const paired = await http().post('/api/terminals/pair').send({ code: `${code.slice(0, 4)}-${code.slice(4).toLowerCase()}`, publicKey: keys.publicKey, label: 'Till 1' }).expect(201);
      expect(Object.keys(paired.body).sort()).toEqual(['merchantId', 'success', 'terminalId']);
      expect(paired.body.merchantId).toBe(session.merchant.merchantId);

      const again = await http().post('/api/terminals/pair').send({ code, publicKey: newKeyPair().publicKey }).expect(401);
      expect(again.body.message).toMatch(/pairing code/);

      const list = await http().get(`/api/merchants/${session.merchant.merchantId}/terminals`).set(bearer(session.adminToken)).expect(200);
      expect(list.body.terminals.find((t: { terminalId: string }) => t.terminalId === paired.body.terminalId)).toMatchObject({ label: 'Till 1', keyBound: true, status: 'active' });
    });

    it('five wrong tries burn a code, even for the right one after them', async () => {
      const { code } = await newCode();
      const wrong = code.slice(0, 4) + [...code.slice(4)].map((c: string) => (c === '2' ? '3' : '2')).join('');
      for (let i = 0; i < 5; i++) await http().post('/api/terminals/pair').send({ code: wrong, publicKey: newKeyPair().publicKey }).expect(401);
      await http().post('/api/terminals/pair').send({ code, publicKey: newKeyPair().publicKey }).expect(401);
    });

    it('four wrong tries leave the code usable', async () => {
      const { code } = await newCode();
      const wrong = code.slice(0, 4) + [...code.slice(4)].map((c: string) => (c === '2' ? '3' : '2')).join('');
      for (let i = 0; i < 4; i++) await http().post('/api/terminals/pair').send({ code: wrong, publicKey: newKeyPair().publicKey }).expect(401);
      await http().post('/api/terminals/pair').send({ code, publicKey: newKeyPair().publicKey }).expect(201);
    });

    it('ten devices racing with the same code: exactly one is paired', async () => {
      const { code } = await newCode();
      const answers = await Promise.all(Array.from({ length: 10 }, () => http().post('/api/terminals/pair').send({ code, publicKey: newKeyPair().publicKey })));
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, ...Array(9).fill(401)]);
    });

    it('refuses a key that is not 32 raw bytes', async () => {
      const { code } = await newCode();
      await http().post('/api/terminals/pair').send({ code, publicKey: Buffer.alloc(31).toString('base64') }).expect(400);
    });
  });

  describe('signed requests', () => {
    let device: Device;
    beforeAll(async () => {
      device = await pairDevice(app, session.adminToken, session.merchant.merchantId);
    });

    it('a signed tap is accepted with no bearer token', async () => {
      const res = await signedTap(device);
      expect(res.status).toBe(202);
      const me = await signed(app, device, 'GET', '/api/auth/me').expect(200);
      expect(me.body.terminal).toEqual({ terminalId: device.terminalId, merchantId: device.merchantId });
    });

    it('refuses a replayed request, a tampered body, a stale created, a missing digest and a bad signature, each with its reason', async () => {
      const path = '/api/payment/process-async';
      const body = JSON.stringify(tapBody(device));
      const headers = { ...signatureHeaders(device, 'POST', path, body), 'Content-Type': 'application/json', 'Idempotency-Key': `idem-${Math.random()}` };
      await http().post(path).set(headers).send(body).expect(202);
      const replay = await http().post(path).set(headers).send(body).expect(401);
      expect(replay.body.message).toMatch(/Nonce already used/);

      const tampered = await signedTap(device, { sendBody: JSON.stringify({ ...tapBody(device), amount: 999_999 }) }).expect(401);
      expect(tampered.body.message).toMatch(/Content-Digest does not match/);

      const stale = await signedTap(device, { created: Math.floor(Date.now() / 1000) - 120 }).expect(401);
      expect(stale.body.message).toMatch(/more than 60 s/);

      const noDigest = { ...signatureHeaders(device, 'POST', path, undefined), 'Content-Type': 'application/json' };
      expect((await http().post(path).set(noDigest).send(body).expect(401)).body.message).toMatch(/content-digest/);

      const otherKey = { ...device, privateKey: newKeyPair().privateKey };
      expect((await signedTap(otherKey).expect(401)).body.message).toMatch(/does not verify/);
      expect((await signed(app, device, 'GET', '/api/auth/me', undefined, { keyid: 'trm_nobody' }).expect(401)).body.message).toMatch(/Unknown keyid/);
    });

    it('verifies over the parameters in the order the client sent them', async () => {
      const path = '/api/auth/me';
      const params = `("@path" "@method");alg="ed25519";keyid="${device.terminalId}";nonce="order-${Math.random()}";created=${Math.floor(Date.now() / 1000)}`;
      const base = `"@path": ${path}\n"@method": GET\n"@signature-params": ${params}`;
      await http()
        .get(path)
        .set({ 'Signature-Input': `sig1=${params}`, Signature: `sig1=:${sign(null, Buffer.from(base), device.privateKey).toString('base64')}:` })
        .expect(200);
    });

    it('a socket token from a signed POST /api/auth/terminal/token {} opens a socket, and is refused on HTTP', async () => {
      const token = await signed(app, device, 'POST', '/api/auth/terminal/token', {}).expect(200);
      expect(token.body.expiresIn).toBe(300);
      const { greeting } = await connect(url, { token: token.body.accessToken });
      expect(greeting).toBeDefined();
      const refused = await http().get('/api/auth/me').set(bearer(token.body.accessToken)).expect(401);
      expect(refused.body.message).toMatch(/socket handshake only/);
      await http().post('/api/auth/terminal/token').send({}).expect(401);
    });

    it('a heartbeat answers the server time; the terminal list shows it online with lastSeenAt, a silent one offline', async () => {
      const before = Date.now();
      const res = await signed(app, device, 'POST', '/api/terminals/heartbeat', { appVersion: '2.4.0', offlineQueued: 3 }).expect(200);
      expect(new Date(res.body.serverTime).getTime()).toBeGreaterThanOrEqual(before - 1000);
      const silent = await pairDevice(app, session.adminToken, session.merchant.merchantId);
      const list = await http().get(`/api/merchants/${session.merchant.merchantId}/terminals`).set(bearer(session.adminToken)).expect(200);
      const byId = (id: string) => list.body.terminals.find((t: { terminalId: string }) => t.terminalId === id);
      expect(byId(device.terminalId)).toMatchObject({ presence: 'online', appVersion: '2.4.0', offlineQueued: 3 });
      expect(new Date(byId(device.terminalId).lastSeenAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(byId(silent.terminalId)).toMatchObject({ presence: 'offline' });
      expect(byId(silent.terminalId).lastSeenAt).toBeUndefined();
    });
  });

  it('after a key rotation (signed with the current key) the old key is refused and the new one works', async () => {
    const device = await pairDevice(app, session.adminToken, session.merchant.merchantId);
    const socketToken = (await signed(app, device, 'POST', '/api/auth/terminal/token', {}).expect(200)).body.accessToken;
    const next = newKeyPair();
    const rotated = await signed(app, device, 'POST', '/api/terminals/keys', { publicKey: next.publicKey }).expect(201);
    expect(rotated.body.terminal).toMatchObject({ terminalId: device.terminalId, keyBound: true });
    expect((await signedTap(device).expect(401)).body.message).toMatch(/does not verify/);
    await signedTap({ ...device, ...next }).expect(202);
    expect(await refusal(url, { token: socketToken })).toMatch(/Invalid token/);
    expect(revocations).toContainEqual({ terminalId: device.terminalId, merchantId: device.merchantId, reason: 'key_changed' });
  });

  it('concurrent rotations signed with the same key: exactly one wins', async () => {
    const device = await pairDevice(app, session.adminToken, session.merchant.merchantId);
    const answers = await Promise.all(Array.from({ length: 6 }, () => signed(app, device, 'POST', '/api/terminals/keys', { publicKey: newKeyPair().publicKey })));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.every((status) => [201, 401, 409].includes(status))).toBe(true);
  });

  it('a terminal made with a secret binds a key once under its bearer token; then its bearer tokens and secret are refused', async () => {
    const terminal = await createTerminal(app, session.adminToken, session.merchant.merchantId);
    const keys = newKeyPair();
    await pay(app, terminal.token, tapBody(terminal)).expect(202);
    await http().post('/api/terminals/keys').set(bearer(terminal.token)).send({ publicKey: keys.publicKey }).expect(201);

    const device = { ...keys, terminalId: terminal.terminalId, merchantId: terminal.merchantId };
    await signedTap(device).expect(202);
    await pay(app, terminal.token, tapBody(terminal)).expect(401);
    await http().post('/api/auth/terminal/token').send({ terminalId: terminal.terminalId, terminalSecret: terminal.secret }).expect(401);
    await http().post('/api/terminals/keys').set(bearer(terminal.token)).send({ publicKey: newKeyPair().publicKey }).expect(401);
  });

  it('a bearer token alone is refused for a key-bound terminal, on every terminal route', async () => {
    const terminal = await createTerminal(app, session.adminToken, session.merchant.merchantId);
    // A token issued for the terminal under its current credentials, as if the bind had not renewed them.
    const keys = newKeyPair();
    await http().post('/api/terminals/keys').set(bearer(terminal.token)).send({ publicKey: keys.publicKey }).expect(201);
    const device = { ...keys, terminalId: terminal.terminalId, merchantId: terminal.merchantId };
    const socketToken = (await signed(app, device, 'POST', '/api/auth/terminal/token', {}).expect(200)).body.accessToken;
    const standing = (await app.get(MerchantsService).terminalStanding(terminal.terminalId))!;
    const bearerToken = await app.get(TokenService).issueTerminal({
      terminalId: terminal.terminalId,
      merchantId: terminal.merchantId,
      terminalGeneration: standing.terminal.credentialGeneration,
      merchantGeneration: standing.merchant!.accessGeneration,
    });
    for (const path of ['/api/auth/me', `/api/merchants/${terminal.merchantId}`, `/api/merchants/${terminal.merchantId}/terminals`, '/api/payment/transactions']) {
      const res = await http().get(path).set(bearer(bearerToken)).expect(401);
      expect(res.body.message).toMatch(/signs its requests/);
      await http().get(path).set(bearer(socketToken)).expect(401);
    }
    await pay(app, bearerToken, tapBody(terminal)).expect(401);
    await http().post('/api/terminals/heartbeat').set(bearer(bearerToken)).send({}).expect(401);
    expect(await refusal(url, { token: bearerToken })).toMatch(/Invalid token/);
  });

  it("a suspended merchant's terminals' signed requests are refused, and a code of a suspended merchant pairs nothing", async () => {
    const { merchantId } = await createMerchant(app, session.adminToken);
    const device = await pairDevice(app, session.adminToken, merchantId);
    const { code } = (await http().post(`/api/merchants/${merchantId}/pairing-codes`).set(bearer(session.adminToken)).send({}).expect(201)).body;
    await signed(app, device, 'GET', '/api/auth/me').expect(200);
    await http().patch(`/api/merchants/${merchantId}/status`).set(bearer(session.adminToken)).send({ status: 'suspended' }).expect(200);
    expect((await signed(app, device, 'GET', '/api/auth/me').expect(401)).body.message).toMatch(/suspended/);
    await http().post('/api/terminals/pair').send({ code, publicKey: newKeyPair().publicKey }).expect(401);
  });

  it("a disabled terminal's signed requests are refused and its socket is dropped", async () => {
    const device = await pairDevice(app, session.adminToken, session.merchant.merchantId);
    const token = (await signed(app, device, 'POST', '/api/auth/terminal/token', {}).expect(200)).body.accessToken;
    const { socket } = await connect(url, { token });
    const dropped = new Promise((resolve) => socket.once('disconnect', resolve));
    await http().post(`/api/merchants/${device.merchantId}/terminals/${device.terminalId}/disable`).set(bearer(session.adminToken)).expect(200);
    await dropped;
    expect((await signedTap(device).expect(401)).body.message).toMatch(/disabled/);
  });
});
