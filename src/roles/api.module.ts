import { CardPinController } from '../cards/pin/card-pin.controller';
import { PaymentPinController } from '../payments/pin/payment-pin.controller';
import { OfflinePaymentsController } from '../payments/offline/offline-payments.controller';
import { OfflinePolicyController } from '../merchants/offline/offline-policy.controller';
import { Module } from '@nestjs/common';
import { AnalyticsController } from '../analytics/analytics.controller';
import { AnalyticsModule } from '../analytics/analytics.module';
import { DashboardController } from '../dashboard/dashboard.controller';
import { AuthController } from '../auth/auth.controller';
import { AuthModule } from '../auth/auth.module';
import { TokenCallerIdentity } from '../auth/caller-identity';
import { MerchantStaffController } from '../auth/staff/merchant-staff.controller';
import { BlockchainModule } from '../blockchain/blockchain.module';
import { WalletController } from '../blockchain/wallet.controller';
import { CardsController } from '../cards/cards.controller';
import { CardsModule } from '../cards/cards.module';
import { HolderControlsController } from '../cards/holder-controls.controller';
import { LimitPolicyController } from '../fraud/limit-policy/limit-policy.controller';
import { FraudModelController } from '../fraud/model/fraud-model.controller';
import { ThrottlingModule } from '../common/throttling/throttling.module';
import { FraudListsController } from '../fraud/fraud-lists.controller';
import { FraudReviewsController } from '../fraud/fraud-reviews.controller';
import { FraudRulesController } from '../fraud/fraud-rules.controller';
import { FraudModule } from '../fraud/fraud.module';
import { MerchantsController } from '../merchants/merchants.controller';
import { MerchantsModule } from '../merchants/merchants.module';
import { TerminalsController } from '../merchants/terminals.controller';
import { MerchantMoneyController } from '../merchants/money/merchant-money.controller';
import { MerchantMoneyModule } from '../merchants/money/merchant-money.module';
import { QueueBoardModule } from '../metrics/queue-board.module';
import { AlertsController } from '../notifications/alerts.controller';
import { NotificationsModule } from '../notifications/notifications.module';
import { WebhookDeliveriesController } from '../notifications/webhook-deliveries.controller';
import { PaymentsController } from '../payments/payments.controller';
import { PaymentsModule } from '../payments/payments.module';
import { RealtimeController } from '../realtime/realtime.controller';
import { RealtimeGateway } from '../realtime/realtime.gateway';
import { RealtimeModule } from '../realtime/realtime.module';
import { RefundsController } from '../refunds/refunds.controller';
import { RefundsModule } from '../refunds/refunds.module';
import { PaymentRequestsController } from '../payment-requests/payment-requests.controller';
import { PaymentRequestsModule } from '../payment-requests/payment-requests.module';
import { ApiPeriodicWork } from './periodic-work';

/**
 * The API role: every HTTP route (Swagger documents them), the Socket.IO gateway, request limits
 * and the queue board. Takes payments and enqueues their settlement; settles nothing itself.
 */
@Module({
  imports: [AuthModule, CardsModule, MerchantsModule, FraudModule, BlockchainModule, PaymentsModule, NotificationsModule, RealtimeModule, ThrottlingModule.forRoot({ imports: [AuthModule], identity: TokenCallerIdentity }), QueueBoardModule, MerchantMoneyModule, RefundsModule, AnalyticsModule, PaymentRequestsModule],
  controllers: [
    AuthController,
    CardsController,
    MerchantsController,
    PaymentsController,
    WalletController,
    FraudRulesController,
    FraudListsController,
    FraudReviewsController,
    WebhookDeliveriesController,
    AlertsController,
    RealtimeController,
    TerminalsController,
    HolderControlsController,
    LimitPolicyController,
    FraudModelController,
    MerchantStaffController,
    MerchantMoneyController,
    RefundsController,
    AnalyticsController,
    DashboardController,
    OfflinePolicyController,
    OfflinePaymentsController,
    CardPinController,
    PaymentPinController,
    PaymentRequestsController,
  ],
  providers: [RealtimeGateway, ApiPeriodicWork],
})
export class ApiModule {}
