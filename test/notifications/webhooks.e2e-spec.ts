import { getModelToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Model } from 'mongoose';
import request from 'supertest';
import { Merchant } from '../../src/merchants/schemas/merchant.schema';
import { WebhookDelivery } from '../../src/notifications/schemas/webhook-delivery.schema';
import { verifyWebhookSignature } from '../../src/notifications/webhook-signature';
import { PAYMENT_COMPLETED, type PaymentEvent } from '../../src/payments/payment.events';
import { pay, relaxFraudRules, waitForFinal } from '../support/payments';
import { bearer, createTerminal, loginAdmin, registerCard, registerUser, suiAddress, uniqueId } from '../support/session';
import { closeTestApp, createTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

interface Received {
  raw: string;
  headers: IncomingHttpHeaders;
}

/** A merchant's webhook endpoint: answers 500 to the first `failures` requests, then 200. */
async function receiver(failures: number): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      received.push({ raw, headers: req.headers });
      res.statusCode = received.length <= failures ? 500 : 200;
      res.end(received.length <= failures ? 'not now' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/nfcpay/hooks`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('signed merchant webhooks', () => {
  let app: NestExpressApplication;
  let admin: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    // Fast retries (100 ms, 300 ms, ...) instead of seconds to days; loopback receivers allowed.
    app = await createTestApp({ env: { WEBHOOK_RETRY_DELAY_MS: '100', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
    admin = await loginAdmin(app);
    await relaxFraudRules(app, admin);
  });
  afterAll(() => closeTestApp(app));

  it('delivers a signed event, retries after two failures, logs each attempt and resends on request', async () => {
    const hook = await receiver(2);
    try {
      const created = await http()
        .post('/api/merchants')
        .set(bearer(admin))
        .send({ merchantId: uniqueId('HOOKED'), name: 'Hooked Cafe', walletAddress: suiAddress(), webhookUrl: hook.url })
        .expect(201);
      const { merchantId, webhookSecret } = created.body.merchant;
      expect(webhookSecret).toMatch(/^whsec_/);
      expect(created.body.merchant.webhookSecretSet).toBe(true);
      // Shown once: reading the merchant again does not show it.
      const again = await http().get(`/api/merchants/${merchantId}`).set(bearer(admin)).expect(200);
      expect(again.body.merchant.webhookSecret).toBeUndefined();

      const terminal = await createTerminal(app, admin, merchantId);
      const holder = await registerUser(app, 'hooked');
      const cardUuid = await registerCard(app, holder);
      const accepted = await pay(app, terminal.token, { cardUuid, amount: 5_000, merchantId, terminalId: terminal.terminalId }).expect(202);
      const final = await waitForFinal(app, terminal.token, accepted.body.transactionId);

      await waitFor(async () => hook.received.length >= 3, 15_000, 'three webhook attempts');
      const bodies = hook.received.map((r) => JSON.parse(r.raw));
      const event = bodies[2];
      expect(event).toEqual({
        id: expect.stringMatching(/^evt_/),
        type: `payment.${final.status}`,
        created: expect.any(Number),
        data: { transaction: expect.objectContaining({ id: accepted.body.transactionId, status: final.status, amount: 5_000, merchantId }) },
      });
      // Every attempt is the same event (receivers dedupe by id) with the same bytes.
      expect(new Set(bodies.map((b) => b.id))).toEqual(new Set([event.id]));
      expect(new Set(hook.received.map((r) => r.raw)).size).toBe(1);

      const delivered = hook.received[2];
      const signature = String(delivered.headers['x-nfcpay-signature']);
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(delivered.headers['x-nfcpay-event-id']).toBe(event.id);
      // The README's verification function accepts it, and refuses a wrong secret, a changed body or an old timestamp.
      expect(verifyWebhookSignature(delivered.raw, signature, webhookSecret)).toBe(true);
      expect(verifyWebhookSignature(delivered.raw, signature, 'whsec_wrong')).toBe(false);
      expect(verifyWebhookSignature(delivered.raw.replace('5000', '9000'), signature, webhookSecret)).toBe(false);
      expect(verifyWebhookSignature(delivered.raw, signature, webhookSecret, 300, Math.floor(Date.now() / 1000) + 301)).toBe(false);

      const log = await waitFor(async () => {
        const res = await http().get(`/api/merchants/${merchantId}/webhooks/deliveries`).set(bearer(admin)).expect(200);
        return res.body.deliveries[0]?.status === 'delivered' && res.body.deliveries;
      });
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ deliveryId: event.id, eventId: event.id, type: event.type, transactionId: accepted.body.transactionId, attempts: 3, lastResponseCode: 200 });
      expect(log[0].log.map((a: { status: string; responseCode: number }) => [a.status, a.responseCode])).toEqual([
        ['failed', 500],
        ['failed', 500],
        ['succeeded', 200],
      ]);
      for (const attempt of log[0].log) expect(attempt.latencyMs).toEqual(expect.any(Number));

      // The merchant's own terminal may read the log; another merchant's may not.
      await http().get(`/api/merchants/${merchantId}/webhooks/deliveries`).set(bearer(terminal.token)).expect(200);
      const stranger = await http().post('/api/merchants').set(bearer(admin)).send({ merchantId: uniqueId('OTHER'), name: 'Other', walletAddress: suiAddress() }).expect(201);
      const strangerTerminal = await createTerminal(app, admin, stranger.body.merchant.merchantId);
      await http().get(`/api/merchants/${merchantId}/webhooks/deliveries`).set(bearer(strangerTerminal.token)).expect(404);
      await http().post(`/api/merchants/${merchantId}/webhooks/deliveries/${event.id}/resend`).set(bearer(strangerTerminal.token)).expect(404);

      const resent = await http().post(`/api/merchants/${merchantId}/webhooks/deliveries/${event.id}/resend`).set(bearer(admin)).expect(202);
      expect(resent.body).toMatchObject({ success: true, deliveryId: event.id });
      await waitFor(async () => hook.received.length >= 4, 10_000, 'the resent webhook');
      expect(JSON.parse(hook.received[3].raw).id).toBe(event.id);
      expect(verifyWebhookSignature(hook.received[3].raw, String(hook.received[3].headers['x-nfcpay-signature']), webhookSecret)).toBe(true);
      const after = await waitFor(async () => {
        const res = await http().get(`/api/merchants/${merchantId}/webhooks/deliveries`).set(bearer(admin)).expect(200);
        return res.body.deliveries[0].log.length === 4 && res.body.deliveries[0];
      });
      expect(after.log[3]).toMatchObject({ trigger: 'resend', status: 'succeeded', responseCode: 200 });
    } finally {
      await hook.close();
    }
  });

  it('rotates the secret: the new one signs, the old one still verifies during the grace period', async () => {
    const hook = await receiver(0);
    try {
      const { merchantId, webhookSecret: oldSecret } = (
        await http().post('/api/merchants').set(bearer(admin)).send({ merchantId: uniqueId('ROT'), name: 'Rotating', walletAddress: suiAddress(), webhookUrl: hook.url }).expect(201)
      ).body.merchant;
      const rotated = await http().post(`/api/merchants/${merchantId}/webhook-secret/rotate`).set(bearer(admin)).expect(200);
      expect(rotated.body).toMatchObject({ success: true, merchantId, webhookSecret: expect.stringMatching(/^whsec_/), previousSecretValidUntil: expect.any(String) });
      expect(rotated.body.webhookSecret).not.toBe(oldSecret);
      const user = await registerUser(app, 'rotator');
      await http().post(`/api/merchants/${merchantId}/webhook-secret/rotate`).set(bearer(user.token)).expect(403);

      app.get(EventEmitter2).emit(PAYMENT_COMPLETED, fakeEvent(merchantId));
      await waitFor(async () => hook.received.length >= 1, 10_000, 'the webhook');
      const [{ raw, headers }] = hook.received;
      const signature = String(headers['x-nfcpay-signature']);
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(raw, signature, rotated.body.webhookSecret)).toBe(true);
      expect(verifyWebhookSignature(raw, signature, oldSecret)).toBe(true);
    } finally {
      await hook.close();
    }
  });

  it('sets a first webhook URL later, showing the new secret once', async () => {
    const { merchantId } = (await http().post('/api/merchants').set(bearer(admin)).send({ merchantId: uniqueId('LATE'), name: 'Late', walletAddress: suiAddress() }).expect(201)).body.merchant;
    const first = await http().patch(`/api/merchants/${merchantId}/webhook`).set(bearer(admin)).send({ webhookUrl: 'https://late.example.com/hooks' }).expect(200);
    expect(first.body.merchant).toMatchObject({ webhookUrl: 'https://late.example.com/hooks', webhookSecretSet: true, webhookSecret: expect.stringMatching(/^whsec_/) });
    const second = await http().patch(`/api/merchants/${merchantId}/webhook`).set(bearer(admin)).send({ webhookUrl: 'https://late.example.com/v2' }).expect(200);
    expect(second.body.merchant.webhookSecret).toBeUndefined();
    const removed = await http().patch(`/api/merchants/${merchantId}/webhook`).set(bearer(admin)).send({ webhookUrl: null }).expect(200);
    expect(removed.body.merchant.webhookUrl).toBeUndefined();
  });
});

describe('webhooks at least once from the payment\'s change', () => {
  let app: NestExpressApplication;
  beforeAll(async () => {
    app = await createTestApp({ env: { WEBHOOK_RETRY_DELAY_MS: '100', OUTBOX_SWEEP_INTERVAL_MS: '200' } });
  });
  afterAll(() => closeTestApp(app));

  it('delivers the webhook of a payment whose delivery could not be recorded when it completed', async () => {
    const hook = await receiver(0);
    try {
      const admin = await loginAdmin(app);
      await relaxFraudRules(app, admin);
      const created = await request(app.getHttpServer())
        .post('/api/merchants')
        .set(bearer(admin))
        .send({ merchantId: uniqueId('HOOKED'), name: 'Hooked Cafe', walletAddress: suiAddress(), webhookUrl: hook.url })
        .expect(201);
      const { merchantId } = created.body.merchant;
      const terminal = await createTerminal(app, admin, merchantId);
      const cardUuid = await registerCard(app, await registerUser(app, 'hooked'));
      // The delivery store fails once, right after the payment completed and before its webhook is recorded.
      const deliveries = app.get<Model<WebhookDelivery>>(getModelToken(WebhookDelivery.name));
      const create = deliveries.create.bind(deliveries);
      let failed = false;
      deliveries.create = (async (...args: Parameters<typeof create>) => {
        if (failed) return create(...args);
        failed = true;
        throw new Error('simulated: the delivery store is away');
      }) as typeof deliveries.create;

      const accepted = await pay(app, terminal.token, { cardUuid, amount: 5_000, merchantId, terminalId: terminal.terminalId }).expect(202);
      expect((await waitForFinal(app, terminal.token, accepted.body.transactionId)).status).toBe('completed');
      await waitFor(async () => hook.received.length >= 1, 20_000, 'the webhook');

      expect(failed).toBe(true);
      expect(JSON.parse(hook.received[0].raw)).toMatchObject({ type: 'payment.completed', data: { transaction: { id: accepted.body.transactionId } } });
    } finally {
      await hook.close();
    }
  });
});

describe('webhook URLs on private addresses', () => {
  let app: NestExpressApplication;
  let admin: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'false', WEBHOOK_RETRY_DELAY_MS: '100', WEBHOOK_MAX_ATTEMPTS: '1' } });
    admin = await loginAdmin(app);
  });
  afterAll(() => closeTestApp(app));

  it.each(['http://127.0.0.1:8080/hooks', 'http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/hooks', 'http://[::1]/hooks', 'http://localhost:3000/hooks', 'http://[::ffff:192.168.0.1]/x'])(
    'refuses %s when the merchant is created or updated',
    async (webhookUrl) => {
      const res = await http().post('/api/merchants').set(bearer(admin)).send({ merchantId: uniqueId('PRIV'), name: 'Private', walletAddress: suiAddress(), webhookUrl }).expect(400);
      expect(res.body.details).toEqual([{ field: 'webhookUrl', errors: [expect.stringMatching(/loopback|private|local/)] }]);
      const { merchantId } = (await http().post('/api/merchants').set(bearer(admin)).send({ merchantId: uniqueId('PUB'), name: 'Public', walletAddress: suiAddress() }).expect(201)).body.merchant;
      await http().patch(`/api/merchants/${merchantId}/webhook`).set(bearer(admin)).send({ webhookUrl }).expect(400);
    },
  );

  it('refuses again at delivery time (the URL changed under us, e.g. by DNS)', async () => {
    const hook = await receiver(0);
    try {
      const { merchantId } = (
        await http().post('/api/merchants').set(bearer(admin)).send({ merchantId: uniqueId('DNS'), name: 'Rebound', walletAddress: suiAddress(), webhookUrl: 'https://hooks.example.com/x' }).expect(201)
      ).body.merchant;
      // As if hooks.example.com now pointed at this host: write the loopback URL past the API's check.
      await app.get<Model<Merchant>>(getModelToken(Merchant.name)).updateOne({ merchantId }, { $set: { webhookUrl: hook.url } });
      app.get(EventEmitter2).emit(PAYMENT_COMPLETED, fakeEvent(merchantId, hook.url));
      const delivery = await waitFor(async () => {
        const res = await http().get(`/api/merchants/${merchantId}/webhooks/deliveries`).set(bearer(admin)).expect(200);
        return res.body.deliveries[0]?.status === 'failed' && res.body.deliveries[0];
      });
      expect(delivery.log).toEqual([expect.objectContaining({ status: 'failed', responseCode: null, error: expect.stringContaining('URL refused') })]);
      expect(hook.received).toHaveLength(0);
    } finally {
      await hook.close();
    }
  });
});

/** A payment event as the finalizer emits it (the merchant snapshot cache still has the old URL: only that a URL exists matters). */
function fakeEvent(merchantId: string, _url?: string): PaymentEvent {
  const now = new Date();
  return {
    transactionId: `nfc_test_${uniqueId('tx').replace('-', '')}`,
    status: 'completed',
    cardUuid: 'card-x',
    merchantId,
    terminalId: 'terminal-x',
    amount: 1_000,
    currency: 'VND',
    txHash: 'digest',
    createdAt: now,
    completedAt: now,
    at: now,
  };
}
