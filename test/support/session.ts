import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

export const TEST_ADMIN = { email: 'admin@nfcpay.test', password: 'admin-password-for-tests' };

/** A Sui address for test merchants (any well-formed one; nobody needs its key). */
export function suiAddress(): string {
  return `0x${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '')}`;
}

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export interface TestUser {
  id: string;
  email: string;
  token: string;
  walletAddress?: string;
}

export interface TestTerminal {
  terminalId: string;
  merchantId: string;
  secret: string;
  token: string;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Registers (which answers no token, so as not to tell whether the email was free) and logs in. */
export async function registerUser(app: INestApplication, name = 'holder'): Promise<TestUser> {
  const email = `${uniqueId(name)}@example.com`;
  const credentials = { email, password: 'correct horse battery' };
  const registered = await request(app.getHttpServer()).post('/api/auth/register').send({ ...credentials, fullName: `Test ${name}` });
  if (registered.status !== 202) throw new Error(`register failed: ${registered.status} ${JSON.stringify(registered.body)}`);
  const res = await request(app.getHttpServer()).post('/api/auth/login').send(credentials);
  if (res.status !== 200) throw new Error(`login after register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.user.id, email, token: res.body.accessToken, walletAddress: res.body.user.walletAddress };
}

export async function loginAdmin(app: INestApplication): Promise<string> {
  const res = await request(app.getHttpServer()).post('/api/auth/login').send(TEST_ADMIN);
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

/** `walletAddress` is where payouts go; payments settle into `settlementAddress`, the merchant's custodial wallet. */
export async function createMerchant(app: INestApplication, adminToken: string, overrides: Record<string, unknown> = {}): Promise<{ merchantId: string; walletAddress: string; settlementAddress: string }> {
  const body = { merchantId: uniqueId('MERCHANT'), name: 'Test Cafe', walletAddress: suiAddress(), ...overrides };
  const res = await request(app.getHttpServer()).post('/api/merchants').set(bearer(adminToken)).send(body);
  if (res.status !== 201) throw new Error(`merchant failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { merchantId: res.body.merchant.merchantId, walletAddress: res.body.merchant.walletAddress, settlementAddress: res.body.merchant.settlementAddress };
}

export async function createTerminal(app: INestApplication, adminToken: string, merchantId: string): Promise<TestTerminal> {
  const terminalId = uniqueId('terminal');
  const created = await request(app.getHttpServer()).post(`/api/merchants/${merchantId}/terminals`).set(bearer(adminToken)).send({ terminalId });
  if (created.status !== 201) throw new Error(`terminal failed: ${created.status} ${JSON.stringify(created.body)}`);
  const secret = created.body.terminalSecret;
  const login = await request(app.getHttpServer()).post('/api/auth/terminal/token').send({ terminalId, terminalSecret: secret });
  if (login.status !== 200) throw new Error(`terminal token failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { terminalId, merchantId, secret, token: login.body.accessToken };
}

export async function registerCard(app: INestApplication, user: TestUser, overrides: Record<string, unknown> = {}): Promise<string> {
  const cardUuid = uniqueId('card');
  const res = await request(app.getHttpServer()).post('/api/cards').set(bearer(user.token)).send({ cardUuid, ...overrides });
  if (res.status !== 201) throw new Error(`card failed: ${res.status} ${JSON.stringify(res.body)}`);
  return cardUuid;
}

export interface Session {
  adminToken: string;
  user: TestUser;
  merchant: { merchantId: string; walletAddress: string; settlementAddress: string };
  terminal: TestTerminal;
  cardUuid: string;
}

/** A cardholder with a card, a merchant with a terminal, and everyone's tokens, all made through the API. */
export async function seedSession(app: INestApplication, cardOverrides: Record<string, unknown> = {}): Promise<Session> {
  const adminToken = await loginAdmin(app);
  const user = await registerUser(app);
  const merchant = await createMerchant(app, adminToken);
  const terminal = await createTerminal(app, adminToken, merchant.merchantId);
  const cardUuid = await registerCard(app, user, cardOverrides);
  return { adminToken, user, merchant, terminal, cardUuid };
}

export interface TestStaff {
  id: string;
  email: string;
  merchantId: string;
  token: string;
}

/** Invites a staff member of `merchantId` (as an admin or its owner), accepts the invite and returns the session. */
export async function inviteStaff(app: INestApplication, inviterToken: string, merchantId: string, role: 'owner' | 'staff' = 'staff'): Promise<TestStaff> {
  const email = `${uniqueId(role)}@example.com`;
  const invited = await request(app.getHttpServer()).post(`/api/merchants/${merchantId}/users`).set(bearer(inviterToken)).send({ email, role });
  if (invited.status !== 201) throw new Error(`invite failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  const accepted = await request(app.getHttpServer())
    .post('/api/auth/invites/accept')
    .send({ inviteToken: invited.body.inviteToken, password: 'correct horse battery', fullName: `Test ${role}` });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { id: invited.body.user.id, email, merchantId, token: accepted.body.accessToken };
}
