import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

export type UserRole = 'user' | 'admin';

@Schema({ collection: 'users', timestamps: true })
export class User {
  /** Stored lower-cased, so uniqueness is case-insensitive. */
  @Prop({ required: true, unique: true })
  email: string;

  @Prop({ required: true })
  passwordHash: string;

  @Prop({ required: true })
  fullName: string;

  @Prop({ type: String, required: true, enum: ['user', 'admin'], default: 'user' })
  role: UserRole;

  @Prop()
  walletAddress?: string;

  @Prop({ default: 0 })
  failedLogins: number;

  @Prop()
  lockedUntil?: Date;

  createdAt: Date;
  updatedAt: Date;
}

export type UserDocument = HydratedDocument<User>;
export const UserSchema = SchemaFactory.createForClass(User);
