import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A code a merchant's device types to pair. `_id` is the code's first half (the selector), so the
 * pairing call finds it by `_id` alone; the second half is kept only as a hash. Wrong tries are
 * counted per `codeId` in Redis; the single use is a unique insert of a CredentialClaim.
 */
@Schema({ collection: 'terminal_pairing_codes', timestamps: true })
export class PairingCode {
  @Prop({ type: String, required: true })
  _id: string;

  /** Random per code, so a selector reused after expiry starts with no claim and no wrong tries. */
  @Prop({ required: true })
  codeId: string;

  @Prop({ required: true })
  merchantId: string;

  @Prop({ required: true })
  verifierHash: string;

  @Prop()
  label?: string;

  @Prop({ required: true })
  expiresAt: Date;

  @Prop({ required: true })
  createdBy: string;
}

export const PairingCodeSchema = SchemaFactory.createForClass(PairingCode);

/**
 * "This happened once": a used pairing code, a terminal's one key binding, one key rotation per
 * credential generation. FerretDB has no atomic conditional update, so exclusivity is the unique `_id`.
 */
@Schema({ collection: 'terminal_credential_claims', timestamps: { createdAt: true, updatedAt: false } })
export class CredentialClaim {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  terminalId: string;
}

export const CredentialClaimSchema = SchemaFactory.createForClass(CredentialClaim);
