import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { MongooseModule } from '@nestjs/mongoose';
import { MerchantsModule } from '../merchants/merchants.module';
import { AlertsService } from './alerts.service';
import { NOTIFICATIONS_QUEUE } from './notifications.constants';
import { NotificationsListener } from './notifications.listener';
import { Alert, AlertSchema } from './schemas/alert.schema';
import { WebhookAttempt, WebhookAttemptSchema, WebhookDelivery, WebhookDeliverySchema } from './schemas/webhook-delivery.schema';
import { WebhooksService } from './webhooks.service';

const queue = BullModule.registerQueue({ name: NOTIFICATIONS_QUEUE });

/**
 * Signed merchant webhooks and failed-payment alerts, both carried by the `notifications` Bull
 * queue. Listens to payment domain events. Its controllers are mounted by the API role and its
 * processor by the worker role (src/roles).
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: WebhookDelivery.name, schema: WebhookDeliverySchema },
      { name: WebhookAttempt.name, schema: WebhookAttemptSchema },
      { name: Alert.name, schema: AlertSchema },
    ]),
    queue,
    MerchantsModule,
  ],
  providers: [WebhooksService, AlertsService, NotificationsListener],
  exports: [WebhooksService, AlertsService, queue],
})
export class NotificationsModule {}
