import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

export const TERMINAL_STATUSES = ['active', 'disabled'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

@Schema({ collection: 'terminals', timestamps: true })
export class Terminal {
  @Prop({ required: true, unique: true })
  terminalId: string;

  @Prop({ required: true, index: true })
  merchantId: string;

  @Prop({ type: String, required: true, enum: TERMINAL_STATUSES, default: 'active' })
  status: TerminalStatus;

  /**
   * SHA-256 of the terminal secret: the secret is 256 random bits, so a fast hash suffices.
   * Terminals paired with a device key have none.
   */
  @Prop()
  secretHash?: string;

  /** The device's Ed25519 public key (raw 32 bytes, base64): it signs every request (RFC 9421). */
  @Prop()
  publicKey?: string;

  @Prop()
  label?: string;

  /** What the device said of itself when it paired (model, OS); shown to the merchant, trusted for nothing. */
  @Prop({ type: Object })
  deviceInfo?: Record<string, string>;

  @Prop()
  pairedAt?: Date;

  @Prop()
  lastSeenAt?: Date;

  /**
   * Renewed whenever the terminal's credentials stop standing for anything (secret rotated,
   * disabled). Its access tokens carry the generation they were issued under and die with it.
   */
  @Prop({ required: true, default: 0 })
  credentialGeneration: number;

  @Prop({ required: true, default: 0 })
  revision: number;

  createdAt: Date;
  updatedAt: Date;
}

export type TerminalDocument = HydratedDocument<Terminal>;
export const TerminalSchema = SchemaFactory.createForClass(Terminal);
