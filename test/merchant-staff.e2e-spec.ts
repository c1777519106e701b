import { NestExpressApplication } from '@nestjs/platform-express';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import request from 'supertest';
import { User } from '../src/auth/schemas/user.schema';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, createMerchant, createTerminal, inviteStaff, seedSession, Session, suiAddress, TestStaff, uniqueId } from './support/session';
import { pay, waitForFinal } from './support/payments';

describe('merchant staff accounts', () => {
  let app: NestExpressApplication;
  let s: Session;
  let owner: TestStaff;
  const http = () => request(app.getHttpServer());
  const password = 'correct horse battery';

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
    owner = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'owner');
  });
  afterAll(() => closeTestApp(app));

  it('invites with a token shown once, valid once, stored only hashed; then logs in like anyone', async () => {
    const email = `${uniqueId('cashier')}@Example.com`;
    const invited = await http().post(`/api/merchants/${s.merchant.merchantId}/users`).set(bearer(owner.token)).send({ email, role: 'staff' }).expect(201);
    expect(invited.body).toEqual({
      success: true,
      user: expect.objectContaining({ email: email.toLowerCase(), role: 'merchant', merchantId: s.merchant.merchantId, staffRole: 'staff' }),
      inviteToken: expect.stringMatching(/^inv_/),
      inviteExpiresAt: expect.any(String),
    });
    const days = (new Date(invited.body.inviteExpiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    const stored = await app.get<Model<User>>(getModelToken(User.name)).findById(invited.body.user.id).lean().exec();
    expect(JSON.stringify(stored)).not.toContain(invited.body.inviteToken.split('.')[1]);

    // Not a login before it is accepted, whatever password is tried.
    await http().post('/api/auth/login').send({ email, password }).expect(401);
    const listed = await http().get(`/api/merchants/${s.merchant.merchantId}/users`).set(bearer(owner.token)).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(invited.body.inviteToken);

    const accept = { inviteToken: invited.body.inviteToken, password, fullName: 'Tran Van Minh' };
    const accepted = await http().post('/api/auth/invites/accept').send(accept).expect(200);
    expect(accepted.body.user).toEqual(expect.objectContaining({ fullName: 'Tran Van Minh', role: 'merchant', staffRole: 'staff' }));
    await http().post('/api/auth/invites/accept').send({ ...accept, password: 'another password here' }).expect(401);
    const login = await http().post('/api/auth/login').send({ email, password }).expect(200);
    const me = await http().get('/api/auth/me').set(bearer(login.body.accessToken)).expect(200);
    expect(me.body.user).toEqual(expect.objectContaining({ role: 'merchant', merchantId: s.merchant.merchantId, staffRole: 'staff' }));
  });

  it('refuses an expired, forged or malformed invite with one answer', async () => {
    const email = `${uniqueId('late')}@example.com`;
    const invited = await http().post(`/api/merchants/${s.merchant.merchantId}/users`).set(bearer(s.adminToken)).send({ email, role: 'staff' }).expect(201);
    const token: string = invited.body.inviteToken;
    const forged = `${token.slice(0, -4)}AAAA`;
    for (const inviteToken of [forged, 'inv_nothing', `inv_${'0'.repeat(24)}.${'A'.repeat(43)}`]) {
      const res = await http().post('/api/auth/invites/accept').send({ inviteToken, password, fullName: 'X' }).expect(401);
      expect(res.body.message).toBe('Invalid, expired or already used invite');
    }
    await app.get<Model<User>>(getModelToken(User.name)).updateOne({ _id: invited.body.user.id }, { $set: { inviteExpiresAt: new Date(Date.now() - 1000) } }).exec();
    await http().post('/api/auth/invites/accept').send({ inviteToken: token, password, fullName: 'X' }).expect(401);
  });

  it('accepts one of two concurrent acceptances of an invite', async () => {
    const invited = await http().post(`/api/merchants/${s.merchant.merchantId}/users`).set(bearer(owner.token)).send({ email: `${uniqueId('race')}@example.com`, role: 'staff' }).expect(201);
    const tries = await Promise.all(
      ['first password!', 'second password!', 'third password!'].map((pw) => http().post('/api/auth/invites/accept').send({ inviteToken: invited.body.inviteToken, password: pw, fullName: 'R' })),
    );
    expect(tries.map((res) => res.status).sort()).toEqual([200, 401, 401]);
  });

  it('lets only admins and the owner invite; an email with an account is taken', async () => {
    const staff = await inviteStaff(app, owner.token, s.merchant.merchantId, 'staff');
    const body = { email: `${uniqueId('x')}@example.com`, role: 'owner' };
    await http().post(`/api/merchants/${s.merchant.merchantId}/users`).set(bearer(staff.token)).send(body).expect(403);
    await http().post(`/api/merchants/${s.merchant.merchantId}/users`).set(bearer(s.terminal.token)).send(body).expect(403);
    await http().post(`/api/merchants/${s.merchant.merchantId}/users`).set(bearer(s.user.token)).send(body).expect(403);
    await http().post(`/api/merchants/${s.merchant.merchantId}/users`).set(bearer(owner.token)).send({ email: s.user.email, role: 'staff' }).expect(409);
    await http().post(`/api/merchants/${s.merchant.merchantId}/users`).set(bearer(owner.token)).send({ email: 'x@example.com', role: 'admin' }).expect(400);
    await http().post('/api/merchants/no-such-merchant/users').set(bearer(s.adminToken)).send(body).expect(404);
  });

  it("runs its own merchant: payments, terminals, webhook; only admins create or suspend merchants", async () => {
    const base = `/api/merchants/${s.merchant.merchantId}`;
    const accepted = await pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount: 1000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
    const transactionId: string = accepted.body.transactionId;
    await waitForFinal(app, s.adminToken, transactionId);

    const status = await http().get(`/api/payment/status/${transactionId}`).set(bearer(owner.token)).expect(200);
    expect(status.body.transaction.cardUuid).not.toBe(s.cardUuid);
    const history = await http().get('/api/payment/transactions').set(bearer(owner.token)).expect(200);
    expect(history.body.transactions.map((t: { id: string }) => t.id)).toContain(transactionId);
    expect(JSON.stringify(history.body)).not.toContain(s.cardUuid);

    await http().get(base).set(bearer(owner.token)).expect(200);
    const made = await http().post(`${base}/terminals`).set(bearer(owner.token)).send({ terminalId: uniqueId('t') }).expect(201);
    const rotated = await http().post(`${base}/terminals/${made.body.terminal.terminalId}/rotate-secret`).set(bearer(owner.token)).expect(200);
    await http().post('/api/auth/terminal/token').send({ terminalId: made.body.terminal.terminalId, terminalSecret: rotated.body.terminalSecret }).expect(200);
    await http().post(`${base}/terminals/${made.body.terminal.terminalId}/disable`).set(bearer(owner.token)).expect(200);
    const terminals = await http().get(`${base}/terminals`).set(bearer(owner.token)).expect(200);
    expect(terminals.body.terminals).toHaveLength(2);
    await http().patch(`${base}/webhook`).set(bearer(owner.token)).send({ webhookUrl: 'https://staff.example.com/hooks' }).expect(200);
    await http().get(`${base}/webhooks/deliveries`).set(bearer(owner.token)).expect(200);

    await http().post('/api/merchants').set(bearer(owner.token)).send({ merchantId: uniqueId('M'), name: 'X', walletAddress: suiAddress() }).expect(403);
    await http().patch(`${base}/status`).set(bearer(owner.token)).send({ status: 'suspended' }).expect(403);
    await http().post('/api/payment/process-async').set(bearer(owner.token)).send({ cardUuid: s.cardUuid, amount: 1, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(403);
    await http().get('/api/cards').set(bearer(owner.token)).expect(403);
  });

  it("shows staff of merchant A nothing of merchant B (404)", async () => {
    const b = await createMerchant(app, s.adminToken);
    const terminalB = await createTerminal(app, s.adminToken, b.merchantId);
    const paidAtB = await pay(app, terminalB.token, { cardUuid: s.cardUuid, amount: 1000, merchantId: b.merchantId, terminalId: terminalB.terminalId }).expect(202);
    const base = `/api/merchants/${b.merchantId}`;
    await http().get(base).set(bearer(owner.token)).expect(404);
    await http().get(`${base}/terminals`).set(bearer(owner.token)).expect(404);
    await http().get(`${base}/users`).set(bearer(owner.token)).expect(404);
    await http().get(`${base}/webhooks/deliveries`).set(bearer(owner.token)).expect(404);
    await http().post(`${base}/users`).set(bearer(owner.token)).send({ email: `${uniqueId('x')}@example.com`, role: 'owner' }).expect(404);
    await http().post(`${base}/terminals`).set(bearer(owner.token)).send({ terminalId: uniqueId('t') }).expect(404);
    await http().post(`${base}/terminals/${terminalB.terminalId}/rotate-secret`).set(bearer(owner.token)).expect(404);
    await http().post(`${base}/terminals/${terminalB.terminalId}/disable`).set(bearer(owner.token)).expect(404);
    await http().post(`/api/merchants/${s.merchant.merchantId}/terminals/${terminalB.terminalId}/disable`).set(bearer(owner.token)).expect(404);
    await http().patch(`${base}/webhook`).set(bearer(owner.token)).send({ webhookUrl: 'https://evil.example.com/hooks' }).expect(404);
    await http().post(`${base}/webhook-secret/rotate`).set(bearer(owner.token)).expect(404);
    await http().get(`/api/payment/status/${paidAtB.body.transactionId}`).set(bearer(owner.token)).expect(404);
    await http().post(`/api/payment/${paidAtB.body.transactionId}/cancel`).set(bearer(owner.token)).expect(404);
    const history = await http().get('/api/payment/transactions').set(bearer(owner.token)).expect(200);
    expect(history.body.transactions.map((t: { id: string }) => t.id)).not.toContain(paidAtB.body.transactionId);
    // B's terminal still works: nothing above changed it.
    await http().get(base).set(bearer(terminalB.token)).expect(200);
  });

  it("ends staff tokens when the merchant is suspended, and gives its staff none until it is reactivated", async () => {
    const m = await createMerchant(app, s.adminToken);
    const staff = await inviteStaff(app, s.adminToken, m.merchantId, 'owner');
    await http().get(`/api/merchants/${m.merchantId}`).set(bearer(staff.token)).expect(200);
    await http().patch(`/api/merchants/${m.merchantId}/status`).set(bearer(s.adminToken)).send({ status: 'suspended' }).expect(200);
    await http().get(`/api/merchants/${m.merchantId}`).set(bearer(staff.token)).expect(401);
    await http().post('/api/auth/login').send({ email: staff.email, password }).expect(403);
    await http().patch(`/api/merchants/${m.merchantId}/status`).set(bearer(s.adminToken)).send({ status: 'active' }).expect(200);
    await http().get(`/api/merchants/${m.merchantId}`).set(bearer(staff.token)).expect(401);
    const login = await http().post('/api/auth/login').send({ email: staff.email, password }).expect(200);
    await http().get(`/api/merchants/${m.merchantId}`).set(bearer(login.body.accessToken)).expect(200);
  });
});
