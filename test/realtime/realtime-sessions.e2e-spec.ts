import type { NestExpressApplication } from '@nestjs/platform-express';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type Redis from 'ioredis';
import type { Socket } from 'socket.io-client';
import { MERCHANT_ACCESS_REVOKED, TERMINAL_ACCESS_REVOKED } from '../../src/merchants/merchant-access.events';
import { PAYMENT_UPDATED, type PaymentEvent } from '../../src/payments/payment.events';
import { createMerchant, createTerminal, registerUser, seedSession, type Session, type TestTerminal, type TestUser } from '../support/session';
import { REDIS_CLIENT } from '../../src/redis/redis.constants';
import { newIsolation } from '../support/test-app';
import { ack, client, closeClients, connect, createRealtimeApp, listen, nextEvent, record, recordWire, sessionOf, sleep } from './realtime-support';

/**
 * Who may take over a socket session, and who is sent away: two API instances sharing Redis, as
 * in production behind a load balancer.
 */
describe('realtime sessions: recovery and revocation across instances', () => {
  const isolation = newIsolation();
  let apiA: NestExpressApplication;
  let apiB: NestExpressApplication;
  let urlA: string;
  let urlB: string;
  let session: Session;
  let stranger: TestUser;

  beforeAll(async () => {
    apiA = await createRealtimeApp({ isolation });
    apiB = await createRealtimeApp({ isolation });
    urlA = await listen(apiA);
    urlB = await listen(apiB);
    session = await seedSession(apiA);
    stranger = await registerUser(apiA, 'stranger');
  });

  afterEach(() => closeClients());

  afterAll(async () => {
    closeClients();
    await apiB?.close();
    await apiA?.close();
  });

  const paymentFor = (user: TestUser): PaymentEvent => ({
    transactionId: `nfc_missed_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`,
    status: 'processing',
    cardUuid: session.cardUuid,
    userId: user.id,
    merchantId: session.merchant.merchantId,
    terminalId: session.terminal.terminalId,
    amount: 1_000,
    currency: 'VND',
    createdAt: new Date(),
    at: new Date(),
  });

  /** The cardholder connects, drops without a goodbye and misses one payment update while away. */
  async function victimAway(): Promise<{ victim: Socket; stolen: { pid: string; offset: string }; missed: PaymentEvent }> {
    const { socket: victim } = await connect(urlA, { token: session.user.token });
    const dropped = new Promise((resolve) => victim.once('disconnect', resolve));
    const stolen = sessionOf(victim);
    victim.io.engine.close();
    await dropped;
    await sleep(50); // let the server notice the drop (it then keeps the session)
    const missed = paymentFor(session.user);
    apiA.get(EventEmitter2).emit(PAYMENT_UPDATED, missed);
    await sleep(100);
    return { victim, stolen, missed };
  }

  async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
    for (const until = Date.now() + timeoutMs; !(await condition()); ) {
      if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms`);
      await sleep(25);
    }
  }

  const mentions = (packets: unknown[][], transactionId: string) => packets.some((data) => JSON.stringify(data).includes(transactionId));

  it("refuses a garbage token presenting someone's session, before sending a single missed packet", async () => {
    const { victim, stolen, missed } = await victimAway();
    const thief = client(urlB, { auth: { token: 'garbage', ...stolen } });
    const wire = recordWire(thief);
    const error = await new Promise<Error>((resolve, reject) => {
      thief.once('connect_error', resolve);
      thief.once('connect', () => reject(new Error('connected with a garbage token')));
    });
    expect(error.message).toMatch(/Invalid token/);
    await sleep(200);
    expect(wire).toEqual([]);

    // The session is still its owner's: the cardholder recovers it with its own token.
    const seen = record(victim);
    victim.connect();
    await new Promise<void>((resolve) => victim.once('connect', () => resolve()));
    expect(victim.recovered).toBe(true);
    await sleep(300);
    expect(seen.filter((e) => e.event === 'transaction:update').map((e) => (e.payload as { transactionId: string }).transactionId)).toContain(missed.transactionId);
  });

  it("gives another user's valid token presenting the session a fresh one: no missed events, none of the rooms", async () => {
    const { stolen, missed } = await victimAway();
    const thief = client(urlB, { auth: { token: stranger.token, ...stolen } });
    const wire = recordWire(thief);
    const greeting = await nextEvent(thief, 'connected');
    expect(greeting).toMatchObject({ userId: stranger.id, recovered: false });
    expect(thief.recovered).toBe(false);
    expect(sessionOf(thief).pid).not.toBe(stolen.pid);
    await sleep(200);
    expect(mentions(wire, missed.transactionId)).toBe(false);

    // Not in the cardholder's room: the next update for them reaches the owner's room only.
    const later = paymentFor(session.user);
    const { socket: owner } = await connect(urlA, { token: session.user.token });
    const ownerGot = nextEvent(owner, 'transaction:update', 10_000, (p) => p.transactionId === later.transactionId);
    apiA.get(EventEmitter2).emit(PAYMENT_UPDATED, later);
    await ownerGot;
    await sleep(200);
    expect(mentions(wire, later.transactionId)).toBe(false);
  });

  it('forgets the kept session when the client disconnects on purpose', async () => {
    const { socket } = await connect(urlA, { token: session.user.token });
    const { pid } = sessionOf(socket);
    const redis = apiA.get<Redis>(REDIS_CLIENT);
    expect(await redis.exists(`sio:session:${pid}`)).toBe(1);
    socket.disconnect();
    await waitFor(async () => (await redis.exists(`sio:session:${pid}`)) === 0);
  });

  describe('revoked access', () => {
    let other: TestTerminal;
    let elsewhere: TestTerminal;

    beforeAll(async () => {
      other = await createTerminal(apiA, session.adminToken, session.merchant.merchantId);
      const merchant = await createMerchant(apiA, session.adminToken);
      elsewhere = await createTerminal(apiA, session.adminToken, merchant.merchantId);
    });

    /** Resolves with the revocation notice and the disconnect reason, in the order they came. */
    function sentAway(socket: Socket): Promise<Array<{ event: string; payload: unknown }>> {
      const seen: Array<{ event: string; payload: unknown }> = [];
      socket.on('session:revoked', (payload) => seen.push({ event: 'session:revoked', payload }));
      return new Promise((resolve) => socket.once('disconnect', (reason) => resolve([...seen, { event: 'disconnect', payload: reason }])));
    }

    it("disconnects a revoked terminal's sockets on another instance, with the reason first; other terminals stay", async () => {
      const { socket: revoked } = await connect(urlB, { token: session.terminal.token, reconnection: true });
      const { socket: sibling } = await connect(urlB, { token: other.token });
      const gone = sentAway(revoked);

      apiA.get(EventEmitter2).emit(TERMINAL_ACCESS_REVOKED, { terminalId: session.terminal.terminalId, merchantId: session.merchant.merchantId, reason: 'terminal_disabled' });

      expect(await gone).toEqual([
        { event: 'session:revoked', payload: expect.objectContaining({ reason: 'terminal_disabled' }) },
        { event: 'disconnect', payload: 'io server disconnect' },
      ]);
      expect(revoked.connected).toBe(false);
      expect(await ack(sibling, 'ping')).toMatchObject({ success: true, userId: other.terminalId });
    });

    it("disconnects every terminal of a suspended merchant on every instance; another merchant's terminal stays", async () => {
      const { socket: onA } = await connect(urlA, { token: session.terminal.token });
      const { socket: onB } = await connect(urlB, { token: other.token });
      const { socket: unrelated } = await connect(urlB, { token: elsewhere.token });
      const goneA = sentAway(onA);
      const goneB = sentAway(onB);

      apiA.get(EventEmitter2).emit(MERCHANT_ACCESS_REVOKED, { merchantId: session.merchant.merchantId, reason: 'merchant_suspended' });

      for (const gone of [goneA, goneB]) {
        expect(await gone).toEqual([
          { event: 'session:revoked', payload: expect.objectContaining({ reason: 'merchant_suspended' }) },
          { event: 'disconnect', payload: 'io server disconnect' },
        ]);
      }
      expect(await ack(unrelated, 'ping')).toMatchObject({ success: true, userId: elsewhere.terminalId });
    });
  });
});
