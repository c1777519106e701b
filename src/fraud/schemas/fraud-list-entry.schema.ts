import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const LIST_TYPES = ['card', 'terminal', 'merchant'] as const;
export type ListType = (typeof LIST_TYPES)[number];

/** A blocked card, terminal or merchant; mirrored into the Redis set `fraud:list:<type>`. */
@Schema({ collection: 'fraud_list_entries', versionKey: false })
export class FraudListEntry {
  @Prop({ type: String, required: true, enum: LIST_TYPES })
  type: ListType;

  @Prop({ required: true })
  value: string;

  @Prop()
  reason?: string;

  @Prop({ required: true })
  createdBy: string;

  @Prop({ required: true })
  createdAt: Date;
}

export const FraudListEntrySchema = SchemaFactory.createForClass(FraudListEntry);
FraudListEntrySchema.index({ type: 1, value: 1 }, { unique: true });
