import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';
import { webhooksConfig } from '../config/app.config';
import { MerchantsModule } from '../merchants/merchants.module';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';
import { NOTIFICATIONS_QUEUE } from './notifications.constants';
import { NotificationsListener } from './notifications.listener';
import { NotificationsProcessor } from './notifications.processor';
import { Alert, AlertSchema } from './schemas/alert.schema';
import { WebhookAttempt, WebhookAttemptSchema, WebhookDelivery, WebhookDeliverySchema } from './schemas/webhook-delivery.schema';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Signed merchant webhooks and failed-payment alerts, both carried by the `notifications` Bull
 * queue. Listens to payment domain events; RealtimeService (global) pushes `system:alert`.
 */
@Module({})
export class NotificationsModule {
  static register(options: { workers: boolean }): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [
        ConfigModule.forFeature(webhooksConfig),
        MongooseModule.forFeature([
          { name: WebhookDelivery.name, schema: WebhookDeliverySchema },
          { name: WebhookAttempt.name, schema: WebhookAttemptSchema },
          { name: Alert.name, schema: AlertSchema },
        ]),
        BullModule.registerQueue({ name: NOTIFICATIONS_QUEUE }),
        MerchantsModule,
      ],
      controllers: [WebhookDeliveriesController, AlertsController],
      providers: [WebhooksService, AlertsService, NotificationsListener, ...(options.workers ? [NotificationsProcessor] : [])],
      exports: [WebhooksService, AlertsService],
    };
  }
}
