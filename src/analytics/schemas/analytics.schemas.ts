import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';
import type { FactKind, Measures } from '../rollup';

/**
 * A fact waiting to be folded into its minute buckets. `_id` is the fact's own key
 * (`<transactionId>:<kind>`), so a fact delivered twice is inserted once; the folder deletes it
 * once folded. This inbox stays small, so the folder's scan of it is cheap.
 */
@Schema({ collection: 'analytics_inbox', versionKey: false })
export class AnalyticsFact {
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ type: String, required: true }) kind: FactKind;
  @Prop({ required: true }) merchantId: string;
  @Prop() terminalId?: string;
  @Prop({ required: true }) amount: number;
  @Prop({ required: true }) at: Date;
  @Prop() declineCode?: string;
  @Prop() latencyMs?: number;
}
export const AnalyticsFactSchema = SchemaFactory.createForClass(AnalyticsFact);

/**
 * One bucket's figures: `_id` is `<scope>|<level>|<start ISO>`, so every read is by `_id`.
 * Minute buckets list the facts folded into them (`factIds`): folding a fact twice — after a
 * crash between writing the bucket and clearing the inbox — changes nothing. Hours and days are
 * rebuilt from their children, never incremented.
 */
@Schema({ collection: 'analytics_rollups', versionKey: false })
export class AnalyticsRollup {
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ required: true }) scope: string;
  @Prop({ required: true }) level: string;
  @Prop({ required: true }) start: Date;
  @Prop({ type: SchemaTypes.Mixed, required: true }) m: Measures;
  @Prop({ type: [String], default: undefined }) factIds?: string[];
  @Prop({ required: true }) updatedAt: Date;
}
export const AnalyticsRollupSchema = SchemaFactory.createForClass(AnalyticsRollup);
