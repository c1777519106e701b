import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { Principal } from '../../common/auth/principal';
import type { PaymentStatus } from '../../payments/payment-state';
import { Transaction } from '../../payments/schemas/transaction.schema';
import { MerchantsService } from '../merchants.service';
import type { MerchantBalanceDto } from './merchant-money.dto';

const IN_FLIGHT: PaymentStatus[] = ['pending', 'processing'];
const DEFAULT_CURRENCY = 'VND';

/**
 * What a merchant holds in its settlement wallet, from its payments: `available` is settled
 * (net of the platform fee), `pending` accepted and not settled yet. Payments that settled to the
 * merchant's own address before settlement wallets existed are not held here and do not count.
 */
@Injectable()
export class MerchantBalanceService {
  constructor(
    private readonly merchants: MerchantsService,
    @InjectModel(Transaction.name) private readonly transactions: Model<Transaction>,
  ) {}

  async balance(merchantId: string, principal: Principal): Promise<MerchantBalanceDto> {
    await this.merchants.get(merchantId, principal);
    const settlementAddress = await this.merchants.settlementAddressOf(merchantId);
    const payments = await this.transactions
      .find({ merchantId, merchantWalletAddress: settlementAddress, status: { $in: ['completed' as const, ...IN_FLIGHT] } }, { status: 1, amount: 1, amountMist: 1, net: 1, netMist: 1, currency: 1 })
      .lean()
      .exec();
    let available = 0;
    let availableMist = 0n;
    let pending = 0;
    for (const payment of payments) {
      const net = payment.net ?? payment.amount;
      if (IN_FLIGHT.includes(payment.status)) pending += net;
      else {
        available += net;
        availableMist += BigInt(payment.netMist ?? payment.amountMist ?? 0);
      }
    }
    return { merchantId, available, pending, reserved: 0, currency: payments[0]?.currency ?? DEFAULT_CURRENCY, availableMist: availableMist.toString(), settlementAddress };
  }
}
