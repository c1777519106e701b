import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module';
import { FraudModule } from '../fraud/fraud.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { NotificationsProcessor } from '../notifications/notifications.processor';
import { PaymentsModule } from '../payments/payments.module';
import { PaymentProcessor } from '../payments/processors/payment.processor';
import { RealtimeModule } from '../realtime/realtime.module';
import { MerchantMoneyModule } from '../merchants/money/merchant-money.module';
import { PayoutProcessor } from '../merchants/money/payout.processor';
import { RefundProcessor } from '../refunds/refund.processor';
import { RefundsModule } from '../refunds/refunds.module';
import { WorkerPeriodicWork } from './periodic-work';

/**
 * The worker role: the Bull processors (settlement, webhooks, alerts) and the sweeps. Serves no API;
 * a worker-only process answers /health and /metrics on METRICS_PORT. Its socket broadcasts reach
 * clients of every API instance through the Redis adapter.
 */
@Module({
  imports: [PaymentsModule, NotificationsModule, FraudModule, RealtimeModule, RefundsModule, MerchantMoneyModule, AnalyticsModule],
  providers: [PaymentProcessor, NotificationsProcessor, RefundProcessor, PayoutProcessor, WorkerPeriodicWork],
})
export class WorkerModule {}
