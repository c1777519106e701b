import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * An accepted payment not yet final. Written before its limit is reserved and before the payment
 * itself, and removed once it is final, so the outbox sweep reads only the few open payments
 * instead of scanning them all, and gives back a reservation whose payment was never written.
 */
@Schema({ collection: 'payment_outbox', versionKey: false })
export class OutboxEntry {
  /** The transactionId. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) amount: number;
  /** The card whose limit the payment reserves: what to give back if the payment never gets written. */
  @Prop() cardUuid?: string;
  @Prop({ required: true }) createdAt: Date;
}

export const OutboxEntrySchema = SchemaFactory.createForClass(OutboxEntry);
