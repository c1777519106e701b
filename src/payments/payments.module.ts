import { ForwardOfflineTapsUseCase } from './offline/forward-offline-taps.use-case';
import { OfflineTapCaps } from './offline/offline-tap-caps.service';
import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BlockchainModule } from '../blockchain/blockchain.module';
import { CardsModule } from '../cards/cards.module';
import { CLOCK, systemClock } from '../common/time/clock';
import { MerchantsModule } from '../merchants/merchants.module';
import { FraudModule } from '../fraud/fraud.module';
import { FraudService } from '../fraud/fraud.service';
import { CardReferences } from './card-references';
import { FRAUD_PORT } from './fraud.port';
import { IdempotencyService } from './idempotency.service';
import { OutboxSweeper } from './outbox-sweeper';
import { cryptoPaymentIds, PAYMENT_IDS } from './payment-ids';
import { PAYMENTS_QUEUE, PaymentQueue } from './payment-queue';
import { FAILURE_ALERTS } from './failure-alerts.port';
import { AlertsService } from '../notifications/alerts.service';
import { NotificationsModule } from '../notifications/notifications.module';
import { PaymentTransactionsRepository } from './payment-transactions.repository';
import { PaymentsService } from './payments.service';
import { PaymentFinalizer } from './payment-finalizer';
import { OutboxEntry, OutboxEntrySchema } from './schemas/outbox-entry.schema';
import { PaymentClaim, PaymentClaimSchema } from './schemas/payment-claim.schema';
import { SpendEntry, SpendEntrySchema } from './schemas/spend-entry.schema';
import { SpendWindowEntry, SpendWindowEntrySchema } from './schemas/spend-window-entry.schema';
import { IdempotencyKey, IdempotencyKeySchema } from './schemas/idempotency-key.schema';
import { Transaction, TransactionSchema } from './schemas/transaction.schema';
import { Refund, RefundSchema } from '../refunds/schemas/refund.schema';
import { SpendingLimitsService } from './spending-limits.service';
import { InitiatePaymentUseCase } from './use-cases/initiate-payment.use-case';
import { SettlePaymentUseCase } from './use-cases/settle-payment.use-case';
import { CardholderVerification } from './pin/cardholder-verification';
import { PinStep } from './pin/pin-step';
import { SubmitPinUseCase } from './pin/submit-pin.use-case';

const queues = BullModule.registerQueue({ name: PAYMENTS_QUEUE });

/**
 * Accepting, settling and finishing payments. The HTTP controller is mounted by the API role and
 * the settlement processor and outbox sweep by the worker role (src/roles).
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Transaction.name, schema: TransactionSchema },
      { name: PaymentClaim.name, schema: PaymentClaimSchema },
      { name: OutboxEntry.name, schema: OutboxEntrySchema },
      { name: SpendEntry.name, schema: SpendEntrySchema },
      { name: SpendWindowEntry.name, schema: SpendWindowEntrySchema },
      { name: IdempotencyKey.name, schema: IdempotencyKeySchema },
      { name: Refund.name, schema: RefundSchema },
    ]),
    queues,
    CardsModule,
    MerchantsModule,
    BlockchainModule,
    FraudModule,
    NotificationsModule,
  ],
  providers: [
    PaymentsService,
    CardReferences,
    PaymentTransactionsRepository,
    PaymentFinalizer,
    PaymentQueue,
    SpendingLimitsService,
    IdempotencyService,
    InitiatePaymentUseCase,
    ForwardOfflineTapsUseCase,
    OfflineTapCaps,
    SettlePaymentUseCase,
    OutboxSweeper,
    CardholderVerification,
    PinStep,
    SubmitPinUseCase,
    { provide: FRAUD_PORT, useExisting: FraudService },
    { provide: FAILURE_ALERTS, useExisting: AlertsService },
    { provide: PAYMENT_IDS, useValue: cryptoPaymentIds },
    { provide: CLOCK, useValue: systemClock },
  ],
  exports: [PaymentsService, InitiatePaymentUseCase, ForwardOfflineTapsUseCase, SubmitPinUseCase, SettlePaymentUseCase, OutboxSweeper, queues],
})
export class PaymentsModule {}
