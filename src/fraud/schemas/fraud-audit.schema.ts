import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';

export type FraudAuditAction = 'rules.update' | 'list.add' | 'list.remove' | 'review.resolve' | 'model.activate';

/** Who changed what in the fraud settings, and when. Append-only. */
@Schema({ collection: 'fraud_audit', versionKey: false })
export class FraudAuditEntry {
  @Prop({ type: String, required: true })
  action: FraudAuditAction;

  @Prop({ required: true })
  actor: string;

  @Prop({ required: true, index: true })
  at: Date;

  @Prop({ type: MongooseSchema.Types.Mixed })
  details: Record<string, unknown>;
}

export const FraudAuditSchema = SchemaFactory.createForClass(FraudAuditEntry);
