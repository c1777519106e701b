import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import type { LimitPolicy } from './limit-policy';

export const ACTIVE_LIMIT_POLICY_ID = 'active';

/** The one dynamic-limit policy in force. */
@Schema({ collection: 'fraud_limit_policies', versionKey: false })
export class LimitPolicyRecord {
  @Prop({ type: String })
  _id: string;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  policy: LimitPolicy;

  @Prop() updatedBy?: string;
  @Prop() updatedAt?: Date;
}

export const LimitPolicySchema = SchemaFactory.createForClass(LimitPolicyRecord);
