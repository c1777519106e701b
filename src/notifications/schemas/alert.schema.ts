import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const ALERT_STATUSES = ['open', 'acknowledged'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * A failed payment that needs a human (the seed's alertFailedTransaction). `_id` is the
 * transactionId: one alert per payment however often its job runs (a unique insert).
 */
@Schema({ collection: 'alerts', timestamps: true, versionKey: false })
export class Alert {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) transactionId: string;
  @Prop({ required: true }) reason: string;
  @Prop({ required: true }) requiresManualReview: boolean;
  @Prop({ type: String, required: true, enum: ALERT_STATUSES }) status: AlertStatus;
  /** When the payment failed (the job's timestamp). */
  @Prop({ required: true }) failedAt: Date;
  @Prop() acknowledgedAt?: Date;
  @Prop() acknowledgedBy?: string;
  @Prop() note?: string;
  /** Set once ALERT_WEBHOOK_URL accepted the alert. */
  @Prop() forwardedAt?: Date;

  createdAt: Date;
  updatedAt: Date;
}

export const AlertSchema = SchemaFactory.createForClass(Alert);
AlertSchema.index({ status: 1, createdAt: -1 });
