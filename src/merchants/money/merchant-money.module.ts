import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Transaction, TransactionSchema } from '../../payments/schemas/transaction.schema';
import { MerchantsModule } from '../merchants.module';
import { MerchantBalanceService } from './merchant-balance.service';
import { MoneyChain } from './money-chain';
import { MoneyEntry, MoneyEntrySchema } from './money-entry.schema';
import { Refund, RefundSchema } from '../../refunds/schemas/refund.schema';

/** A merchant's money: the settlement balance and the chains that bound what leaves it. */
@Module({
  imports: [
    MerchantsModule,
    MongooseModule.forFeature([
      { name: Transaction.name, schema: TransactionSchema },
      { name: MoneyEntry.name, schema: MoneyEntrySchema },
      { name: Refund.name, schema: RefundSchema },
    ]),
  ],
  providers: [MerchantBalanceService, MoneyChain],
  exports: [MerchantBalanceService, MoneyChain],
})
export class MerchantMoneyModule {}
