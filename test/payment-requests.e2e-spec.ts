import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { closeTestApp, createTestApp } from './support/test-app';
import { closeClients, connect, listen, nextEvent } from './realtime/realtime-support';
import { bearer, createMerchant, inviteStaff, registerCard, registerUser, seedSession, Session, TestStaff } from './support/session';
import { relaxFraudRules, waitForFinal } from './support/payments';
import { waitFor } from './support/wait';

describe('QR payment requests', () => {
  let app: NestExpressApplication;
  let s: Session;
  let staff: TestStaff;
  let url: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
    url = await listen(app);
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
    staff = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'staff');
  });
  afterAll(async () => {
    closeClients();
    await closeTestApp(app);
  });

  it('answers a Payment Kit URI to the settlement wallet and its QR code', async () => {
    const res = await http().post('/api/payment-requests').set(bearer(s.terminal.token)).send({ amount: 12_000, description: 'Table 4' }).expect(201);
    expect(res.body).toEqual(expect.objectContaining({ id: expect.stringMatching(/^pr_[0-9a-f]{24}$/), amount: 12_000, status: 'open', description: 'Table 4' }));
    expect(res.body.id.length).toBeLessThanOrEqual(36);
    const expiresIn = new Date(res.body.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(890_000);
    expect(expiresIn).toBeLessThanOrEqual(900_000);
    const uri = new URL(res.body.uri);
    expect(uri.protocol).toBe('sui:');
    expect(uri.pathname).toBe(s.merchant.settlementAddress);
    expect(Object.fromEntries(uri.searchParams)).toEqual({ amount: String(12_000n * 1000n), coinType: '0x2::sui::SUI', nonce: res.body.id, label: 'Table 4' });
    expect(res.body.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    await http().post('/api/payment-requests').set(bearer(s.user.token)).send({ amount: 1 }).expect(403);
    await http().post('/api/payment-requests').set(bearer(s.terminal.token)).send({ amount: 1, expiresInSeconds: 86_401 }).expect(400);
    // Staff name their merchant's terminal, never another's.
    await http().post('/api/payment-requests').set(bearer(staff.token)).send({ amount: 1 }).expect(400);
    const other = await createMerchant(app, s.adminToken);
    const otherStaff = await inviteStaff(app, s.adminToken, other.merchantId, 'staff');
    await http().post('/api/payment-requests').set(bearer(otherStaff.token)).send({ amount: 1, terminalId: s.terminal.terminalId }).expect(404);
    await http().get(`/api/payment-requests/${res.body.id}`).set(bearer(otherStaff.token)).expect(404);
  });

  it('lets exactly one of 5 concurrent cardholders pay it, and tells the merchant', async () => {
    const created = await http().post('/api/payment-requests').set(bearer(staff.token)).send({ amount: 5_000, terminalId: s.terminal.terminalId }).expect(201);
    const id = created.body.id as string;
    const payers = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const user = await registerUser(app, `payer${i}`);
        return { user, cardUuid: await registerCard(app, user) };
      }),
    );
    const { socket } = await connect(url, { token: s.terminal.token });
    const merchantSees = nextEvent<{ paymentRequest: { id: string; transactionId: string } }>(socket, 'payment_request:paid', 15_000, (p) => p.paymentRequest.id === id);
    const answers = await Promise.all(payers.map(({ user, cardUuid }) => http().post(`/api/payment-requests/${id}/pay`).set(bearer(user.token)).send({ cardUuid })));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409, 409, 409]);
    const accepted = answers.find((a) => a.status === 202)!;
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'payment_request_paid')).toBe(true);
    expect((await waitForFinal(app, s.adminToken, accepted.body.transactionId)).status).toBe('completed');
    expect((await merchantSees).paymentRequest.transactionId).toBe(accepted.body.transactionId);
    const view = (await http().get(`/api/payment-requests/${id}`).set(bearer(s.terminal.token)).expect(200)).body;
    expect(view).toEqual(expect.objectContaining({ status: 'paid', transactionId: accepted.body.transactionId }));
    const { transactions } = (await http().get('/api/payment/transactions').set(bearer(s.terminal.token)).expect(200)).body as { transactions: Array<{ amount: number }> };
    expect(transactions.filter((t) => t.amount === 5_000)).toHaveLength(1);
    await http().post(`/api/payment-requests/${id}/pay`).set(bearer(payers[0].user.token)).send({ cardUuid: payers[0].cardUuid }).expect(409);
  });

  it('leaves a request open when its payment is declined (another card may pay it)', async () => {
    const created = await http().post('/api/payment-requests').set(bearer(s.terminal.token)).send({ amount: 2_000 }).expect(201);
    const stranger = await registerUser(app, 'stranger');
    const declined = await http().post(`/api/payment-requests/${created.body.id}/pay`).set(bearer(stranger.token)).send({ cardUuid: s.cardUuid }).expect(400);
    expect(declined.body.declineCode).toBe('card_invalid');
    await http().post(`/api/payment-requests/${created.body.id}/pay`).set(bearer(s.user.token)).send({ cardUuid: s.cardUuid }).expect(202);
  });

  it('answers 410 for an expired request', async () => {
    const created = await http().post('/api/payment-requests').set(bearer(s.terminal.token)).send({ amount: 1_000, expiresInSeconds: 1 }).expect(201);
    await waitFor(async () => (await http().get(`/api/payment-requests/${created.body.id}`).set(bearer(s.user.token)).expect(200)).body.status === 'expired', 5_000, 'the request to expire');
    const res = await http().post(`/api/payment-requests/${created.body.id}/pay`).set(bearer(s.user.token)).send({ cardUuid: s.cardUuid }).expect(410);
    expect(res.body.code).toBe('payment_request_expired');
  });
});
