import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, createMerchant, createTerminal, inviteStaff, seedSession, Session, TestStaff, TestTerminal } from './support/session';
import { ledgerBalance, pay, relaxFraudRules, waitForFinal } from './support/payments';
import { waitFor } from './support/wait';

const MIST = 1000n;

describe('payouts', () => {
  let app: NestExpressApplication;
  let s: Session;
  let owner: TestStaff;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({ env: { PLATFORM_FEE_BPS: '250' } });
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
    owner = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'owner');
  });
  afterAll(() => closeTestApp(app));

  async function paidAt(merchantId: string, terminal: TestTerminal, amount: number): Promise<string> {
    const res = await pay(app, terminal.token, { cardUuid: s.cardUuid, amount, merchantId, terminalId: terminal.terminalId }).expect(202);
    expect((await waitForFinal(app, s.adminToken, res.body.transactionId)).status).toBe('completed');
    return res.body.transactionId;
  }
  const balanceOf = async (merchantId: string) => (await http().get(`/api/merchants/${merchantId}/balance`).set(bearer(s.adminToken)).expect(200)).body;
  const finished = (merchantId: string) =>
    waitFor(async () => {
      const { payouts } = (await http().get(`/api/merchants/${merchantId}/payouts`).set(bearer(s.adminToken)).expect(200)).body as { payouts: Array<{ status: string; amount: number }> };
      return payouts.every((p) => p.status !== 'pending') && payouts;
    }, 20_000, 'payouts to finish');

  it('moves exactly what is available to walletAddress, once, and the balance is then 0', async () => {
    for (const amount of [1_000, 2_000, 999]) await paidAt(s.merchant.merchantId, s.terminal, amount);
    const before = await balanceOf(s.merchant.merchantId);
    expect(before.available).toBe(975 + 1_950 + 975);
    const res = await http().post(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(owner.token)).set('Idempotency-Key', 'payout-1').send({}).expect(202);
    expect(res.body.payout).toEqual(expect.objectContaining({ amount: before.available, status: 'pending', destination: s.merchant.walletAddress }));
    const again = await http().post(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(owner.token)).set('Idempotency-Key', 'payout-1').send({}).expect(202);
    expect(again.body.payout.id).toBe(res.body.payout.id);
    const [paid] = await finished(s.merchant.merchantId);
    expect(paid.status).toBe('paid');
    expect(await ledgerBalance(app, s.merchant.walletAddress)).toBe(BigInt(before.availableMist));
    expect(await ledgerBalance(app, s.merchant.settlementAddress)).toBe(0n);
    expect(await balanceOf(s.merchant.merchantId)).toEqual(expect.objectContaining({ available: 0, reserved: 0, availableMist: '0' }));
    const none = await http().post(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(owner.token)).send({}).expect(409);
    expect(none.body.code).toBe('insufficient_merchant_balance');
  });

  it("is for admins and the merchant's owner only", async () => {
    const staff = await inviteStaff(app, owner.token, s.merchant.merchantId, 'staff');
    const other = await createMerchant(app, s.adminToken);
    const otherOwner = await inviteStaff(app, s.adminToken, other.merchantId, 'owner');
    await http().post(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(staff.token)).send({}).expect(403);
    await http().post(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(s.user.token)).send({}).expect(403);
    await http().post(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(s.terminal.token)).send({}).expect(403);
    await http().post(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(otherOwner.token)).send({}).expect(404);
    await http().get(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(otherOwner.token)).expect(404);
    await http().get(`/api/merchants/${s.merchant.merchantId}/payouts`).set(bearer(staff.token)).expect(200);
  });

  it('never overdraws when refunds and a payout race on a small balance; the wallet reconciles to the MIST', async () => {
    const merchant = await createMerchant(app, s.adminToken);
    const terminal = await createTerminal(app, s.adminToken, merchant.merchantId);
    const ids = [await paidAt(merchant.merchantId, terminal, 2_000), await paidAt(merchant.merchantId, terminal, 2_000)];
    // 3 900 settled; asked for: a 2 000 payout and four 1 000 refunds (6 000).
    const answers = await Promise.all([
      http().post(`/api/merchants/${merchant.merchantId}/payouts`).set(bearer(s.adminToken)).send({ amount: 2_000 }),
      ...[0, 1, 0, 1].map((i) => http().post(`/api/payment/${ids[i]}/refunds`).set(bearer(s.adminToken)).send({ amount: 1_000 })),
    ]);
    const taken = answers.filter((res) => res.status === 202).reduce((sum, res) => sum + (res.body.payout ?? res.body.refund).amount, 0);
    expect(taken).toBeLessThanOrEqual(3_900);
    expect(taken).toBeGreaterThanOrEqual(2_900);
    expect(answers.filter((res) => res.status !== 202).every((res) => res.status === 409 && res.body.code === 'insufficient_merchant_balance')).toBe(true);
    await finished(merchant.merchantId);
    await waitFor(async () => (await balanceOf(merchant.merchantId)).reserved === 0, 20_000, 'refunds to finish');
    const balance = await balanceOf(merchant.merchantId);
    expect(balance.available).toBe(3_900 - taken);
    expect(await ledgerBalance(app, merchant.settlementAddress)).toBe(BigInt(3_900 - taken) * MIST);
    expect(BigInt(balance.availableMist)).toBe(await ledgerBalance(app, merchant.settlementAddress));
  });
});
