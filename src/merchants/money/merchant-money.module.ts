import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { BlockchainModule } from '../../blockchain/blockchain.module';
import { Payout, PayoutClaim, PayoutClaimSchema, PayoutSchema } from './payout.schema';
import { PAYOUTS_QUEUE, PayoutsService } from './payouts.service';
import { MongooseModule } from '@nestjs/mongoose';
import { Transaction, TransactionSchema } from '../../payments/schemas/transaction.schema';
import { MerchantsModule } from '../merchants.module';
import { MerchantBalanceService } from './merchant-balance.service';
import { MoneyChain } from './money-chain';
import { MoneyEntry, MoneyEntrySchema } from './money-entry.schema';
import { MoneyOutbox, MoneyOutboxEntry, MoneyOutboxEntrySchema } from './money-outbox';
import { PayoutScheduler } from './payout-scheduler';
import { Merchant, MerchantSchema } from '../schemas/merchant.schema';
import { CLOCK, systemClock } from '../../common/time/clock';
import { Refund, RefundSchema } from '../../refunds/schemas/refund.schema';

const queues = BullModule.registerQueue({ name: PAYOUTS_QUEUE });

/** A merchant's money: the settlement balance, the chains that bound what leaves it, and payouts. */
@Module({
  imports: [
    MerchantsModule,
    MongooseModule.forFeature([
      { name: Transaction.name, schema: TransactionSchema },
      { name: MoneyEntry.name, schema: MoneyEntrySchema },
      { name: Refund.name, schema: RefundSchema },
      { name: Payout.name, schema: PayoutSchema },
      { name: PayoutClaim.name, schema: PayoutClaimSchema },
      { name: MoneyOutboxEntry.name, schema: MoneyOutboxEntrySchema },
      { name: Merchant.name, schema: MerchantSchema },
    ]),
    queues,
    BlockchainModule,
  ],
  providers: [MerchantBalanceService, MoneyChain, MoneyOutbox, PayoutsService, PayoutScheduler, { provide: CLOCK, useValue: systemClock }],
  exports: [MerchantBalanceService, MoneyChain, MoneyOutbox, PayoutsService, PayoutScheduler, queues],
})
export class MerchantMoneyModule {}
