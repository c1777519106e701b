import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { SoftwareCard } from '../src/cards/sun/card-simulator';
import { relaxFraudRules, waitForFinal } from './support/payments';
import { bearer, seedSession, type Session, uniqueId } from './support/session';
import { pairDevice, signed } from './support/signed-terminal';
import { closeTestApp, createTestApp } from './support/test-app';

/** The whole trust model at once: a card that proves itself (SUN) tapped at a terminal that proves itself (a signed request by its paired key). */
describe('a trusted tap', () => {
  let app: NestExpressApplication;
  let s: Session;

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
  });
  afterAll(() => closeTestApp(app));

  it('a paired terminal pays with a SUN tap from the simulator (202, completed); the same tap again is card_replayed', async () => {
    const nfcUid = `04${[...crypto.getRandomValues(new Uint8Array(6))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
    const cardUuid = uniqueId('trusted');
    const registered = await request(app.getHttpServer()).post('/api/cards').set(bearer(s.user.token)).send({ cardUuid, nfcUid }).expect(201);
    const card = new SoftwareCard(nfcUid, registered.body.programming);
    const device = await pairDevice(app, s.adminToken, s.merchant.merchantId);

    const tap = card.tap();
    const body = { sun: tap, amount: 12_000, merchantId: device.merchantId, terminalId: device.terminalId };
    const accepted = await signed(app, device, 'POST', '/api/payment/process-async', body, { headers: { 'Idempotency-Key': uniqueId('tap') } }).expect(202);
    const final = await waitForFinal(app, s.adminToken, accepted.body.transactionId);
    expect(final).toMatchObject({ status: 'completed', metadata: expect.objectContaining({ cardAuth: expect.objectContaining({ method: 'sun', counter: 1 }) }) });

    const replayed = await signed(app, device, 'POST', '/api/payment/process-async', body, { headers: { 'Idempotency-Key': uniqueId('tap') } }).expect(400);
    expect(replayed.body.declineCode).toBe('card_replayed');
  });
});
