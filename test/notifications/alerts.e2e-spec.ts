import { getQueueToken } from '@nestjs/bull';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bull';
import request from 'supertest';
import { PaymentFinalizer } from '../../src/payments/payment-finalizer';
import { closeClients, connect, listen, nextEvent } from '../realtime/realtime-support';
import { pay, relaxFraudRules } from '../support/payments';
import { bearer, seedSession, type Session } from '../support/session';
import { closeTestApp, createTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

describe('failed-payment alerts', () => {
  let app: NestExpressApplication;
  let url: string;
  let s: Session;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
    url = await listen(app);
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
    // Settlement must not finish the payment before the test fails it: the payments queue is
    // paused (the notifications queue, which carries the alert, keeps running).
    await app.get<Queue>(getQueueToken('payments')).pause();
  });
  afterAll(async () => {
    closeClients();
    await closeTestApp(app);
  });

  it('records an alert an admin lists, receives on a socket and acknowledges; once per payment', async () => {
    const { socket } = await connect(url, { token: s.adminToken });
    const { socket: holderSocket } = await connect(url, { token: s.user.token });
    const holderAlerts: unknown[] = [];
    holderSocket.on('system:alert', (payload) => holderAlerts.push(payload));

    const accepted = await pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount: 7_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
    const transactionId: string = accepted.body.transactionId;
    const pushed = nextEvent<{ message: string; level: string }>(socket, 'system:alert', 10_000, (p) => p.message.includes(transactionId));
    // A settlement that failed for good, without needing a broken chain: the finalizer's own
    // failure path emits payment.failed and queues the alertFailedTransaction job.
    await app.get(PaymentFinalizer).fail(transactionId, 'test reason: settlement rejected');

    expect(await pushed).toMatchObject({ level: 'error', message: expect.stringContaining('test reason: settlement rejected') });

    const alerts = await waitFor(async () => {
      const res = await http().get('/api/alerts?status=open').set(bearer(s.adminToken)).expect(200);
      return res.body.alerts.find((a: { transactionId: string }) => a.transactionId === transactionId) && res.body.alerts;
    });
    expect(alerts.filter((a: { transactionId: string }) => a.transactionId === transactionId)).toEqual([
      expect.objectContaining({ id: transactionId, reason: 'test reason: settlement rejected', requiresManualReview: true, status: 'open', acknowledgedAt: null }),
    ]);

    // The same payment failing "again" (a retried job) is still one alert.
    const retried = await app.get<Queue>(getQueueToken('notifications')).add('alertFailedTransaction', { transactionId, errorMessage: 'again', timestamp: new Date(), requiresManualReview: true });
    expect(await retried.finished()).toBe('already recorded');
    const all = await http().get('/api/alerts').set(bearer(s.adminToken)).expect(200);
    expect(all.body.alerts.filter((a: { transactionId: string }) => a.transactionId === transactionId)).toHaveLength(1);

    await http().get('/api/alerts').set(bearer(s.user.token)).expect(403);
    await http().post(`/api/alerts/${transactionId}/ack`).set(bearer(s.terminal.token)).send({}).expect(403);
    const acked = await http().post(`/api/alerts/${transactionId}/ack`).set(bearer(s.adminToken)).send({ note: 'refunded by hand' }).expect(200);
    expect(acked.body.alert).toMatchObject({ status: 'acknowledged', acknowledgedBy: expect.any(String), note: 'refunded by hand', acknowledgedAt: expect.any(String) });
    const open = await http().get('/api/alerts?status=open').set(bearer(s.adminToken)).expect(200);
    expect(open.body.alerts.some((a: { transactionId: string }) => a.transactionId === transactionId)).toBe(false);
    await http().post('/api/alerts/no-such-alert/ack').set(bearer(s.adminToken)).send({}).expect(404);

    // Operational alerts go to admins only.
    expect(holderAlerts).toEqual([]);
  });
});
