import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { pay, waitForFinal } from '../support/payments';
import { bearer, registerCard, registerUser, seedSession, type Session } from '../support/session';
import { ack, closeClients, connect, createRealtimeApp, handMadeToken, jwtSecretOf, listen, nextEvent, record, refusal, sleep } from './realtime-support';

describe('realtime gateway (/nfc-ws)', () => {
  let app: NestExpressApplication;
  let url: string;
  let session: Session;

  beforeAll(async () => {
    app = await createRealtimeApp();
    url = await listen(app);
    session = await seedSession(app);
  });

  afterEach(() => closeClients());

  afterAll(async () => {
    closeClients();
    await app?.close();
  });

  /** A fresh card per payment, so the daily limit never declines one. */
  const payment = async () => ({ cardUuid: await registerCard(app, session.user), amount: 75_000, merchantId: session.merchant.merchantId, terminalId: session.terminal.terminalId });

  describe('handshake', () => {
    it('refuses a connection without a token', async () => {
      expect(await refusal(url)).toMatch(/Authentication required/);
    });

    it('refuses a malformed token', async () => {
      expect(await refusal(url, { token: 'not-a-jwt' })).toMatch(/Invalid token: malformed/);
    });

    it('refuses an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = handMadeToken(jwtSecretOf(app), { sub: session.user.id, role: 'user', iat: now - 120, exp: now - 60 });
      expect(await refusal(url, { token })).toMatch(/Invalid token: expired/);
    });

    it('refuses a token signed with another secret, and an unsigned one', async () => {
      const now = Math.floor(Date.now() / 1000);
      const forged = handMadeToken('some-other-secret-that-is-long-enough', { sub: session.user.id, role: 'admin', iat: now, exp: now + 600 });
      expect(await refusal(url, { token: forged })).toMatch(/Invalid token: signature or claims not accepted/);
      const [header, body] = forged.split('.');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${body}.`;
      expect(header).toBeTruthy();
      expect(await refusal(url, { token: none })).toMatch(/Invalid token/);
    });

    it('accepts auth.token and greets with connected {message, userId, timestamp}', async () => {
      const { greeting } = await connect(url, { token: session.user.token });
      expect(greeting).toMatchObject({ message: 'Connected to NFC Payment WebSocket', userId: session.user.id });
      expect(new Date(greeting.timestamp as string).getTime()).toBeGreaterThan(Date.now() - 10_000);
    });

    it('accepts an Authorization: Bearer header, also over polling', async () => {
      const { greeting } = await connect(url, { token: session.terminal.token, header: true, transports: ['polling'] });
      expect(greeting).toMatchObject({ userId: session.terminal.terminalId, role: 'terminal', merchantId: session.merchant.merchantId });
    });

    it('ends the connection when the token expires', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = handMadeToken(jwtSecretOf(app), { sub: session.user.id, role: 'user', iat: now, exp: now + 2 });
      const { socket } = await connect(url, { token });
      const expired = nextEvent(socket, 'session:expired', 5_000);
      const reason = await new Promise((resolve) => socket.once('disconnect', resolve));
      await expect(expired).resolves.toMatchObject({ message: expect.stringMatching(/expired/) });
      expect(reason).toBe('io server disconnect');
    });
  });

  describe('client events', () => {
    it('answers ping with pong {timestamp, userId} and an acknowledgement', async () => {
      const { socket } = await connect(url, { token: session.user.token });
      const pong = nextEvent(socket, 'pong');
      const answer = await ack(socket, 'ping');
      expect(answer).toMatchObject({ success: true, userId: session.user.id });
      expect(await pong).toMatchObject({ userId: session.user.id });
    });

    it('validates payloads: one id string of bounded length, nothing else', async () => {
      const { socket } = await connect(url, { token: session.user.token });
      for (const bad of [undefined, 42, { cardUuid: session.cardUuid }, 'x'.repeat(129), 'has space', '']) {
        const answer = await ack(socket, 'subscribe:card', bad);
        expect(answer).toEqual({ success: false, error: { event: 'subscribe:card', reason: expect.stringMatching(/Expected one id string/) } });
      }
    });

    it('rate limits client events per socket', async () => {
      const { socket } = await connect(url, { token: session.user.token });
      const answers = await Promise.all(Array.from({ length: 40 }, () => ack<{ success: boolean; error?: { reason: string } }>(socket, 'ping')));
      const refused = answers.filter((a) => !a.success);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0].error?.reason).toMatch(/Rate limit/);
    });

    it('lets the owner (and an admin) subscribe to a card, nobody else, and sends card:status:update', async () => {
      const owner = await connect(url, { token: session.user.token });
      const admin = await connect(url, { token: session.adminToken });
      const stranger = await registerUser(app, 'stranger');
      const other = await connect(url, { token: stranger.token });
      const strangerSeen = record(other.socket);
      const cardUuid = await registerCard(app, session.user);

      expect(await ack(owner.socket, 'subscribe:card', cardUuid)).toEqual({ success: true, room: `card:${cardUuid}` });
      expect(await ack(admin.socket, 'subscribe:card', cardUuid)).toEqual({ success: true, room: `card:${cardUuid}` });
      const foreign = await ack(other.socket, 'subscribe:card', cardUuid);
      const unknown = await ack(other.socket, 'subscribe:card', 'card-does-not-exist');
      expect(foreign).toEqual({ success: false, error: { event: 'subscribe:card', reason: 'Not found or not permitted' } });
      expect(unknown).toEqual(foreign);

      const toOwner = nextEvent(owner.socket, 'card:status:update', 10_000, (p) => p.cardUuid === cardUuid);
      const toAdmin = nextEvent(admin.socket, 'card:status:update', 10_000, (p) => p.cardUuid === cardUuid);
      await request(app.getHttpServer()).post(`/api/cards/${cardUuid}/block`).set(bearer(session.user.token)).send({ reason: 'lost' }).expect(200);
      expect(await toOwner).toMatchObject({ cardUuid, status: 'blocked', timestamp: expect.any(String) });
      await toAdmin;
      await sleep(200);
      expect(strangerSeen.filter((e) => e.event.startsWith('card:'))).toEqual([]);

      expect(await ack(admin.socket, 'unsubscribe:card', cardUuid)).toEqual({ success: true, room: `card:${cardUuid}` });
    });
  });

  describe('payments', () => {
    it("runs the seed's flow: POST process-async, subscribe:transaction, receive transaction:completed", async () => {
      const { socket } = await connect(url, { token: session.terminal.token });
      const res = await pay(app, session.terminal.token, await payment());
      expect(res.status).toBe(202);
      const { transactionId, websocketChannel } = res.body;
      expect(websocketChannel).toBe(`transaction:${transactionId}`);
      const completed = nextEvent(socket, 'transaction:completed', 15_000, (p) => p.transactionId === transactionId);
      const subscribed = await ack(socket, 'subscribe:transaction', transactionId);
      expect(subscribed).toMatchObject({ success: true, room: websocketChannel });
      const event = await completed;
      expect(event).toMatchObject({ transactionId, status: 'completed', amount: 75_000, txHash: expect.any(String), completedAt: expect.any(String), timestamp: expect.any(String) });
      expect(event).toHaveProperty('explorerUrl');
    });

    it('tells the cardholder (user room) about updates, completion and the new balance', async () => {
      const { socket } = await connect(url, { token: session.user.token });
      const seen = record(socket);
      // Listen first: balance:update follows transaction:completed within the same tick.
      const balanceUpdate = nextEvent<{ balance: Record<string, unknown> }>(socket, 'balance:update', 20_000);
      const res = await pay(app, session.terminal.token, await payment());
      const { transactionId } = res.body;
      await nextEvent(socket, 'transaction:completed', 15_000, (p) => p.transactionId === transactionId);
      const balance = await balanceUpdate;
      expect(balance.balance).toMatchObject({ address: session.user.walletAddress, balanceMist: expect.any(String), lastTransaction: { transactionId, amount: -75_000 } });
      const updates = seen.filter((e) => e.event === 'transaction:update').map((e) => (e.payload as { status: string }).status);
      expect(updates).toContain('processing');
    });

    it("refuses a second user's subscription to the first user's transaction, and sends that user nothing", async () => {
      const stranger = await registerUser(app, 'snoop');
      const { socket } = await connect(url, { token: stranger.token });
      const seen = record(socket);
      const res = await pay(app, session.terminal.token, await payment());
      const { transactionId } = res.body;
      const answer = await ack(socket, 'subscribe:transaction', transactionId);
      expect(answer).toEqual({ success: false, error: { event: 'subscribe:transaction', reason: 'Not found or not permitted' } });
      expect(await ack(socket, 'subscribe:transaction', 'nfc_unknown_000')).toEqual(answer);
      await waitForFinal(app, session.adminToken, transactionId);
      await sleep(300);
      expect(seen.filter((e) => e.event.startsWith('transaction:') || e.event === 'balance:update')).toEqual([]);
    });

    it('answers a subscription to an already final transaction at once with its final event', async () => {
      const res = await pay(app, session.terminal.token, await payment());
      const { transactionId } = res.body;
      await waitForFinal(app, session.adminToken, transactionId);
      const { socket } = await connect(url, { token: session.adminToken });
      const completed = nextEvent(socket, 'transaction:completed', 2_000, (p) => p.transactionId === transactionId);
      expect(await ack(socket, 'subscribe:transaction', transactionId)).toMatchObject({ success: true, status: 'completed' });
      expect(await completed).toMatchObject({ transactionId, status: 'completed', txHash: expect.any(String) });
    });
  });

  describe('HTTP', () => {
    it('GET /api/payment/ws-status: counts connections; only admins see who', async () => {
      await connect(url, { token: session.user.token });
      await connect(url, { token: session.terminal.token });
      const holder = await request(app.getHttpServer()).get('/api/payment/ws-status').set(bearer(session.user.token)).expect(200);
      expect(holder.body.websocket).not.toHaveProperty('connectedUsers');
      const res = await request(app.getHttpServer()).get('/api/payment/ws-status').set(bearer(session.adminToken)).expect(200);
      expect(res.body).toMatchObject({ success: true, websocket: { status: 'active', totalConnections: 2, uniqueUsers: 1, connectedUsers: [session.user.id], merchantsOnline: 1 } });
    });

    it('POST /api/realtime/alerts sends system:alert (admin only)', async () => {
      const { socket } = await connect(url, { token: session.user.token });
      const alert = nextEvent(socket, 'system:alert');
      await request(app.getHttpServer()).post('/api/realtime/alerts').set(bearer(session.user.token)).send({ message: 'hi' }).expect(403);
      await request(app.getHttpServer()).post('/api/realtime/alerts').set(bearer(session.adminToken)).send({ message: 'Maintenance at 02:00', level: 'warning' }).expect(202);
      expect(await alert).toMatchObject({ message: 'Maintenance at 02:00', level: 'warning' });
      const bad = await request(app.getHttpServer()).post('/api/realtime/alerts').set(bearer(session.adminToken)).send({ message: '', level: 'loud' });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ success: false, requestId: expect.any(String) });
    });
  });
});
