import type { NestExpressApplication } from '@nestjs/platform-express';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { decode } from '@msgpack/msgpack';
import request from 'supertest';
import { PAYMENT_UPDATED, type PaymentEvent } from '../../src/payments/payment.events';
import type Redis from 'ioredis';
import { RealtimeService } from '../../src/realtime/realtime.service';
import { REDIS_CLIENT } from '../../src/redis/redis.constants';
import { pay } from '../support/payments';
import { bearer, registerCard, seedSession, type Session } from '../support/session';
import { newIsolation } from '../support/test-app';
import { waitFor } from '../support/wait';
import { ack, closeClients, connect, createRealtimeApp, listen, nextEvent, record, sleep } from './realtime-support';

/**
 * One deployment, three processes sharing MongoDB and Redis: a worker-only process (no HTTP
 * server, as with APP_ROLE=worker) that settles every payment, and two API instances that
 * clients connect to.
 */
describe('realtime across instances (Redis streams adapter)', () => {
  const isolation = newIsolation();
  let worker: NestExpressApplication;
  let apiB: NestExpressApplication;
  let apiC: NestExpressApplication | undefined;
  let urlB: string;
  let urlC: string;
  let session: Session;

  beforeAll(async () => {
    worker = await createRealtimeApp({ isolation, env: { APP_ROLE: 'worker' } });
    apiB = await createRealtimeApp({ isolation, env: { APP_ROLE: 'api' } });
    apiC = await createRealtimeApp({ isolation, env: { APP_ROLE: 'api' } });
    urlB = await listen(apiB);
    urlC = await listen(apiC);
    session = await seedSession(apiB);
  });

  afterEach(() => closeClients());

  afterAll(async () => {
    closeClients();
    await apiC?.close();
    await apiB?.close();
    await worker?.close();
  });

  const paymentEvent = (over: Partial<PaymentEvent> = {}): PaymentEvent => ({
    transactionId: `nfc_test_${Date.now()}`,
    status: 'processing',
    cardUuid: session.cardUuid,
    userId: session.user.id,
    merchantId: session.merchant.merchantId,
    terminalId: session.terminal.terminalId,
    amount: 1_000,
    currency: 'VND',
    createdAt: new Date(),
    at: new Date(),
    ...over,
  });

  it('delivers a completion settled in the worker process to clients on both API instances', async () => {
    const onB = await connect(urlB, { token: session.user.token });
    const onC = await connect(urlC, { token: session.terminal.token });
    const res = await pay(apiB, session.terminal.token, { cardUuid: session.cardUuid, amount: 50_000, merchantId: session.merchant.merchantId, terminalId: session.terminal.terminalId });
    expect(res.status).toBe(202);
    const { transactionId } = res.body;
    const completedB = nextEvent(onB.socket, 'transaction:completed', 15_000, (p) => p.transactionId === transactionId);
    const completedC = nextEvent(onC.socket, 'transaction:completed', 15_000, (p) => p.transactionId === transactionId);
    expect(await ack(onC.socket, 'subscribe:transaction', transactionId)).toMatchObject({ success: true });
    expect(await completedB).toMatchObject({ transactionId, status: 'completed', txHash: expect.any(String) });
    expect(await completedC).toMatchObject({ transactionId, status: 'completed' });
  });

  it('counts connections of every instance in ws-status', async () => {
    await connect(urlB, { token: session.user.token });
    await connect(urlC, { token: session.user.token });
    await connect(urlC, { token: session.terminal.token });
    const res = await request(apiB.getHttpServer()).get('/api/payment/ws-status').set(bearer(session.adminToken)).expect(200);
    expect(res.body.websocket).toMatchObject({ status: 'active', totalConnections: 3, uniqueUsers: 1, localConnections: 1, instances: 3 });
  });

  it('recovers a dropped connection: rooms kept and missed events delivered, from any instance', async () => {
    const { socket } = await connect(urlB, { token: session.user.token, reconnection: true });
    const cardUuid = await registerCard(apiB, session.user);
    expect(await ack(socket, 'subscribe:card', cardUuid)).toMatchObject({ success: true });
    const seen = record(socket);
    const dropped = new Promise((resolve) => socket.once('disconnect', resolve));
    // Listened for before the drop: the client retries after 200 ms, which a slow request below can outlast.
    const reconnected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.io.engine.close();
    expect(await dropped).not.toBe('io client disconnect'); // a drop, not a goodbye: the server keeps the session
    await sleep(50); // let the server notice the drop (it then keeps the session)

    // While the client is away: a payment update from the worker, a card change through C.
    const missed = paymentEvent();
    worker.get(EventEmitter2).emit(PAYMENT_UPDATED, missed);
    await request(apiC!.getHttpServer()).post(`/api/cards/${cardUuid}/block`).set(bearer(session.user.token)).send({}).expect(200);

    await reconnected;
    expect(socket.recovered).toBe(true);
    await sleep(300);
    expect(seen.map((e) => e.event)).toEqual(expect.arrayContaining(['transaction:update', 'card:status:update']));
    expect(seen.find((e) => e.event === 'transaction:update')?.payload).toMatchObject({ transactionId: missed.transactionId, status: 'processing' });
    // The card room survived the reconnection.
    const next = nextEvent(socket, 'card:status:update', 10_000, (p) => p.cardUuid === cardUuid && p.status === 'active');
    await request(apiB.getHttpServer()).post(`/api/cards/${cardUuid}/unblock`).set(bearer(session.user.token)).expect(200);
    await next;
  });

  it('keeps a connected session in Redis from its first join, so it outlives an instance killed without a goodbye', async () => {
    const { socket } = await connect(urlB, { token: session.user.token, reconnection: true });
    const cardUuid = await registerCard(apiB, session.user);
    expect(await ack(socket, 'subscribe:card', cardUuid)).toMatchObject({ success: true });
    const pid = (socket as unknown as { _pid?: string })._pid;
    expect(pid).toEqual(expect.any(String));

    // No disconnect has happened: this is what a SIGKILLed instance leaves behind. The adapter
    // writes the session without the join awaiting it, so it lands a moment after the ack.
    const redis = apiB.get<Redis>(REDIS_CLIENT);
    const kept = await waitFor(async () => {
      const raw = await redis.get(`sio:session:${pid}`);
      const session = raw && (decode(Buffer.from(raw, 'base64')) as { rooms?: string[] });
      return session && session.rooms?.includes(`card:${cardUuid}`) ? session : undefined;
    }, 5_000, 'the session with its card room in Redis');
    expect(kept).toMatchObject({ pid, rooms: expect.arrayContaining([`card:${cardUuid}`]) });
  });

  it('sends system:shutdown when an instance closes, and the client recovers on another instance', async () => {
    const { socket } = await connect(urlC, { token: session.user.token, reconnection: true });
    const shutdown = nextEvent(socket, 'system:shutdown', 5_000);
    const reconnected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closing = apiC!.close();
    expect(await shutdown).toMatchObject({ message: 'Server is shutting down', timestamp: expect.any(String) });
    await closing;
    apiC = undefined;
    // A load balancer would send the reconnection to a live instance; here the client is pointed at B.
    (socket.io as unknown as { uri: string }).uri = urlB;
    const missed = paymentEvent({ transactionId: `nfc_after_shutdown_${Date.now()}` });
    const seen = record(socket);
    worker.get(RealtimeService).paymentUpdated(missed);
    await reconnected;
    expect(socket.recovered).toBe(true);
    await sleep(300);
    expect(seen.filter((e) => e.event === 'transaction:update').map((e) => (e.payload as { transactionId: string }).transactionId)).toContain(missed.transactionId);
  });
});
