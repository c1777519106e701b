import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';
import { STAFF_ROLES, type StaffRole } from '../../common/auth/principal';

export type UserRole = 'user' | 'admin' | 'merchant';

@Schema({ collection: 'users', timestamps: true })
export class User {
  /** Stored lower-cased, so uniqueness is case-insensitive. */
  @Prop({ required: true, unique: true })
  email: string;

  /** Absent only for invited merchant staff who have not accepted yet (they cannot log in). */
  @Prop()
  passwordHash?: string;

  @Prop({ required: true })
  fullName: string;

  @Prop({ type: String, required: true, enum: ['user', 'admin', 'merchant'], default: 'user' })
  role: UserRole;

  /** Merchant staff only: the one merchant they act for, and as what. */
  @Prop()
  merchantId?: string;

  @Prop({ type: String, enum: STAFF_ROLES })
  staffRole?: StaffRole;

  /** Merchant staff until they accept: the SHA-256 of the invite token (shown once) and its end. */
  @Prop()
  inviteTokenHash?: string;

  @Prop()
  inviteExpiresAt?: Date;

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
