import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export type LabelSource = 'review' | 'refund';

/**
 * A payment whose outcome someone established: fraud (1) or not (0), with the model's features as
 * the assessment computed them, so `npm run fraud:train -- --outcomes` trains on it. One per
 * payment (`_id` = transactionId): the latest word wins.
 */
@Schema({ collection: 'fraud_labels', versionKey: false })
export class FraudLabel {
  @Prop({ type: String }) _id: string;
  @Prop({ type: Number, required: true, enum: [0, 1] }) label: 0 | 1;
  @Prop({ type: String, required: true, enum: ['review', 'refund'] }) source: LabelSource;
  /** The review's verdict or the refund's reason. */
  @Prop({ required: true }) detail: string;
  @Prop() assessmentId?: string;
  /** When the payment was made (the assessment's time). */
  @Prop() at?: Date;
  /** The model's features by name; absent when the assessment is no longer kept or had none (degraded). */
  @Prop({ type: Object, default: undefined }) features?: Record<string, number>;
  /** The rules' score of the same payment, for the held-out comparison. */
  @Prop() rulesScore?: number;
  @Prop({ required: true }) recordedBy: string;
  @Prop({ required: true }) recordedAt: Date;
}

export const FraudLabelSchema = SchemaFactory.createForClass(FraudLabel);
