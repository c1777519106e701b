import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One webhook event for one merchant. `_id` is the event id, so recording an event twice is one
 * document (a unique insert, atomic also on FerretDB). `payload` is the exact body that is signed.
 */
@Schema({ collection: 'webhook_deliveries', timestamps: true, versionKey: false })
export class WebhookDelivery {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) merchantId: string;
  @Prop({ required: true }) transactionId: string;
  @Prop({ required: true }) type: string;
  @Prop({ required: true }) payload: string;
  @Prop({ type: String, required: true, enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @Prop({ default: 0 }) attempts: number;
  @Prop() lastResponseCode?: number;
  @Prop() lastError?: string;
  @Prop() lastAttemptAt?: Date;
  @Prop() deliveredAt?: Date;

  createdAt: Date;
  updatedAt: Date;
}

export const WebhookDeliverySchema = SchemaFactory.createForClass(WebhookDelivery);
WebhookDeliverySchema.index({ merchantId: 1, createdAt: -1 });
WebhookDeliverySchema.index({ status: 1, createdAt: 1 });

/** One HTTP attempt of a delivery: the log behind GET /api/merchants/:id/webhooks/deliveries. */
@Schema({ collection: 'webhook_attempts', versionKey: false })
export class WebhookAttempt {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) deliveryId: string;
  @Prop({ required: true }) merchantId: string;
  @Prop({ required: true }) attempt: number;
  @Prop({ type: String, required: true, enum: ['auto', 'resend'] }) trigger: 'auto' | 'resend';
  @Prop({ required: true }) url: string;
  @Prop({ type: String, required: true, enum: ['succeeded', 'failed'] }) status: 'succeeded' | 'failed';
  @Prop() responseCode?: number;
  @Prop({ required: true }) latencyMs: number;
  @Prop() error?: string;
  @Prop({ required: true }) at: Date;
}

export const WebhookAttemptSchema = SchemaFactory.createForClass(WebhookAttempt);
WebhookAttemptSchema.index({ deliveryId: 1, at: 1 });
