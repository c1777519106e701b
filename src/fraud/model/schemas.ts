import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const MODEL_STATE_ID = 'active';

/** Which bundled model decides (active) and which is only scored and recorded (shadow). */
@Schema({ collection: 'fraud_model_state', versionKey: false })
export class FraudModelState {
  @Prop({ type: String }) _id: string;
  @Prop({ type: String }) active?: string | null;
  @Prop({ type: String }) shadow?: string | null;
  @Prop() updatedBy?: string;
  @Prop() updatedAt?: Date;
}

export const FraudModelStateSchema = SchemaFactory.createForClass(FraudModelState);
