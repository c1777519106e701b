import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One per accepted invite, `_id` the invited user's id: the unique insert decides which of two
 * concurrent acceptances sets the password (FerretDB has no conditional update to do it with).
 */
@Schema({ collection: 'invite_claims', versionKey: false })
export class InviteClaim {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) createdAt: Date;
}

export const InviteClaimSchema = SchemaFactory.createForClass(InviteClaim);
