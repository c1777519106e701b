import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import type { FraudRulesConfig } from '../fraud-rules.config';

export const ACTIVE_RULE_SET_ID = 'active';

/** The one active rule set; `version` grows by one on every change (optimistic concurrency). */
@Schema({ collection: 'fraud_rule_sets', versionKey: false })
export class FraudRuleSet {
  @Prop({ type: String })
  _id: string;

  @Prop({ required: true })
  version: number;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  config: FraudRulesConfig;

  @Prop()
  updatedBy?: string;

  @Prop()
  updatedAt?: Date;
}

export const FraudRuleSetSchema = SchemaFactory.createForClass(FraudRuleSet);
