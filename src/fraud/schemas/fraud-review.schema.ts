import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { ReviewableAssessment } from '../fraud.types';

export type ReviewVerdict = 'legit' | 'fraud';

/** A payment let through with decision `review`, waiting for (or having had) an admin's verdict. */
@Schema({ collection: 'fraud_reviews', versionKey: false })
export class FraudReview {
  @Prop({ required: true, unique: true })
  transactionId: string;

  @Prop()
  assessmentId?: string;

  @Prop({ required: true })
  cardUuid: string;

  @Prop()
  userId?: string;

  @Prop({ required: true })
  amount: number;

  @Prop({ required: true })
  merchantId: string;

  @Prop({ required: true })
  terminalId: string;

  @Prop({ required: true })
  score: number;

  /** The fraud model's view of the payment, when a model ran. */
  @Prop() riskScore?: number;
  @Prop({ type: String }) riskLevel?: string;
  @Prop() modelVersion?: string;

  @Prop({ type: [{ _id: false, rule: String, detail: String, weight: Number }], default: [] })
  reasons: ReviewableAssessment['reasons'];

  @Prop({ type: String, required: true, enum: ['open', 'resolved'], index: true })
  status: 'open' | 'resolved';

  @Prop({ type: String, enum: ['legit', 'fraud'] })
  verdict?: ReviewVerdict;

  @Prop()
  note?: string;

  @Prop()
  resolvedBy?: string;

  @Prop()
  resolvedAt?: Date;

  @Prop({ required: true, index: true })
  createdAt: Date;
}

export const FraudReviewSchema = SchemaFactory.createForClass(FraudReview);
