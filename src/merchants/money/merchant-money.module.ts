import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Transaction, TransactionSchema } from '../../payments/schemas/transaction.schema';
import { MerchantsModule } from '../merchants.module';
import { MerchantBalanceService } from './merchant-balance.service';

/** A merchant's money: the settlement balance (read from its payments). */
@Module({
  imports: [MerchantsModule, MongooseModule.forFeature([{ name: Transaction.name, schema: TransactionSchema }])],
  providers: [MerchantBalanceService],
  exports: [MerchantBalanceService],
})
export class MerchantMoneyModule {}
