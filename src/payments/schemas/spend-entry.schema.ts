import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One link in a card's spend chain for one day: `_id` is `<cardUuid>|<day>|<seq>` and `total` the
 * running sum after it. A reservation is the insert of the next link, and inserting a unique `_id`
 * is the one write that is atomic on FerretDB v1 as on MongoDB (FerretDB's conditional updates and
 * `$inc` are read-then-write and let concurrent writers through), so two taps can never both
 * extend the chain from the same total.
 */
@Schema({ collection: 'card_spend', versionKey: false })
export class SpendEntry {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) cardUuid: string;
  @Prop({ required: true }) day: string;
  @Prop({ required: true }) seq: number;
  /** Positive for a reservation, negative for a release. */
  @Prop({ required: true }) delta: number;
  @Prop({ required: true }) total: number;
  @Prop({ required: true }) transactionId: string;
  @Prop({ type: String, required: true, enum: ['reserve', 'release'] }) kind: 'reserve' | 'release';
  @Prop({ required: true }) createdAt: Date;
}

export const SpendEntrySchema = SchemaFactory.createForClass(SpendEntry);
// A payment reserves once and releases once, however often either runs.
SpendEntrySchema.index({ transactionId: 1, kind: 1 }, { unique: true });
SpendEntrySchema.index({ createdAt: 1 });
