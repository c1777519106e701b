import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One link in a card's spend chain for one control scope and window (see SpendEntry, whose
 * technique this extends): `_id` is `<cardUuid>|<scope>|<window>|<seq>`, `total` and `count` the
 * running amount and number of payments after it. Kept apart from the daily chain so that chain and
 * its indexes stay as they were.
 */
@Schema({ collection: 'card_spend_windows', versionKey: false })
export class SpendWindowEntry {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) cardUuid: string;
  /** `<scope>|<window>`: the control's interval and categories, and the window's start. */
  @Prop({ required: true }) chain: string;
  @Prop({ required: true }) seq: number;
  @Prop({ required: true }) delta: number;
  @Prop({ required: true }) total: number;
  @Prop({ required: true }) count: number;
  @Prop({ required: true }) transactionId: string;
  @Prop({ type: String, required: true, enum: ['reserve', 'release'] }) kind: 'reserve' | 'release';
  @Prop({ required: true }) createdAt: Date;
  /** After the window has ended; none for all_time chains, which never end. */
  @Prop() expiresAt?: Date;
}

export const SpendWindowEntrySchema = SchemaFactory.createForClass(SpendWindowEntry);
// A payment reserves once and releases once per chain, however often either runs.
SpendWindowEntrySchema.index({ chain: 1, cardUuid: 1, transactionId: 1, kind: 1 }, { unique: true });
SpendWindowEntrySchema.index({ expiresAt: 1 });
