import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { Principal } from '../../common/auth/principal';
import type { PaymentStatus } from '../../payments/payment-state';
import { Transaction } from '../../payments/schemas/transaction.schema';
import { MerchantsService } from '../merchants.service';
import { paymentsConfig, type PaymentsConfig } from '../../config/app.config';
import { Refund } from '../../refunds/schemas/refund.schema';
import { merchantOutflowChain, MoneyChain } from './money-chain';
import { Payout } from './payout.schema';
import type { MerchantBalanceDto } from './merchant-money.dto';

const IN_FLIGHT: PaymentStatus[] = ['pending', 'processing'];
const DEFAULT_CURRENCY = 'VND';

/**
 * What a merchant holds in its settlement wallet, from its payments and outflows: `available` is
 * settled (net of the platform fee) less what refunds and payouts took or hold, `pending` accepted
 * and not settled yet, `reserved` held for refunds and payouts in flight (still in the wallet). Payments that settled to the
 * merchant's own address before settlement wallets existed are not held here and do not count.
 */
@Injectable()
export class MerchantBalanceService {
  constructor(
    private readonly merchants: MerchantsService,
    private readonly chains: MoneyChain,
    @InjectModel(Transaction.name) private readonly transactions: Model<Transaction>,
    @InjectModel(Refund.name) private readonly refunds: Model<Refund>,
    @InjectModel(Payout.name) private readonly payouts: Model<Payout>,
    @Inject(paymentsConfig.KEY) private readonly config: PaymentsConfig,
  ) {}

  async balance(merchantId: string, principal: Principal): Promise<MerchantBalanceDto> {
    await this.merchants.get(merchantId, principal);
    return this.summary(merchantId);
  }

  /** The balance, for the platform's own use (no caller to check). */
  async summary(merchantId: string): Promise<MerchantBalanceDto> {
    const settlementAddress = await this.merchants.settlementAddressOf(merchantId);
    const [payments, outflow, inFlight] = await Promise.all([
      this.paymentsInto(merchantId, settlementAddress),
      this.chains.total(merchantOutflowChain(merchantId)),
      Promise.all([this.refunds.find({ merchantId, status: 'pending' }, { amount: 1 }).lean().exec(), this.payouts.find({ merchantId, status: 'pending' }, { amount: 1 }).lean().exec()]),
    ]);
    const reserved = inFlight.flat().reduce((sum, held) => sum + held.amount, 0);
    const available = payments.settled - outflow;
    return {
      merchantId,
      available,
      pending: payments.pending,
      reserved,
      currency: payments.currency,
      availableMist: (BigInt(available) * this.config.mistPerUnit).toString(),
      settlementAddress,
    };
  }

  /** What settled into the settlement wallet, net of fees: the bound no refunds and payouts together may pass. */
  async settledNet(merchantId: string): Promise<number> {
    return (await this.paymentsInto(merchantId, await this.merchants.settlementAddressOf(merchantId))).settled;
  }

  private async paymentsInto(merchantId: string, settlementAddress: string): Promise<{ settled: number; pending: number; currency: string }> {
    const payments = await this.transactions
      .find({ merchantId, merchantWalletAddress: settlementAddress, status: { $in: ['completed' as const, ...IN_FLIGHT] } }, { status: 1, amount: 1, net: 1, currency: 1 })
      .lean()
      .exec();
    let settled = 0;
    let pending = 0;
    for (const payment of payments) {
      const net = payment.net ?? payment.amount;
      if (IN_FLIGHT.includes(payment.status)) pending += net;
      else settled += net;
    }
    return { settled, pending, currency: payments[0]?.currency ?? DEFAULT_CURRENCY };
  }
}
