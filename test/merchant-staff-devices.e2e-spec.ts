import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { bearer, createMerchant, inviteStaff, seedSession, type Session } from './support/session';
import { closeTestApp, createTestApp } from './support/test-app';

/** Merchant staff pair their own devices; only the owner (or an admin) changes which cards the merchant takes. */
describe("a merchant's staff and its devices", () => {
  let app: NestExpressApplication;
  let s: Session;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({ env: { APP_ROLE: 'api' } });
    s = await seedSession(app);
  });
  afterAll(() => closeTestApp(app));

  it("staff make pairing codes for their merchant only; another merchant's answers 404", async () => {
    const staff = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'staff');
    const created = await http().post(`/api/merchants/${s.merchant.merchantId}/pairing-codes`).set(bearer(staff.token)).send({ label: 'Till 2' }).expect(201);
    expect(created.body.code).toMatch(/^[A-Z0-9]{8}$/);
    const other = await createMerchant(app, s.adminToken);
    await http().post(`/api/merchants/${other.merchantId}/pairing-codes`).set(bearer(staff.token)).send({}).expect(404);
    await http().post(`/api/merchants/${s.merchant.merchantId}/pairing-codes`).set(bearer(s.user.token)).send({}).expect(403);
    await http().post(`/api/merchants/${s.merchant.merchantId}/pairing-codes`).set(bearer(s.terminal.token)).send({}).expect(403);
  });

  it("the card policy is the owner's (or an admin's) to change, never plain staff's", async () => {
    const staff = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'staff');
    const owner = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'owner');
    const path = `/api/merchants/${s.merchant.merchantId}/card-policy`;
    await http().patch(path).set(bearer(staff.token)).send({ acceptUnauthenticatedCards: false }).expect(403);
    const changed = await http().patch(path).set(bearer(owner.token)).send({ acceptUnauthenticatedCards: false }).expect(200);
    expect(changed.body.merchant.acceptUnauthenticatedCards).toBe(false);
    const other = await createMerchant(app, s.adminToken);
    await http().patch(`/api/merchants/${other.merchantId}/card-policy`).set(bearer(owner.token)).send({ acceptUnauthenticatedCards: false }).expect(404);
    await http().patch(path).set(bearer(s.adminToken)).send({ acceptUnauthenticatedCards: true }).expect(200);
  });
});
