import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { MerchantsService } from '../src/merchants/merchants.service';
import { closeTestApp, createTestApp } from './support/test-app';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Merchant } from '../src/merchants/schemas/merchant.schema';
import { bearer, createMerchant, createTerminal, inviteStaff, loginAdmin, registerUser, suiAddress, TestUser, uniqueId } from './support/session';

describe('merchants and terminals', () => {
  let app: NestExpressApplication;
  let admin: string;
  let user: TestUser;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
    [admin, user] = await Promise.all([loginAdmin(app), registerUser(app)]);
  });
  afterAll(() => closeTestApp(app));

  it('lets an admin register a merchant', async () => {
    const body = { merchantId: uniqueId('M'), name: 'Pho 24', walletAddress: suiAddress(), webhookUrl: 'https://pho24.example.com/hooks' };
    const res = await http().post('/api/merchants').set(bearer(admin)).send(body).expect(201);
    expect(res.body).toEqual({ success: true, merchant: expect.objectContaining({ ...body, status: 'active' }) });
    await http().post('/api/merchants').set(bearer(admin)).send(body).expect(409);
  });

  it.each([
    [{ merchantId: 'ok', name: 'A', walletAddress: '0x123' }, 'walletAddress'],
    [{ merchantId: 'ok', name: 'A', walletAddress: `0x${'g'.repeat(64)}` }, 'walletAddress'],
    [{ merchantId: 'white space', name: 'A', walletAddress: suiAddress() }, 'merchantId'],
    [{ merchantId: 'ok', name: 'A', walletAddress: suiAddress(), webhookUrl: 'ftp://x' }, 'webhookUrl'],
    [{ merchantId: 'ok', name: 'A', walletAddress: suiAddress(), status: 'active' }, 'status'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await http().post('/api/merchants').set(bearer(admin)).send(body).expect(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('keeps users and terminals off admin routes (403) and strangers out (401)', async () => {
    const { merchantId } = await createMerchant(app, admin);
    const terminal = await createTerminal(app, admin, merchantId);
    const body = { merchantId: uniqueId('M'), name: 'X', walletAddress: suiAddress() };
    for (const token of [user.token, terminal.token]) {
      await http().post('/api/merchants').set(bearer(token)).send(body).expect(403);
      await http().patch(`/api/merchants/${merchantId}/status`).set(bearer(token)).send({ status: 'suspended' }).expect(403);
      await http().post(`/api/merchants/${merchantId}/terminals`).set(bearer(token)).send({ terminalId: uniqueId('t') }).expect(403);
      await http().post(`/api/merchants/${merchantId}/terminals/${terminal.terminalId}/rotate-secret`).set(bearer(token)).expect(403);
    }
    await http().get(`/api/merchants/${merchantId}`).set(bearer(user.token)).expect(403);
    await http().get(`/api/merchants/${merchantId}`).expect(401);
  });

  it("shows a terminal its own merchant and answers 404 for any other", async () => {
    const mine = await createMerchant(app, admin);
    const other = await createMerchant(app, admin);
    const terminal = await createTerminal(app, admin, mine.merchantId);
    await http().get(`/api/merchants/${mine.merchantId}`).set(bearer(terminal.token)).expect(200);
    const res = await http().get(`/api/merchants/${other.merchantId}/terminals`).set(bearer(terminal.token)).expect(404);
    expect(res.body.message).toBe('Merchant not found');
    await http().get(`/api/merchants/${other.merchantId}`).set(bearer(terminal.token)).expect(404);
    await http().get('/api/merchants/no-such-merchant').set(bearer(admin)).expect(404);
  });

  it('shows the terminal secret once, stores only its hash, and rotates it', async () => {
    const { merchantId } = await createMerchant(app, admin);
    const terminal = await createTerminal(app, admin, merchantId);
    const listed = await http().get(`/api/merchants/${merchantId}/terminals`).set(bearer(admin)).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(terminal.secret);
    expect(listed.body.terminals).toEqual([expect.objectContaining({ terminalId: terminal.terminalId, status: 'active', lastSeenAt: expect.any(String) })]);

    const rotated = await http().post(`/api/merchants/${merchantId}/terminals/${terminal.terminalId}/rotate-secret`).set(bearer(admin)).expect(200);
    await http().post('/api/auth/terminal/token').send({ terminalId: terminal.terminalId, terminalSecret: terminal.secret }).expect(401);
    await http().post('/api/auth/terminal/token').send({ terminalId: terminal.terminalId, terminalSecret: rotated.body.terminalSecret }).expect(200);
    await http().post(`/api/merchants/${merchantId}/terminals`).set(bearer(admin)).send({ terminalId: terminal.terminalId }).expect(409);
    await http().post(`/api/merchants/no-such-merchant/terminals`).set(bearer(admin)).send({ terminalId: uniqueId('t') }).expect(404);
  });

  it('validates a payment location: active merchant, active terminal of that merchant, each change seen at once', async () => {
    const merchants = app.get(MerchantsService);
    const a = await createMerchant(app, admin);
    const b = await createMerchant(app, admin);
    const terminal = await createTerminal(app, admin, a.merchantId);

    expect(await merchants.validateForPayment(a.merchantId, terminal.terminalId)).toMatchObject({ valid: true, merchant: { walletAddress: a.walletAddress } });
    expect(await merchants.validateForPayment(b.merchantId, terminal.terminalId)).toEqual({ valid: false, reason: 'terminal_invalid' });
    expect(await merchants.validateForPayment('nobody', terminal.terminalId)).toEqual({ valid: false, reason: 'merchant_invalid' });

    await http().patch(`/api/merchants/${a.merchantId}/status`).set(bearer(admin)).send({ status: 'suspended' }).expect(200);
    expect(await merchants.validateForPayment(a.merchantId, terminal.terminalId)).toEqual({ valid: false, reason: 'merchant_invalid' });
    await http().post('/api/auth/terminal/token').send({ terminalId: terminal.terminalId, terminalSecret: terminal.secret }).expect(401);
    await http().patch(`/api/merchants/${a.merchantId}/status`).set(bearer(admin)).send({ status: 'active' }).expect(200);

    await http().post(`/api/merchants/${a.merchantId}/terminals/${terminal.terminalId}/disable`).set(bearer(admin)).expect(200);
    expect(await merchants.validateForPayment(a.merchantId, terminal.terminalId)).toEqual({ valid: false, reason: 'terminal_invalid' });
  });

  it('lists merchants to admins page by page without their secrets; staff see only their own; cardholders and terminals 403', async () => {
    const created = await http()
      .post('/api/merchants')
      .set(bearer(admin))
      .send({ merchantId: uniqueId('LISTED'), name: 'Banh Mi', walletAddress: suiAddress(), webhookUrl: 'https://banhmi.example.com/hooks' })
      .expect(201);
    const hooked = created.body.merchant;
    expect(hooked.webhookSecret).toEqual(expect.any(String));
    await createMerchant(app, admin);
    await createMerchant(app, admin);

    const pages: Array<{ merchants: Array<Record<string, unknown>>; nextCursor: string | null }> = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await http().get('/api/merchants').query(cursor ? { limit: 2, cursor } : { limit: 2 }).set(bearer(admin)).expect(200);
      pages.push(res.body);
      cursor = res.body.nextCursor;
    } while (cursor);
    const listed = pages.flatMap((page) => page.merchants);
    const ids = listed.map((m) => m.merchantId as string);
    expect(pages.every((page) => page.merchants.length <= 2)).toBe(true);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    expect(ids).toEqual([...new Set(ids)].sort());
    expect(ids.length).toBe(await app.get<Model<Merchant>>(getModelToken(Merchant.name)).countDocuments().exec());

    // Each merchant as its own route shows it: a flag for the webhook secret, never the secret or a key.
    const { merchant: single } = (await http().get(`/api/merchants/${hooked.merchantId}`).set(bearer(admin)).expect(200)).body;
    expect(listed.find((m) => m.merchantId === hooked.merchantId)).toEqual({ ...single, webhookSecretSet: true });
    const everyField = new Set(listed.flatMap((m) => Object.keys(m)));
    expect([...everyField].filter((field) => !['merchantId', 'name', 'walletAddress', 'settlementAddress', 'status', 'webhookUrl', 'mcc', 'webhookSecretSet', 'acceptUnauthenticatedCards', 'createdAt', 'updatedAt'].includes(field))).toEqual([]);
    expect(JSON.stringify(pages)).not.toContain(hooked.webhookSecret);

    const staff = await inviteStaff(app, admin, hooked.merchantId);
    const theirs = (await http().get('/api/merchants').set(bearer(staff.token)).expect(200)).body;
    expect(theirs).toEqual({ success: true, merchants: [single], nextCursor: null });
    expect((await http().get('/api/merchants').query({ cursor: Buffer.from(hooked.merchantId).toString('base64url') }).set(bearer(staff.token)).expect(200)).body.merchants).toEqual([]);

    const terminal = await createTerminal(app, admin, hooked.merchantId);
    for (const token of [user.token, terminal.token]) await http().get('/api/merchants').set(bearer(token)).expect(403);
    await http().get('/api/merchants').expect(401);
    const bad = await http().get('/api/merchants').query({ cursor: Buffer.from('not an id!').toString('base64url') }).set(bearer(admin)).expect(400);
    expect(bad.body.details).toEqual([{ field: 'cursor', errors: ['cursor is not one this API gave out'] }]);
    await http().get('/api/merchants').query({ limit: 101 }).set(bearer(admin)).expect(400);
  });
});
