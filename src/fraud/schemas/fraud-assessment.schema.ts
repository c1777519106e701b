import type { RiskLevel } from '../model/scorer';
import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';
import type { FraudDecision, FraudReason } from '../fraud.types';

/** One stored assessment: what was asked, what was answered, and (once known) whether it was approved. */
@Schema({ collection: 'fraud_assessments', versionKey: false, timestamps: { createdAt: true, updatedAt: false } })
export class FraudAssessmentRecord {
  /** The assessmentId: outcomes are merged in by `_id`, the one lookup FerretDB does without a scan. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  assessmentId: string;

  @Prop({ required: true })
  cardUuid: string;

  @Prop()
  userId?: string;

  /** Who called; with `accountable`, what a backtest counts the outcome against (as live counters did). */
  @Prop()
  caller?: string;

  @Prop({ type: { _id: false, card: Boolean, terminal: Boolean } })
  accountable?: { card: boolean; terminal: boolean };

  @Prop({ required: true })
  amount: number;

  @Prop({ required: true })
  merchantId: string;

  @Prop({ required: true })
  terminalId: string;

  @Prop({ required: true, index: true })
  at: Date;

  @Prop({ required: true })
  score: number;

  @Prop({ type: String, required: true })
  decision: FraudDecision;

  @Prop({ type: [{ _id: false, rule: String, detail: String, weight: Number }], default: [] })
  reasons: FraudReason[];

  @Prop({ default: false })
  degraded: boolean;

  @Prop()
  rulesVersion: number;

  /** What the card and merchant documents said (AssessmentContext), so replays compute the same model features. */
  @Prop() cardIssuedAt?: Date;
  @Prop() mcc?: string;

  /** The model's features by name as computed for this payment: what a label of this payment trains on. */
  @Prop({ type: Object, default: undefined })
  features?: Record<string, number>;

  /** null until payments reports the outcome. */
  @Prop({ type: Boolean, default: null })
  approved: boolean | null;

  @Prop()
  transactionId?: string;

  /** The fraud model's view (FraudAssessment); absent when no model ran. */
  @Prop() riskScore?: number;
  @Prop({ type: String }) riskLevel?: RiskLevel;
  @Prop() modelVersion?: string;
  @Prop() modelEnforced?: boolean;
  @Prop({ type: [{ _id: false, feature: String, contribution: Number }], default: undefined }) topFeatures?: { feature: string; contribution: number }[];
  @Prop({ type: { _id: false, version: String, riskScore: Number, riskLevel: String }, default: undefined }) shadow?: { version: string; riskScore: number; riskLevel: RiskLevel };
}

export type FraudAssessmentDocument = HydratedDocument<FraudAssessmentRecord>;
export const FraudAssessmentSchema = SchemaFactory.createForClass(FraudAssessmentRecord);
