import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One link of a money chain (see MoneyChain): `_id` is `<chain>|<seq>`, `total` the running sum
 * after it. Inserting the next `_id` is the one write FerretDB v1 does atomically, so two
 * reservations can never both extend a chain from the same total.
 */
@Schema({ collection: 'money_chain', versionKey: false })
export class MoneyEntry {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) chain: string;
  @Prop({ required: true }) seq: number;
  /** Positive for a reservation, negative for a release. */
  @Prop({ required: true }) delta: number;
  @Prop({ required: true }) total: number;
  /** The reservation this link belongs to (a refund's or payout's reservation id). */
  @Prop({ required: true }) opId: string;
  @Prop({ type: String, required: true, enum: ['reserve', 'release'] }) kind: 'reserve' | 'release';
  @Prop({ required: true }) createdAt: Date;
}

export const MoneyEntrySchema = SchemaFactory.createForClass(MoneyEntry);
// A reservation is made once and given back once, however often either runs.
MoneyEntrySchema.index({ chain: 1, opId: 1, kind: 1 }, { unique: true });
