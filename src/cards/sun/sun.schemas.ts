import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** Which card a UID belongs to, keyed by the UID itself: finding the card of a tap is an `_id` lookup. */
@Schema({ collection: 'card_uids', timestamps: { createdAt: true, updatedAt: false }, versionKey: false })
export class CardUid {
  /** 14 lowercase hex characters. */
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ required: true }) cardUuid: string;
}
export const CardUidSchema = SchemaFactory.createForClass(CardUid);

/**
 * One per (card, key version, read counter), insert-only: its unique `_id` is what makes a counter
 * usable once, under any concurrency, on every instance.
 */
@Schema({ collection: 'card_taps', timestamps: { createdAt: true, updatedAt: false }, versionKey: false })
export class CardTap {
  @Prop({ type: String, required: true }) _id: string;
  /** The payment that used the counter (its retry may use it again). */
  @Prop({ required: true }) transactionId: string;
}
export const CardTapSchema = SchemaFactory.createForClass(CardTap);

/** The highest counter used per (card, key version): online taps must come above it. Only ever raised ($max). */
@Schema({ collection: 'card_counter_marks', versionKey: false })
export class CardCounterMark {
  @Prop({ type: String, required: true }) _id: string;
  @Prop({ required: true }) high: number;
}
export const CardCounterMarkSchema = SchemaFactory.createForClass(CardCounterMark);
