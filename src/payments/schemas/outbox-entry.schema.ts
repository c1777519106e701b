import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * An accepted payment not yet final. Written before the payment itself and removed once it is
 * final, so the outbox sweep reads only the few open payments instead of scanning them all.
 */
@Schema({ collection: 'payment_outbox', versionKey: false })
export class OutboxEntry {
  /** The transactionId. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) amount: number;
  @Prop({ required: true }) createdAt: Date;
}

export const OutboxEntrySchema = SchemaFactory.createForClass(OutboxEntry);
