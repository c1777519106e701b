import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BlockchainModule } from '../blockchain/blockchain.module';
import { MerchantsModule } from '../merchants/merchants.module';
import { MerchantMoneyModule } from '../merchants/money/merchant-money.module';
import { Transaction, TransactionSchema } from '../payments/schemas/transaction.schema';
import { CLOCK, systemClock } from '../common/time/clock';
import { MoneyOutboxSweeper } from './money-outbox-sweeper';
import { REFUNDS_QUEUE, RefundsService } from './refunds.service';
import { Refund, RefundClaim, RefundClaimSchema, RefundCommitment, RefundCommitmentSchema, RefundSchema } from './schemas/refund.schema';

const queues = BullModule.registerQueue({ name: REFUNDS_QUEUE });

/** Refunds of completed payments. The controller is mounted by the API role, the processor by the worker role. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Refund.name, schema: RefundSchema },
      { name: RefundClaim.name, schema: RefundClaimSchema },
      { name: RefundCommitment.name, schema: RefundCommitmentSchema },
      { name: Transaction.name, schema: TransactionSchema },
    ]),
    queues,
    BlockchainModule,
    MerchantsModule,
    MerchantMoneyModule,
  ],
  providers: [RefundsService, MoneyOutboxSweeper, { provide: CLOCK, useValue: systemClock }],
  exports: [RefundsService, MoneyOutboxSweeper, queues],
})
export class RefundsModule {}
