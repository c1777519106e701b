import { NestExpressApplication } from '@nestjs/platform-express';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import request from 'supertest';
import { PLATFORM_FEE_WALLET_OWNER } from '../src/blockchain/wallets/custody-owners';
import { WalletService } from '../src/blockchain/wallets/wallet.service';
import { Merchant } from '../src/merchants/schemas/merchant.schema';
import { Transaction } from '../src/payments/schemas/transaction.schema';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, createMerchant, createTerminal, inviteStaff, seedSession, Session, suiAddress, uniqueId } from './support/session';
import { ledgerBalance, pay, relaxFraudRules, waitForFinal } from './support/payments';

const MIST_PER_UNIT = 1000n;

describe('merchant money: settlement wallet, platform fee, balance', () => {
  let app: NestExpressApplication;
  let s: Session;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({ env: { PLATFORM_FEE_BPS: '250' } });
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
  });
  afterAll(() => closeTestApp(app));

  const balanceOf = async (merchantId: string, token = s.adminToken) => (await http().get(`/api/merchants/${merchantId}/balance`).set(bearer(token)).expect(200)).body;

  it('settles into the settlement wallet, the fee to the platform wallet in the same transaction, exact to the MIST', async () => {
    const merchant = (await http().get(`/api/merchants/${s.merchant.merchantId}`).set(bearer(s.adminToken)).expect(200)).body.merchant;
    expect(merchant.settlementAddress).toMatch(/^0x[0-9a-f]{64}$/);
    expect(merchant.settlementAddress).not.toBe(merchant.walletAddress);
    const feeWallet = await app.get(WalletService).createWallet(PLATFORM_FEE_WALLET_OWNER, { fund: false });
    const [feesBefore, payerBefore] = await Promise.all([ledgerBalance(app, feeWallet.address), ledgerBalance(app, s.user.walletAddress!)]);

    const amounts = [1000, 2000, 999];
    const fees = amounts.map((amount) => Math.floor((amount * 250) / 10_000));
    const ids: string[] = [];
    for (const amount of amounts) {
      const res = await pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
      ids.push(res.body.transactionId);
    }
    const finals = await Promise.all(ids.map((id) => waitForFinal(app, s.adminToken, id)));
    expect(finals.map((t) => t.status)).toEqual(['completed', 'completed', 'completed']);

    const total = amounts.reduce((a, b) => a + b, 0);
    const feeTotal = fees.reduce((a, b) => a + b, 0);
    const stored = await app.get<Model<Transaction>>(getModelToken(Transaction.name)).find({ transactionId: { $in: ids } }).lean().exec();
    for (const payment of stored) {
      expect(payment.fee! + payment.net!).toBe(payment.amount);
      expect(BigInt(payment.feeMist!) + BigInt(payment.netMist!)).toBe(BigInt(payment.amount) * MIST_PER_UNIT);
      expect(payment.merchantWalletAddress).toBe(merchant.settlementAddress);
    }
    expect(await ledgerBalance(app, feeWallet.address)).toBe(feesBefore + BigInt(feeTotal) * MIST_PER_UNIT);
    expect(await ledgerBalance(app, merchant.walletAddress)).toBe(0n);

    const balance = await balanceOf(s.merchant.merchantId);
    expect(balance).toEqual({
      success: true,
      merchantId: s.merchant.merchantId,
      available: total - feeTotal,
      pending: 0,
      reserved: 0,
      currency: 'VND',
      availableMist: String(BigInt(total - feeTotal) * MIST_PER_UNIT),
      settlementAddress: merchant.settlementAddress,
    });
    // Reconciles with the chain: the wallet holds exactly what is available, and the payer paid exactly the amounts (gas is sponsored or its own).
    expect(await ledgerBalance(app, merchant.settlementAddress)).toBe(BigInt(balance.availableMist));
    expect(payerBefore - (await ledgerBalance(app, s.user.walletAddress!))).toBeGreaterThanOrEqual(BigInt(total) * MIST_PER_UNIT);
  });

  it('gives a merchant from before settlement wallets one on first use', async () => {
    const merchantId = uniqueId('LEGACY');
    const walletAddress = suiAddress();
    await app.get<Model<Merchant>>(getModelToken(Merchant.name)).create({ merchantId, name: 'Old Cafe', walletAddress, status: 'active', revision: 1 });
    const terminal = await createTerminal(app, s.adminToken, merchantId);
    const res = await pay(app, terminal.token, { cardUuid: s.cardUuid, amount: 4000, merchantId, terminalId: terminal.terminalId }).expect(202);
    expect((await waitForFinal(app, s.adminToken, res.body.transactionId)).status).toBe('completed');
    const merchant = (await http().get(`/api/merchants/${merchantId}`).set(bearer(s.adminToken)).expect(200)).body.merchant;
    expect(merchant.settlementAddress).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await ledgerBalance(app, merchant.settlementAddress)).toBe(3900n * MIST_PER_UNIT);
    expect(await ledgerBalance(app, walletAddress)).toBe(0n);
    expect((await balanceOf(merchantId)).available).toBe(3900);
  });

  it("shows the balance to admins and the merchant's staff only; another merchant's answers 404", async () => {
    const staff = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'staff');
    const other = await createMerchant(app, s.adminToken);
    expect((await balanceOf(s.merchant.merchantId, staff.token)).merchantId).toBe(s.merchant.merchantId);
    await http().get(`/api/merchants/${other.merchantId}/balance`).set(bearer(staff.token)).expect(404);
    await http().get(`/api/merchants/${s.merchant.merchantId}/balance`).set(bearer(s.user.token)).expect(403);
    await http().get(`/api/merchants/${s.merchant.merchantId}/balance`).set(bearer(s.terminal.token)).expect(403);
    await http().get('/api/merchants/no-such-merchant/balance').set(bearer(s.adminToken)).expect(404);
  });
});

describe('merchant money: pending balance', () => {
  it('counts an accepted, unsettled payment as pending, net of the fee', async () => {
    const api = await createTestApp({ env: { APP_ROLE: 'api', PLATFORM_FEE_BPS: '100' } });
    try {
      const s = await seedSession(api);
      await pay(api, s.terminal.token, { cardUuid: s.cardUuid, amount: 5000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
      const balance = (await request(api.getHttpServer()).get(`/api/merchants/${s.merchant.merchantId}/balance`).set(bearer(s.adminToken)).expect(200)).body;
      expect(balance).toEqual(expect.objectContaining({ available: 0, pending: 4950, reserved: 0, availableMist: '0' }));
    } finally {
      await closeTestApp(api);
    }
  });
});
