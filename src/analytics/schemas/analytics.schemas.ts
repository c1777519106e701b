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
 * One bucket's figures: `_id` is `<scope>|<level>|<start ISO>`, so every read is by `_id`. Every
 * level is the sum of the facts folded into it; `lastFold` names the fold that wrote it last, so
 * a fold resumed after a crash skips the buckets it already wrote. (`factIds`: minute buckets of
 * the earlier scheme listed their facts; never written now, never read by the summaries.)
 */
@Schema({ collection: 'analytics_rollups', versionKey: false })
export class AnalyticsRollup {
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ required: true }) scope: string;
  @Prop({ required: true }) level: string;
  @Prop({ required: true }) start: Date;
  @Prop({ type: SchemaTypes.Mixed, required: true }) m: Measures;
  @Prop() lastFold?: string;
  @Prop({ type: [String], default: undefined }) factIds?: string[];
  @Prop({ required: true }) updatedAt: Date;
}
export const AnalyticsRollupSchema = SchemaFactory.createForClass(AnalyticsRollup);

/**
 * A fact that has been folded, kept so that the same fact delivered again (a settled payment
 * repeats its acceptance) is recognised by its `_id` alone. Swept after FOLDED_KEPT_DAYS.
 */
@Schema({ collection: 'analytics_folded', versionKey: false })
export class FoldedFact {
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ required: true }) foldId: string;
  @Prop({ required: true }) at: Date;
}
export const FoldedFactSchema = SchemaFactory.createForClass(FoldedFact);

/**
 * The fold in progress (at most one, `_id` "current"): written before anything else the fold
 * writes and removed after its last write, so a fold cut short is finished by the next run.
 */
@Schema({ collection: 'analytics_fold_journal', versionKey: false })
export class FoldJournal {
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ required: true }) foldId: string;
  @Prop({ type: [String], required: true }) factIds: string[];
  @Prop({ required: true }) startedAt: Date;
}
export const FoldJournalSchema = SchemaFactory.createForClass(FoldJournal);
